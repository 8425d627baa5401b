#include "container/announce.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace sy::container {
namespace {

void put16(std::vector<std::uint8_t>& f, std::uint16_t v) {
    f.push_back(static_cast<std::uint8_t>(v >> 8));
    f.push_back(static_cast<std::uint8_t>(v));
}

void put(std::vector<std::uint8_t>& f, const std::uint8_t* p, std::size_t n) {
    f.insert(f.end(), p, p + n);
}

void ethernet(std::vector<std::uint8_t>& f, const std::uint8_t* dst, const MacAddress& src,
              std::uint16_t type) {
    put(f, dst, 6);
    put(f, src.bytes.data(), 6);
    put16(f, type);
}

Status errno_status(const std::string& what, int err) {
    return Status(Errc::io_error, fmt::format("{}: {}", what, std::strerror(err)));
}

bool link_running(int fd, const std::string& ifname) {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname.c_str(), std::min(ifname.size(), sizeof ifr.ifr_name - 1));
    return ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING) != 0;
}

}  // namespace

std::vector<std::uint8_t> gratuitous_arp_frame(const MacAddress& mac, const IpAddress& ip) {
    static constexpr std::uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static constexpr std::uint8_t kZero[6] = {};
    std::vector<std::uint8_t> f;
    ethernet(f, kBroadcast, mac, 0x0806);
    put16(f, 1);       // hardware: Ethernet
    put16(f, 0x0800);  // protocol: IPv4
    f.push_back(6);
    f.push_back(4);
    put16(f, 1);  // request (RFC 5227: announcements are requests)
    put(f, mac.bytes.data(), 6);
    put(f, ip.bytes.data(), 4);
    put(f, kZero, 6);
    put(f, ip.bytes.data(), 4);
    f.resize(60, 0);  // minimum frame without FCS
    return f;
}

std::vector<std::uint8_t> unsolicited_na_frame(const MacAddress& mac, const IpAddress& ip) {
    static constexpr std::uint8_t kAllNodesMac[6] = {0x33, 0x33, 0, 0, 0, 1};
    static constexpr std::uint8_t kAllNodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                                   0,    0,    0, 0, 0, 0, 0, 1};
    std::vector<std::uint8_t> f;
    ethernet(f, kAllNodesMac, mac, 0x86dd);
    const std::size_t ip6 = f.size();
    constexpr std::uint16_t kIcmpLength = 32;  // header 4, flags 4, target 16, option 8
    f.push_back(0x60);
    f.push_back(0);
    put16(f, 0);
    put16(f, kIcmpLength);
    f.push_back(58);   // ICMPv6
    f.push_back(255);  // hop limit: neighbour discovery requires 255
    put(f, ip.bytes.data(), 16);
    put(f, kAllNodes, 16);
    const std::size_t icmp = f.size();
    f.push_back(136);  // neighbour advertisement
    f.push_back(0);
    put16(f, 0);  // checksum, below
    f.push_back(0x20);  // Override; not Router, not Solicited
    f.insert(f.end(), 3, 0);
    put(f, ip.bytes.data(), 16);
    f.push_back(2);  // option: target link-layer address
    f.push_back(1);  // length in units of 8 bytes
    put(f, mac.bytes.data(), 6);
    // Checksum over the pseudo-header (source, destination, length, next header) and ICMPv6.
    std::uint32_t sum = 0;
    auto add = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = 0; i < n; i += 2) sum += (f[from + i] << 8) | f[from + i + 1];
    };
    add(ip6 + 8, 32);
    sum += kIcmpLength + 58;
    add(icmp, kIcmpLength);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    const std::uint16_t csum = static_cast<std::uint16_t>(~sum);
    f[icmp + 2] = static_cast<std::uint8_t>(csum >> 8);
    f[icmp + 3] = static_cast<std::uint8_t>(csum);
    return f;
}

Status announce_addresses(const std::string& netns_path, const std::string& ifname,
                          const MacAddress& mac, const std::vector<IpPrefix>& addresses) {
    Status result = Status::ok();
    // A thread of our own enters the namespace, so the daemon's threads stay where they are.
    std::thread worker([&] {
        const int ns = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (ns < 0) {
            result = errno_status(fmt::format("open {}", netns_path), errno);
            return;
        }
        const int rc = setns(ns, CLONE_NEWNET);
        const int err = errno;
        ::close(ns);
        if (rc != 0) {
            result = errno_status("cannot enter the container's network namespace", err);
            return;
        }
        const unsigned index = if_nametoindex(ifname.c_str());
        if (index == 0) {
            result = errno_status(fmt::format("interface {} in the container", ifname), errno);
            return;
        }
        const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            result = errno_status("packet socket", errno);
            return;
        }
        // Until the kernel has the link running (carrier seen, queue attached: linkwatch does
        // that shortly after "up"), frames sent are dropped. Wait for it, briefly.
        for (int i = 0; i < 100 && !link_running(fd, ifname); ++i) usleep(10000);
        // Twice, as RFC 5227 announces: one frame can be lost while the peer's link settles.
        for (int round = 0; round < 2 && result; ++round) {
            if (round > 0) usleep(100000);
            for (const IpPrefix& a : addresses) {
            const auto frame = a.address.family == AF_INET ? gratuitous_arp_frame(mac, a.address)
                                                           : unsolicited_na_frame(mac, a.address);
            sockaddr_ll to{};
            to.sll_family = AF_PACKET;
            to.sll_ifindex = static_cast<int>(index);
            to.sll_halen = 6;
            std::memcpy(to.sll_addr, frame.data(), 6);
            if (sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to),
                       sizeof to) < 0) {
                result = errno_status(fmt::format("announcing {}", a.to_string()), errno);
                break;
            }
            }
        }
        ::close(fd);
    });
    worker.join();
    return result;
}

}  // namespace sy::container
