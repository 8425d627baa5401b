#pragma once
// IPv6 header (RFC 8200) and the extension headers the parser walks.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::ipv6 {

inline constexpr std::uint32_t kHeaderLen = 40;
inline constexpr std::uint32_t kAddrLen = 16;
inline constexpr std::uint32_t kPayloadLengthOffset = 4;
inline constexpr std::uint32_t kNextHeaderOffset = 6;
inline constexpr std::uint32_t kHopLimitOffset = 7;
inline constexpr std::uint32_t kSrcOffset = 8;
inline constexpr std::uint32_t kDstOffset = 24;

// Next-header values of extension headers.
inline constexpr std::uint8_t kHopByHop = 0;
inline constexpr std::uint8_t kRouting = 43;
inline constexpr std::uint8_t kFragment = 44;
inline constexpr std::uint8_t kAuthentication = 51;
inline constexpr std::uint8_t kNoNextHeader = 59;
inline constexpr std::uint8_t kDestinationOptions = 60;
inline constexpr std::uint32_t kFragmentHeaderLen = 8;
inline constexpr std::uint32_t kMinExtHeaderLen = 8;

inline bool is_extension_header(std::uint8_t nh) {
    return nh == kHopByHop || nh == kRouting || nh == kFragment || nh == kAuthentication ||
           nh == kDestinationOptions;
}

// Length of the extension header `ext` of type `nh`: hdr-ext-len counts 8-byte units beyond
// the first for most, 4-byte units beyond the first two for AH (RFC 4302); fragment is fixed.
inline std::uint32_t extension_header_len(std::uint8_t nh, const std::uint8_t* ext) {
    if (nh == kFragment) return kFragmentHeaderLen;
    if (nh == kAuthentication) return (ext[1] + 2u) * 4u;
    return (ext[1] + 1u) * 8u;
}

// Fragment header fields (`frag` points at the fragment header).
inline std::uint16_t fragment_offset(const std::uint8_t* frag) {
    return load_be16(frag + 2) >> 3;
}
inline bool more_fragments(const std::uint8_t* frag) {
    return (load_be16(frag + 2) & 1) != 0;
}

inline std::uint8_t version(const std::uint8_t* ip) {
    return ip[0] >> 4;
}
inline std::uint16_t payload_length(const std::uint8_t* ip) {
    return load_be16(ip + kPayloadLengthOffset);
}
inline std::uint8_t next_header(const std::uint8_t* ip) {
    return ip[kNextHeaderOffset];
}
inline std::uint8_t hop_limit(const std::uint8_t* ip) {
    return ip[kHopLimitOffset];
}
inline const std::uint8_t* src(const std::uint8_t* ip) {
    return ip + kSrcOffset;
}
inline const std::uint8_t* dst(const std::uint8_t* ip) {
    return ip + kDstOffset;
}
inline void set_payload_length(std::uint8_t* ip, std::uint16_t v) {
    store_be16(ip + kPayloadLengthOffset, v);
}

}  // namespace sy::net::ipv6
