#pragma once
// Textual addresses a person types on the command line: IPv4/IPv6 addresses and prefixes
// (CIDR) and Ethernet MAC addresses. Parsing is strict: anything ambiguous is an error with a
// message naming the offending text.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace sy::container {

struct IpAddress {
    int family = 0;                        // AF_INET or AF_INET6
    std::array<std::uint8_t, 16> bytes{};  // network order; the first 4 for AF_INET

    std::size_t size() const;  // 4 or 16
    std::string to_string() const;
};

// An interface address with its prefix length, e.g. 10.200.0.1/24.
struct IpPrefix {
    IpAddress address;
    int length = 0;

    std::string to_string() const;
};

struct MacAddress {
    std::array<std::uint8_t, 6> bytes{};

    std::string to_string() const;
};

Result<IpAddress> parse_ip(std::string_view text);
// Requires an explicit "/LEN": an address without a prefix is rejected rather than guessed.
Result<IpPrefix> parse_cidr(std::string_view text);
// Six colon-separated hex pairs. Multicast MACs are rejected: an interface cannot own one.
Result<MacAddress> parse_mac(std::string_view text);

// An address an interface can own (attach --ip): not the unspecified address, not a /0, and
// in an IPv4 subnet of /30 or larger neither its network nor its broadcast address. (Route
// destinations are prefixes and may be network addresses: this is for interface addresses.)
Status check_interface_address(const IpPrefix& prefix);

// Linux interface names: 1..15 bytes, no '/', ':' or whitespace, not "." or "..".
Status check_ifname(std::string_view name);

}  // namespace sy::container
