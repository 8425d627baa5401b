#include "control/port_claim.hpp"

#include <fmt/core.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>

namespace sy::control {
namespace {

// Abstract address: a leading NUL, then the name (no terminator; the length says where it ends).
socklen_t abstract_address(const std::string& name, sockaddr_un& addr) {
    addr = sockaddr_un{};
    addr.sun_family = AF_UNIX;
    const std::size_t n = std::min(name.size(), sizeof addr.sun_path - 1);
    std::memcpy(addr.sun_path + 1, name.data(), n);
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + n);
}

// Who holds a claim: connect (it listens) and ask the kernel for the peer's pid.
pid_t holder_of(const sockaddr_un& addr, socklen_t len) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    pid_t pid = 0;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) == 0) {
        ucred cred{};
        socklen_t size = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) == 0) pid = cred.pid;
    }
    close(fd);
    return pid;
}

}  // namespace

Claim::~Claim() {
    if (fd_ >= 0) close(fd_);
}

Result<std::unique_ptr<Claim>> claim_abstract(const std::string& name, const std::string& what) {
    sockaddr_un addr;
    const socklen_t len = abstract_address(name, addr);
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
    if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
        const int err = errno;
        close(fd);
        if (err == EADDRINUSE) {
            const pid_t pid = holder_of(addr, len);
            return Status(Errc::already_exists,
                          pid > 0 ? fmt::format("{} is held by another switchyard daemon (pid {})",
                                                what, pid)
                                  : fmt::format("{} is held by another switchyard daemon", what));
        }
        return Status(Errc::io_error,
                      fmt::format("cannot claim {}: {}", what, std::strerror(err)));
    }
    // Listening only so that holder_of() can name us; nobody is ever accepted.
    ::listen(fd, 1);
    return std::make_unique<Claim>(fd);
}

Result<std::unique_ptr<Claim>> claim_port(const std::string& ifname) {
    const unsigned index = if_nametoindex(ifname.c_str());
    if (index == 0)
        return Status(Errc::not_found,
                      fmt::format("no interface '{}' in the host network namespace", ifname));
    return claim_abstract(fmt::format("switchyard/port/{}", index),
                          fmt::format("interface '{}'", ifname));
}

Result<std::unique_ptr<Claim>> claim_state_dir(const std::string& state_dir) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(state_dir, ec), ec);
    const std::string path = ec ? state_dir : canonical.string();
    return claim_abstract("switchyard/dir" + path, fmt::format("state directory {}", path));
}

}  // namespace sy::control
