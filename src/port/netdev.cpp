#include "port/netdev.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace sy::port {

Status bring_up_and_read_mtu(const std::string& ifname, const std::string& what,
                             std::uint32_t& mtu) {
    auto error = [&](const char* call) {
        return Status(Errc::io_error, fmt::format("{}: {}: {}", what, call, std::strerror(errno)));
    };
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return error("socket");
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname.c_str(), std::min(ifname.size(), sizeof ifr.ifr_name - 1));
    Status st;
    if (::ioctl(s, SIOCGIFMTU, &ifr) != 0) {
        st = error("ioctl(SIOCGIFMTU)");
    } else {
        mtu = static_cast<std::uint32_t>(ifr.ifr_mtu);
        if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
            st = error("ioctl(SIOCGIFFLAGS)");
        } else if (!(ifr.ifr_flags & IFF_UP)) {
            ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
            if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) st = error("ioctl(SIOCSIFFLAGS, up)");
        }
    }
    ::close(s);
    return st;
}

}  // namespace sy::port
