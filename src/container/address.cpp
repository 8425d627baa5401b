#include "container/address.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <net/if.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sy::container {

std::size_t IpAddress::size() const {
    return family == AF_INET6 ? 16 : 4;
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes.data(), text, sizeof text);
    return text;
}

std::string IpPrefix::to_string() const {
    return fmt::format("{}/{}", address.to_string(), length);
}

std::string MacAddress::to_string() const {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2],
                       bytes[3], bytes[4], bytes[5]);
}

Result<IpAddress> parse_ip(std::string_view text) {
    const std::string copy(text);
    IpAddress ip;
    if (inet_pton(AF_INET, copy.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET;
        return ip;
    }
    if (inet_pton(AF_INET6, copy.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET6;
        return ip;
    }
    return Status(Errc::invalid_argument, fmt::format("'{}' is not an IPv4 or IPv6 address", text));
}

Result<IpPrefix> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return Status(
            Errc::invalid_argument,
            fmt::format("'{}' is not an address with a prefix length (e.g. 10.0.0.1/24)", text));
    }
    auto ip = parse_ip(text.substr(0, slash));
    if (!ip) {
        return Status(Errc::invalid_argument,
                      fmt::format("bad CIDR '{}': {}", text, ip.status().message()));
    }
    const std::string_view len_text = text.substr(slash + 1);
    int length = -1;
    const auto [end, ec] =
        std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
    const int max_length = ip->family == AF_INET ? 32 : 128;
    if (len_text.empty() || ec != std::errc() || end != len_text.data() + len_text.size() ||
        length < 0 || length > max_length) {
        return Status(Errc::invalid_argument,
                      fmt::format("bad CIDR '{}': prefix length must be 0..{}", text, max_length));
    }
    return IpPrefix{*ip, length};
}

Result<MacAddress> parse_mac(std::string_view text) {
    MacAddress mac;
    const auto bad = [&](const char* why) {
        return Status(Errc::invalid_argument, fmt::format("bad MAC address '{}': {}", text, why));
    };
    if (text.size() != 17) return bad("expected six hex pairs like 02:00:00:00:00:01");
    for (int i = 0; i < 6; ++i) {
        const std::string_view pair = text.substr(i * 3, 2);
        if (i < 5 && text[i * 3 + 2] != ':') return bad("pairs must be separated by ':'");
        if (!std::isxdigit(static_cast<unsigned char>(pair[0])) ||
            !std::isxdigit(static_cast<unsigned char>(pair[1]))) {
            return bad("not hexadecimal");
        }
        std::from_chars(pair.data(), pair.data() + 2, mac.bytes[i], 16);
    }
    if (mac.bytes[0] & 1) return bad("multicast address (low bit of the first byte set)");
    bool all_zero = true;
    for (auto b : mac.bytes) all_zero = all_zero && b == 0;
    if (all_zero) return bad("all-zero address");
    return mac;
}

Status check_interface_address(const IpPrefix& p) {
    const std::size_t n = p.address.size();
    const bool unspecified = std::all_of(p.address.bytes.begin(), p.address.bytes.begin() + n,
                                         [](std::uint8_t b) { return b == 0; });
    if (unspecified)
        return Status(
            Errc::invalid_argument,
            fmt::format("{} is the unspecified address, not an interface address", p.to_string()));
    if (p.length == 0)
        return Status(Errc::invalid_argument,
                      fmt::format("{}: a /0 prefix is every address, not a subnet", p.to_string()));
    if (p.address.family == AF_INET && p.length <= 30) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | p.address.bytes[i];
        const std::uint32_t host_mask = 0xffffffffu >> p.length;
        if ((v & host_mask) == 0)
            return Status(Errc::invalid_argument,
                          fmt::format("{} is the network address of its subnet; give a host "
                                      "address (e.g. .1)",
                                      p.to_string()));
        if ((v & host_mask) == host_mask)
            return Status(Errc::invalid_argument,
                          fmt::format("{} is the broadcast address of its subnet; give a host "
                                      "address",
                                      p.to_string()));
    }
    return Status::ok();
}

Status check_ifname(std::string_view name) {
    if (name.empty() || name.size() >= IFNAMSIZ) {
        return Status(
            Errc::invalid_argument,
            fmt::format("interface name '{}' must be 1..{} characters", name, IFNAMSIZ - 1));
    }
    if (name == "." || name == "..") {
        return Status(Errc::invalid_argument,
                      fmt::format("'{}' is not a valid interface name", name));
    }
    for (char c : name) {
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) ||
            !std::isprint(static_cast<unsigned char>(c))) {
            return Status(Errc::invalid_argument,
                          fmt::format("interface name '{}' contains a forbidden character", name));
        }
    }
    return Status::ok();
}

}  // namespace sy::container
