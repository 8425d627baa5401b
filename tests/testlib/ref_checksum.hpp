#pragma once
// A deliberately naive Internet checksum, written from RFC 1071 and independent of src/net,
// so tests compare the fast implementation against something that shares no code with it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sy::testlib {

// One's-complement sum of big-endian 16-bit words (odd byte padded), folded to 16 bits.
inline std::uint16_t ref_fold_sum(const std::uint8_t* p, std::size_t n, std::uint64_t sum = 0) {
    for (std::size_t i = 0; i < n; ++i) sum += (i % 2 == 0) ? std::uint64_t{p[i]} << 8 : p[i];
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

inline std::uint16_t ref_checksum(const std::uint8_t* p, std::size_t n, std::uint64_t sum = 0) {
    return static_cast<std::uint16_t>(~ref_fold_sum(p, n, sum));
}

// Pseudo-header sum (unfolded) for the IP header at `ip` (version from the first nibble).
inline std::uint64_t ref_pseudo_sum(const std::uint8_t* ip, std::uint8_t proto,
                                    std::uint32_t l4_len) {
    std::uint64_t sum = proto + (l4_len >> 16) + (l4_len & 0xFFFF);
    const bool v4 = (ip[0] >> 4) == 4;
    const std::size_t from = v4 ? 12 : 8, to = v4 ? 20 : 40;
    for (std::size_t i = from; i < to; i += 2) sum += (std::uint64_t{ip[i]} << 8) | ip[i + 1];
    return sum;
}

// CRC32c, bit by bit (SCTP).
inline std::uint32_t ref_crc32c(const std::uint8_t* p, std::size_t n) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int k = 0; k < 8; ++k) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
}

}  // namespace sy::testlib
