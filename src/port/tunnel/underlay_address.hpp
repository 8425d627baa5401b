#pragma once
// An underlay (outer) IP address of a tunnel: IPv4 or IPv6 in wire order, and its socket
// address form. Parsing is control-path only.

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace sy::port {

struct UnderlayAddress {
    bool ipv6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes

    static std::optional<UnderlayAddress> parse(const std::string& text);
    std::string to_string() const;
    bool is_zero() const;
    // sockaddr_in / sockaddr_in6 for `port` (host order); returns its length.
    socklen_t to_sockaddr(std::uint16_t port, sockaddr_storage& out) const;
    // The address of a received datagram's source; nullopt for another family.
    static std::optional<UnderlayAddress> from_sockaddr(const sockaddr_storage& sa);

    bool operator==(const UnderlayAddress&) const = default;
};

}  // namespace sy::port
