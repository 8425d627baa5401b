#pragma once
// The control socket: a unix stream socket, owner-only (0600), one JSON-RPC request per line.
// Each client gets a thread of its own (clients are few; a capture client stays connected for
// its whole duration). A misbehaving client gets an error and loses only its own connection.
//
// Nobody can lock the socket: a request must arrive complete within `request_timeout` of its
// first byte, a connection that sends nothing for `idle_timeout` is closed (unless it holds a
// capture: a streaming connection), and when all `max_clients` slots are taken a new client
// takes the slot of the connection idle the longest (never one running a command or holding a
// capture), so it waits for nobody.

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include "base/status.hpp"
#include "control/command_registry.hpp"

namespace sy::control {

struct ControlLimits {
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds idle_timeout{30000};
    std::size_t max_clients = 32;
};

class ControlServer {
  public:
    ControlServer(const CommandRegistry& registry, std::string socket_path,
                  ControlLimits limits = {});
    ~ControlServer();  // stops, joins every client thread, removes the socket

    // Binds the socket. Refuses when a live daemon already answers on it; replaces a stale
    // socket file left by a crashed one.
    Status listen();
    // Accepts and serves clients until `stop_fd` becomes readable (e.g. a signalfd).
    void serve(int stop_fd);

  private:
    struct Client {
        int fd = -1;
        std::thread thread;
        std::atomic<bool> done{false};
        std::atomic<bool> evicted{false};  // its slot was given to a new client
        std::atomic<bool> busy{false};     // a command is running
        std::atomic<bool> streaming{false};  // holds a capture (Session::holds_resources)
        std::atomic<std::int64_t> last_active_ns{0};  // steady clock
    };
    void serve_client(Client& client);
    void reap(bool all);
    // Frees a slot for a new client; false if every connection is busy or streaming.
    bool evict_one();

    const CommandRegistry& registry_;
    std::string socket_path_;
    ControlLimits limits_;
    int listen_fd_ = -1;
    std::list<std::unique_ptr<Client>> clients_;
};

}  // namespace sy::control
