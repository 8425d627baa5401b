#pragma once
// One OpenFlow connection: a non-blocking stream socket, its receive buffer cut into whole
// messages (every length checked before use) and its send buffer. What the messages mean
// is the Session's business (session.hpp).

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "openflow/messages.hpp"
#include "openflow/protocol.hpp"

namespace sy::ofagent {

class Connection {
  public:
    // Takes ownership of `fd` (non-blocking). `controller`: a set-controller connection
    // (gets asynchronous messages); else a management one (ovs-ofctl).
    Connection(int fd, bool controller, std::string peer);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    int fd() const { return fd_; }
    bool controller() const { return controller_; }
    const std::string& peer() const { return peer_; }
    bool closed() const { return fd_ < 0; }
    bool wants_write() const { return sent_ < tx_.size(); }

    // Reads what is there and calls `on_message` for each whole message (header + body).
    // False: the peer closed, errored, or broke framing (an ERROR was queued and flushed
    // as far as possible first).
    bool receive(const std::function<void(const openflow::Header&,
                                          std::span<const std::uint8_t>)>& on_message);
    // Writes what the socket takes. False on error.
    bool flush();
    void close();

    // Appends whole messages (encoders write here).
    openflow::Bytes& out() { return tx_; }
    // Bytes still to send (a slow peer past a limit is disconnected).
    std::size_t backlog() const { return tx_.size() - sent_; }

    // Protocol state, kept by the Session.
    bool negotiated = false;
    bool close_after_flush = false;
    openflow::Role role = openflow::Role::equal;
    openflow::SwitchConfig config;
    std::uint64_t last_rx_ns = 0;
    bool echo_pending = false;

  private:
    int fd_;
    bool controller_;
    std::string peer_;
    openflow::Bytes rx_;
    std::size_t consumed_ = 0;
    openflow::Bytes tx_;
    std::size_t sent_ = 0;
};

}  // namespace sy::ofagent
