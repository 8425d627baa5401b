#pragma once
// TCP header (RFC 9293).
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::tcp {

inline constexpr std::uint32_t kMinHeaderLen = 20;
inline constexpr std::uint32_t kSrcPortOffset = 0;
inline constexpr std::uint32_t kDstPortOffset = 2;
inline constexpr std::uint32_t kSeqOffset = 4;
inline constexpr std::uint32_t kAckOffset = 8;
inline constexpr std::uint32_t kDataOffsetOffset = 12;
inline constexpr std::uint32_t kFlagsOffset = 13;
inline constexpr std::uint32_t kChecksumOffset = 16;

inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;

inline std::uint16_t src_port(const std::uint8_t* t) {
    return load_be16(t + kSrcPortOffset);
}
inline std::uint16_t dst_port(const std::uint8_t* t) {
    return load_be16(t + kDstPortOffset);
}
inline std::uint32_t seq(const std::uint8_t* t) {
    return load_be32(t + kSeqOffset);
}
inline std::uint32_t ack(const std::uint8_t* t) {
    return load_be32(t + kAckOffset);
}
inline std::uint32_t header_len(const std::uint8_t* t) {
    return (t[kDataOffsetOffset] >> 4) * 4u;
}
inline std::uint8_t flags(const std::uint8_t* t) {
    return t[kFlagsOffset];
}
inline std::uint16_t checksum(const std::uint8_t* t) {
    return load_be16(t + kChecksumOffset);
}
inline void set_seq(std::uint8_t* t, std::uint32_t v) {
    store_be32(t + kSeqOffset, v);
}
inline void set_flags(std::uint8_t* t, std::uint8_t f) {
    t[kFlagsOffset] = f;
}
inline void set_checksum(std::uint8_t* t, std::uint16_t v) {
    store_be16(t + kChecksumOffset, v);
}

}  // namespace sy::net::tcp
