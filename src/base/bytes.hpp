#pragma once
// Unaligned big-endian loads and stores. Packet headers sit at any alignment, so every
// multi-byte field is read through memcpy (which compilers turn into a single move).

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sy {

inline std::uint16_t load_be16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_bswap16(v);
}

inline std::uint32_t load_be32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_bswap32(v);
}

inline void store_be16(std::uint8_t* p, std::uint16_t v) {
    v = __builtin_bswap16(v);
    std::memcpy(p, &v, sizeof v);
}

inline void store_be32(std::uint8_t* p, std::uint32_t v) {
    v = __builtin_bswap32(v);
    std::memcpy(p, &v, sizeof v);
}

// A 6-byte MAC address as the low 48 bits of a word (in memory order), from a 4-byte and a
// 2-byte load combined in registers. Copying the 6 bytes into a zeroed word and reading it
// back stalls store forwarding, which cost the learning bridge half its time.
inline std::uint64_t load_mac48(const std::uint8_t* p) {
    std::uint32_t lo;
    std::uint16_t hi;
    std::memcpy(&lo, p, sizeof lo);
    std::memcpy(&hi, p + 4, sizeof hi);
    return std::uint64_t{lo} | std::uint64_t{hi} << 32;
}

}  // namespace sy
