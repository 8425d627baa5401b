#pragma once
// Geneve header (RFC 8926): version (2 bits), option length in 4-byte words (6 bits),
// O/C flags, protocol type (an EtherType: 0x6558 = Ethernet), 24-bit VNI, then options.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::geneve {

inline constexpr std::uint32_t kBaseHeaderLen = 8;
inline constexpr std::uint16_t kUdpPort = 6081;

inline std::uint8_t version(const std::uint8_t* g) {
    return g[0] >> 6;
}
inline std::uint32_t options_len(const std::uint8_t* g) {
    return (g[0] & 0x3Fu) * 4u;
}
inline std::uint32_t header_len(const std::uint8_t* g) {
    return kBaseHeaderLen + options_len(g);
}
inline bool oam(const std::uint8_t* g) {
    return (g[1] & 0x80) != 0;
}
inline bool critical_options(const std::uint8_t* g) {
    return (g[1] & 0x40) != 0;
}
inline std::uint16_t protocol(const std::uint8_t* g) {
    return load_be16(g + 2);
}
inline std::uint32_t vni(const std::uint8_t* g) {
    return load_be32(g + 4) >> 8;
}

}  // namespace sy::net::geneve
