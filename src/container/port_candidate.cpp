#include "container/port_candidate.hpp"

#include <fmt/core.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "container/address.hpp"

namespace sy::container {

Status check_port_candidate(const std::string& ifname) {
    if (Status s = check_ifname(ifname); !s) return s;
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
    ifreq flags{};
    std::memcpy(flags.ifr_name, ifname.c_str(), ifname.size());
    ifreq hw = flags;
    const bool have_flags = ioctl(fd, SIOCGIFFLAGS, &flags) == 0;
    const int flags_errno = errno;
    const bool have_hw = ioctl(fd, SIOCGIFHWADDR, &hw) == 0;
    close(fd);
    if (!have_flags) {
        if (flags_errno == ENODEV)
            return Status(Errc::not_found,
                          fmt::format("no interface '{}' in the host network namespace", ifname));
        return Status(Errc::io_error,
                      fmt::format("interface '{}': {}", ifname, std::strerror(flags_errno)));
    }
    if ((flags.ifr_flags & IFF_LOOPBACK) != 0)
        return Status(Errc::invalid_argument,
                      fmt::format("'{}' is a loopback interface: it would hand every frame back "
                                  "to the switch",
                                  ifname));
    if (have_hw && hw.ifr_hwaddr.sa_family != ARPHRD_ETHER)
        return Status(Errc::invalid_argument,
                      fmt::format("'{}' is not an Ethernet interface (ARP hardware type {})",
                                  ifname, hw.ifr_hwaddr.sa_family));
    // IFLA_MASTER, as sysfs shows it: a Linux bridge, bond, team, VRF or OVS owns the port.
    std::error_code ec;
    const std::filesystem::path master = "/sys/class/net/" + ifname + "/master";
    if (std::filesystem::is_symlink(master, ec)) {
        const auto target = std::filesystem::read_symlink(master, ec);
        return Status(Errc::invalid_argument,
                      fmt::format("'{}' is already a port of '{}' (a Linux bridge, bond, team or "
                                  "other master device); take it out there first",
                                  ifname, ec ? std::string("another device")
                                             : target.filename().string()));
    }
    return Status::ok();
}

}  // namespace sy::container
