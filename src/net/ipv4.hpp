#pragma once
// IPv4 header (RFC 791).
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::ipv4 {

inline constexpr std::uint32_t kMinHeaderLen = 20;
inline constexpr std::uint32_t kTotalLengthOffset = 2;
inline constexpr std::uint32_t kIdOffset = 4;
inline constexpr std::uint32_t kFragOffset = 6;
inline constexpr std::uint32_t kTtlOffset = 8;
inline constexpr std::uint32_t kProtocolOffset = 9;
inline constexpr std::uint32_t kChecksumOffset = 10;
inline constexpr std::uint32_t kSrcOffset = 12;
inline constexpr std::uint32_t kDstOffset = 16;
inline constexpr std::uint16_t kFlagDontFragment = 0x4000;
inline constexpr std::uint16_t kFlagMoreFragments = 0x2000;
inline constexpr std::uint16_t kFragOffsetMask = 0x1FFF;  // in units of 8 bytes

inline std::uint8_t version(const std::uint8_t* ip) {
    return ip[0] >> 4;
}
inline std::uint32_t header_len(const std::uint8_t* ip) {
    return (ip[0] & 0x0Fu) * 4u;
}
inline std::uint16_t total_length(const std::uint8_t* ip) {
    return load_be16(ip + kTotalLengthOffset);
}
inline std::uint16_t id(const std::uint8_t* ip) {
    return load_be16(ip + kIdOffset);
}
inline std::uint16_t frag_field(const std::uint8_t* ip) {
    return load_be16(ip + kFragOffset);
}
inline bool more_fragments(const std::uint8_t* ip) {
    return (frag_field(ip) & kFlagMoreFragments) != 0;
}
inline std::uint16_t fragment_offset(const std::uint8_t* ip) {
    return frag_field(ip) & kFragOffsetMask;
}
inline std::uint8_t ttl(const std::uint8_t* ip) {
    return ip[kTtlOffset];
}
inline std::uint8_t protocol(const std::uint8_t* ip) {
    return ip[kProtocolOffset];
}
inline std::uint16_t checksum(const std::uint8_t* ip) {
    return load_be16(ip + kChecksumOffset);
}
inline std::uint32_t src(const std::uint8_t* ip) {
    return load_be32(ip + kSrcOffset);
}
inline std::uint32_t dst(const std::uint8_t* ip) {
    return load_be32(ip + kDstOffset);
}

inline void set_total_length(std::uint8_t* ip, std::uint16_t v) {
    store_be16(ip + kTotalLengthOffset, v);
}
inline void set_id(std::uint8_t* ip, std::uint16_t v) {
    store_be16(ip + kIdOffset, v);
}
inline void set_checksum(std::uint8_t* ip, std::uint16_t v) {
    store_be16(ip + kChecksumOffset, v);
}
inline void set_src(std::uint8_t* ip, std::uint32_t v) {
    store_be32(ip + kSrcOffset, v);
}
inline void set_dst(std::uint8_t* ip, std::uint32_t v) {
    store_be32(ip + kDstOffset, v);
}

}  // namespace sy::net::ipv4
