#pragma once
// Ethernet II header (IEEE 802.3 clause 3): destination, source, EtherType.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::ethernet {

inline constexpr std::uint32_t kHeaderLen = 14;
inline constexpr std::uint32_t kAddrLen = 6;
inline constexpr std::uint32_t kDstOffset = 0;
inline constexpr std::uint32_t kSrcOffset = 6;
inline constexpr std::uint32_t kTypeOffset = 12;
// Values below this are an 802.3 length, not an EtherType.
inline constexpr std::uint16_t kMinEtherType = 0x0600;

inline constexpr std::uint16_t kTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kTypeArp = 0x0806;
inline constexpr std::uint16_t kTypeIpv6 = 0x86DD;
inline constexpr std::uint16_t kTypeTransparentBridging = 0x6558;  // Ethernet in Geneve/NVGRE

inline std::uint16_t ether_type(const std::uint8_t* eth) {
    return load_be16(eth + kTypeOffset);
}
inline void set_ether_type(std::uint8_t* eth, std::uint16_t t) {
    store_be16(eth + kTypeOffset, t);
}

}  // namespace sy::net::ethernet
