#include "control/control_client.hpp"

#include <fmt/core.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "control/json_rpc.hpp"

namespace sy::control {

Result<ControlClient> ControlClient::connect(const std::string& socket_path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) {
        return Status(Errc::invalid_argument,
                      fmt::format("control socket path {} is too long", socket_path));
    }
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        close(fd);
        if (err == ENOENT || err == ECONNREFUSED) {
            return Status(Errc::not_found,
                          fmt::format("no switchyard daemon is running (nothing listens on {}); "
                                      "start one with `switchyard daemon`",
                                      socket_path));
        }
        return Status(Errc::io_error,
                      fmt::format("cannot connect to the switchyard daemon at {}: {}", socket_path,
                                  std::strerror(err)));
    }
    return ControlClient(fd);
}

ControlClient::~ControlClient() {
    if (fd_ >= 0) close(fd_);
}

Result<nlohmann::json> ControlClient::call(const std::string& method, nlohmann::json params) {
    const int id = next_id_++;
    const std::string line = rpc::make_request(id, method, std::move(params)).dump() + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = send(fd_, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return Status(Errc::io_error, fmt::format("lost the daemon: {}", std::strerror(errno)));
        done += static_cast<std::size_t>(n);
    }
    std::size_t nl;
    while ((nl = pending_.find('\n')) == std::string::npos) {
        char chunk[4096];
        const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return Status(Errc::io_error, "the daemon closed the connection without answering");
        pending_.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string response_text = pending_.substr(0, nl);
    pending_.erase(0, nl + 1);
    auto response = nlohmann::json::parse(response_text, nullptr, false);
    if (!response.is_object())
        return Status(Errc::io_error, "the daemon sent an unreadable response");
    if (auto error = response.find("error"); error != response.end() && error->is_object()) {
        const auto code = error->find("code");
        const auto message = error->find("message");
        return Status(
            rpc::errc_for(code != error->end() && code->is_number_integer() ? code->get<int>()
                                                                            : rpc::kInternalError),
            message != error->end() && message->is_string() ? message->get<std::string>()
                                                            : "unknown error");
    }
    auto result = response.find("result");
    if (result == response.end())
        return Status(Errc::io_error, "the daemon's response has no result");
    return *result;
}

}  // namespace sy::control
