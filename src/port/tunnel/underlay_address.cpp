#include "port/tunnel/underlay_address.hpp"

#include <arpa/inet.h>

namespace sy::port {

std::optional<UnderlayAddress> UnderlayAddress::parse(const std::string& text) {
    UnderlayAddress a;
    if (::inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) return a;
    a.ipv6 = true;
    if (::inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) return a;
    return std::nullopt;
}

std::string UnderlayAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
    return buf;
}

bool UnderlayAddress::is_zero() const {
    for (std::size_t i = 0; i < (ipv6 ? 16u : 4u); ++i)
        if (bytes[i] != 0) return false;
    return true;
}

socklen_t UnderlayAddress::to_sockaddr(std::uint16_t port, sockaddr_storage& out) const {
    std::memset(&out, 0, sizeof out);
    if (ipv6) {
        auto* s = reinterpret_cast<sockaddr_in6*>(&out);
        s->sin6_family = AF_INET6;
        s->sin6_port = htons(port);
        std::memcpy(&s->sin6_addr, bytes.data(), 16);
        return sizeof(sockaddr_in6);
    }
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(port);
    std::memcpy(&s->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
}

std::optional<UnderlayAddress> UnderlayAddress::from_sockaddr(const sockaddr_storage& sa) {
    UnderlayAddress a;
    if (sa.ss_family == AF_INET) {
        std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(&sa)->sin_addr, 4);
        return a;
    }
    if (sa.ss_family == AF_INET6) {
        a.ipv6 = true;
        std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(&sa)->sin6_addr, 16);
        return a;
    }
    return std::nullopt;
}

}  // namespace sy::port
