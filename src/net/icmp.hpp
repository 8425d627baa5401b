#pragma once
// ICMP (RFC 792) and ICMPv6 (RFC 4443). Both start type, code, checksum, then 4 bytes
// whose meaning depends on the type. ICMP's checksum covers the message only; ICMPv6's
// also covers the IPv6 pseudo-header.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::icmp {

inline constexpr std::uint32_t kHeaderLen = 8;
inline constexpr std::uint32_t kChecksumOffset = 2;

inline constexpr std::uint8_t kEchoReply = 0;
inline constexpr std::uint8_t kDestUnreachable = 3;
inline constexpr std::uint8_t kEchoRequest = 8;
inline constexpr std::uint8_t kTimeExceeded = 11;

inline constexpr std::uint8_t kV6DestUnreachable = 1;
inline constexpr std::uint8_t kV6PacketTooBig = 2;
inline constexpr std::uint8_t kV6TimeExceeded = 3;
inline constexpr std::uint8_t kV6EchoRequest = 128;
inline constexpr std::uint8_t kV6EchoReply = 129;
inline constexpr std::uint8_t kV6NeighborSolicit = 135;
inline constexpr std::uint8_t kV6NeighborAdvert = 136;

inline std::uint8_t type(const std::uint8_t* m) {
    return m[0];
}
inline std::uint8_t code(const std::uint8_t* m) {
    return m[1];
}
inline std::uint16_t checksum(const std::uint8_t* m) {
    return load_be16(m + kChecksumOffset);
}
inline void set_checksum(std::uint8_t* m, std::uint16_t v) {
    store_be16(m + kChecksumOffset, v);
}

}  // namespace sy::net::icmp
