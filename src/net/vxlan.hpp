#pragma once
// VXLAN header (RFC 7348): flags (I bit = VNI valid), 24 reserved bits, 24-bit VNI, 8
// reserved bits. An Ethernet frame follows.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::vxlan {

inline constexpr std::uint32_t kHeaderLen = 8;
inline constexpr std::uint16_t kUdpPort = 4789;
inline constexpr std::uint8_t kFlagVniValid = 0x08;

inline bool vni_valid(const std::uint8_t* v) {
    return (v[0] & kFlagVniValid) != 0;
}
inline std::uint32_t vni(const std::uint8_t* v) {
    return load_be32(v + 4) >> 8;
}
inline void set_header(std::uint8_t* v, std::uint32_t vni) {
    store_be32(v, std::uint32_t{kFlagVniValid} << 24);
    store_be32(v + 4, vni << 8);
}

}  // namespace sy::net::vxlan
