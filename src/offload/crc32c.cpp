#include "offload/crc32c.hpp"

#include <array>

namespace sy::offload {

namespace {

// Reflected polynomial 0x1EDC6F41, one byte at a time. SCTP traffic through a switch is rare
// enough that a table lookup per byte is fine; no CPU-specific instructions needed.
constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr std::array<std::uint32_t, 256> kTable = make_table();

}  // namespace

std::uint32_t crc32c_update(std::uint32_t crc, std::span<const std::uint8_t> data) {
    for (std::uint8_t byte : data) crc = (crc >> 8) ^ kTable[(crc ^ byte) & 0xFF];
    return crc;
}

}  // namespace sy::offload
