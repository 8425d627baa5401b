#pragma once
// 802.1Q / 802.1ad VLAN tag: TPID (in the EtherType position), then TCI, then the next
// EtherType. The tag is 4 bytes inserted after the source MAC.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::vlan {

inline constexpr std::uint32_t kTagLen = 4;
inline constexpr std::uint16_t kTpidCtag = 0x8100;        // 802.1Q customer tag
inline constexpr std::uint16_t kTpidStag = 0x88A8;        // 802.1ad service tag (QinQ outer)
inline constexpr std::uint16_t kTpidQinqLegacy = 0x9100;  // pre-standard QinQ

inline bool is_tpid(std::uint16_t t) {
    return t == kTpidCtag || t == kTpidStag || t == kTpidQinqLegacy;
}

// `tag` points at the TPID.
inline std::uint16_t tci(const std::uint8_t* tag) {
    return load_be16(tag + 2);
}
inline std::uint16_t inner_type(const std::uint8_t* tag) {
    return load_be16(tag + 4);
}
inline std::uint16_t vid(std::uint16_t tci) {
    return tci & 0x0FFF;
}
inline std::uint8_t pcp(std::uint16_t tci) {
    return static_cast<std::uint8_t>(tci >> 13);
}
inline bool dei(std::uint16_t tci) {
    return (tci & 0x1000) != 0;
}

}  // namespace sy::net::vlan
