#include "control/control_server.hpp"

#include <fmt/core.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "control/json_rpc.hpp"
#include "control/log.hpp"

namespace sy::control {
namespace {

Result<sockaddr_un> unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        return Status(Errc::invalid_argument,
                      fmt::format("control socket path {} is longer than {} bytes", path,
                                  sizeof addr.sun_path - 1));
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool send_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

ControlServer::ControlServer(const CommandRegistry& registry, std::string socket_path,
                             ControlLimits limits)
    : registry_(registry), socket_path_(std::move(socket_path)), limits_(limits) {}

ControlServer::~ControlServer() {
    reap(/*all=*/true);
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(socket_path_.c_str());
    }
}

Status ControlServer::listen() {
    auto addr = unix_address(socket_path_);
    if (!addr) return addr.status();
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
    // A socket file exists: is somebody answering on it?
    if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) == 0) {
        close(fd);
        return Status(Errc::already_exists,
                      fmt::format("a switchyard daemon is already listening on {}", socket_path_));
    }
    unlink(socket_path_.c_str());  // stale, from a daemon that died
    // Create the socket owner-only from the start (no window with looser permissions).
    const mode_t old_mask = umask(0177);
    const int rc = bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
    const int err = errno;
    umask(old_mask);
    if (rc != 0 || chmod(socket_path_.c_str(), 0600) != 0 || ::listen(fd, 16) != 0) {
        close(fd);
        return Status(Errc::io_error, fmt::format("cannot listen on {}: {}", socket_path_,
                                                  std::strerror(rc != 0 ? err : errno)));
    }
    listen_fd_ = fd;
    return Status::ok();
}

void ControlServer::serve(int stop_fd) {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            log_warn("poll: {}", std::strerror(errno));
            return;
        }
        if (fds[1].revents != 0) return;
        if ((fds[0].revents & POLLIN) == 0) continue;
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        reap(/*all=*/false);
        std::size_t live = 0;
        for (const auto& c : clients_) live += !c->done && !c->evicted;
        if (live >= limits_.max_clients && !evict_one()) {
            send_all(fd, rpc::make_error(nullptr, rpc::kInternalError,
                                         fmt::format("too many clients (limit {}), all running "
                                                     "commands or captures",
                                                     limits_.max_clients))
                                 .dump() +
                             "\n");
            close(fd);
            continue;
        }
        auto client = std::make_unique<Client>();
        client->fd = fd;
        client->last_active_ns = now_ns();
        Client& ref = *client;
        clients_.push_back(std::move(client));
        ref.thread = std::thread([this, &ref] { serve_client(ref); });
    }
}

bool ControlServer::evict_one() {
    Client* victim = nullptr;
    for (const auto& c : clients_) {
        if (c->done || c->evicted || c->busy || c->streaming) continue;
        if (victim == nullptr || c->last_active_ns < victim->last_active_ns) victim = c.get();
    }
    if (victim == nullptr) return false;
    victim->evicted = true;
    shutdown(victim->fd, SHUT_RDWR);  // wakes its poll(); its thread ends by itself
    return true;
}

void ControlServer::serve_client(Client& client) {
    {
        Session session;  // its destructor undoes what the client left behind
        std::string buffer;
        char chunk[4096];
        bool open = true;
        std::int64_t request_started_ns = 0;  // first byte of the pending partial request
        const auto ms_left = [](std::int64_t deadline_ns) {
            return static_cast<int>(std::max<std::int64_t>(0, (deadline_ns - now_ns()) / 1000000));
        };
        while (open && !client.evicted) {
            const bool partial = buffer.find_first_not_of(" \t\r\n") != std::string::npos;
            int timeout_ms = -1;
            if (partial) {
                timeout_ms = ms_left(request_started_ns + limits_.request_timeout.count() * 1000000);
            } else if (!session.holds_resources()) {
                timeout_ms =
                    ms_left(client.last_active_ns + limits_.idle_timeout.count() * 1000000);
            }
            pollfd pfd{client.fd, POLLIN, 0};
            const int ready = poll(&pfd, 1, timeout_ms);
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0) {
                // A hung or hostile client: it loses its own connection, nobody else waits.
                if (partial) {
                    send_all(client.fd,
                             rpc::make_error(nullptr, rpc::kInvalidRequest,
                                             fmt::format("request not complete within {} ms",
                                                         limits_.request_timeout.count()))
                                     .dump() +
                                 "\n");
                }
                break;
            }
            const ssize_t n = recv(client.fd, chunk, sizeof chunk, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n > 0 && !partial) request_started_ns = now_ns();
            if (n <= 0) {
                open = false;
                // A last request without a trailing newline is still a request.
                if (buffer.find_first_not_of(" \t\r\n") == std::string::npos) break;
                buffer.push_back('\n');
            } else {
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            std::size_t start = 0;
            for (std::size_t nl; (nl = buffer.find('\n', start)) != std::string::npos;
                 start = nl + 1) {
                std::string_view line(buffer.data() + start, nl - start);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
                client.busy = true;
                auto response = dispatch_line(registry_, line, session);
                client.streaming = session.holds_resources();
                client.last_active_ns = now_ns();
                client.busy = false;
                if (response && !send_all(client.fd, *response + "\n")) open = false;
            }
            buffer.erase(0, start);
            // What is left is the start of the next request: its clock starts now.
            if (start > 0) request_started_ns = now_ns();
            if (buffer.size() > rpc::kMaxRequestBytes) {
                // No newline in sight: we cannot find the next request boundary, so answer
                // once and drop this connection.
                send_all(client.fd, rpc::make_error(nullptr, rpc::kInvalidRequest,
                                                    fmt::format("request exceeds {} bytes",
                                                                rpc::kMaxRequestBytes))
                                            .dump() +
                                        "\n");
                open = false;
            }
        }
    }
    shutdown(client.fd, SHUT_RDWR);
    client.done = true;
}

void ControlServer::reap(bool all) {
    for (auto it = clients_.begin(); it != clients_.end();) {
        Client& c = **it;
        if (all && !c.done) shutdown(c.fd, SHUT_RDWR);  // wakes its recv()
        if (all || c.done) {
            c.thread.join();
            close(c.fd);
            it = clients_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace sy::control
