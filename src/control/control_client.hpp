#pragma once
// The verbs' side of the control socket: connect, send one JSON-RPC request per line, read
// the response. Connection failures say plainly that no daemon is running.

#include <nlohmann/json.hpp>

#include <string>

#include "base/status.hpp"

namespace sy::control {

class ControlClient {
  public:
    // Errc::not_found, with a one-line message, when no daemon listens on `socket_path`.
    static Result<ControlClient> connect(const std::string& socket_path);
    ControlClient(ControlClient&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    ControlClient& operator=(ControlClient&&) = delete;
    ~ControlClient();

    // The method's result, or its error as a Status (the daemon's message, verbatim).
    Result<nlohmann::json> call(const std::string& method,
                                nlohmann::json params = nlohmann::json::object());
    int fd() const { return fd_; }

  private:
    explicit ControlClient(int fd) : fd_(fd) {}
    int fd_;
    int next_id_ = 1;
    std::string pending_;  // bytes received after the last response line
};

}  // namespace sy::control
