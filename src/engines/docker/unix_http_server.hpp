#pragma once
// A small HTTP/1.1 server on a unix stream socket, for Docker's plugin protocol (JSON POSTs
// over /run/docker/plugins/NAME.sock). Boost.Beast does the HTTP; one thread runs every
// connection, so requests are handled one at a time, in arrival order: the driver behind it
// needs no locking of its own, and a periodic tick (reconciliation) never runs in the middle
// of a request.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/status.hpp"

namespace sy::engines::docker {

struct HttpReply {
    int status = 200;
    std::string body;
};

class UnixHttpServer {
  public:
    using Handler = std::function<HttpReply(const std::string& target, const std::string& body)>;

    struct Options {
        std::string socket_path;
        Handler handler;
        std::chrono::milliseconds tick_interval{0};  // 0: no tick
        std::function<void()> on_tick;
    };

    // Binds (mode 0600) and starts serving on a thread of its own. Refuses when another
    // process answers on the path; replaces a stale socket file. Errc::io_error on failure.
    static Result<std::unique_ptr<UnixHttpServer>> start(Options options);
    ~UnixHttpServer();  // stops, joins, removes the socket file

    UnixHttpServer(const UnixHttpServer&) = delete;
    UnixHttpServer& operator=(const UnixHttpServer&) = delete;

  private:
    struct Impl;
    explicit UnixHttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace sy::engines::docker
