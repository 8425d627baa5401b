#include "engines/derived_mac.hpp"

#include <fmt/core.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "container/address.hpp"

namespace sy::engines {

std::string mac_for_address(const std::string& ipv4_cidr, const std::string& ipv6_cidr) {
    std::array<std::uint8_t, 6> mac{0x02, 0x53, 0, 0, 0, 0};
    if (auto v4 = container::parse_cidr(ipv4_cidr); v4 && v4->address.family == AF_INET) {
        std::copy_n(v4->address.bytes.begin(), 4, mac.begin() + 2);
    } else if (auto v6 = container::parse_cidr(ipv6_cidr); v6 && v6->address.family == AF_INET6) {
        std::copy_n(v6->address.bytes.begin() + 12, 4, mac.begin() + 2);
    }
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                       mac[4], mac[5]);
}

}  // namespace sy::engines
