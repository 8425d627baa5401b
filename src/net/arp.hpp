#pragma once
// ARP (RFC 826). The fixed part is 8 bytes; the addresses follow with the lengths it names.
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::net::arp {

inline constexpr std::uint32_t kFixedLen = 8;
inline constexpr std::uint32_t kEthernetIpv4Len = 28;
inline constexpr std::uint16_t kOpRequest = 1;
inline constexpr std::uint16_t kOpReply = 2;

inline std::uint16_t hardware_type(const std::uint8_t* a) {
    return load_be16(a);
}
inline std::uint16_t protocol_type(const std::uint8_t* a) {
    return load_be16(a + 2);
}
inline std::uint8_t hardware_len(const std::uint8_t* a) {
    return a[4];
}
inline std::uint8_t protocol_len(const std::uint8_t* a) {
    return a[5];
}
inline std::uint16_t opcode(const std::uint8_t* a) {
    return load_be16(a + 6);
}
// Whole message length as declared by the address lengths.
inline std::uint32_t message_len(const std::uint8_t* a) {
    return kFixedLen + 2u * hardware_len(a) + 2u * protocol_len(a);
}

}  // namespace sy::net::arp
