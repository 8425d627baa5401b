#pragma once
// UDP header (RFC 768). A checksum field of 0 means "no checksum" over IPv4 and is invalid
// over IPv6 (RFC 8200 section 8.1); a computed 0 is sent as 0xFFFF.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::udp {

inline constexpr std::uint32_t kHeaderLen = 8;
inline constexpr std::uint32_t kSrcPortOffset = 0;
inline constexpr std::uint32_t kDstPortOffset = 2;
inline constexpr std::uint32_t kLengthOffset = 4;
inline constexpr std::uint32_t kChecksumOffset = 6;
inline constexpr std::uint16_t kNoChecksum = 0;

inline std::uint16_t src_port(const std::uint8_t* u) {
    return load_be16(u + kSrcPortOffset);
}
inline std::uint16_t dst_port(const std::uint8_t* u) {
    return load_be16(u + kDstPortOffset);
}
inline std::uint16_t length(const std::uint8_t* u) {
    return load_be16(u + kLengthOffset);
}
inline std::uint16_t checksum(const std::uint8_t* u) {
    return load_be16(u + kChecksumOffset);
}
inline void set_length(std::uint8_t* u, std::uint16_t v) {
    store_be16(u + kLengthOffset, v);
}
inline void set_checksum(std::uint8_t* u, std::uint16_t v) {
    store_be16(u + kChecksumOffset, v);
}

}  // namespace sy::net::udp
