#pragma once
// The control socket: a unix stream socket, owner-only (0600), one JSON-RPC request per line.
// Each client gets a thread of its own (clients are few; a capture client stays connected for
// its whole duration). A misbehaving client gets an error and loses only its own connection.

#include <atomic>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include "base/status.hpp"
#include "control/command_registry.hpp"

namespace sy::control {

class ControlServer {
  public:
    static constexpr std::size_t kMaxClients = 32;

    ControlServer(const CommandRegistry& registry, std::string socket_path);
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
    };
    void serve_client(Client& client);
    void reap(bool all);

    const CommandRegistry& registry_;
    std::string socket_path_;
    int listen_fd_ = -1;
    std::list<std::unique_ptr<Client>> clients_;
};

}  // namespace sy::control
