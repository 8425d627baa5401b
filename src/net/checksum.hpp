#pragma once
// Internet checksum (RFC 1071) primitives, split the way DPDK's lib/net does it:
// a raw 32-bit partial sum you can accumulate across buffers, a fold to 16 bits, and the
// final complement. Every function takes bytes at any alignment and any length.

#include <cstddef>
#include <cstdint>
#include <span>

namespace sy::net {

// Raw one's-complement accumulation of `data` (treated as big-endian 16-bit words, an odd
// trailing byte padded with zero) added to `initial`. The result is NOT folded. Summing a
// buffer in two pieces is only equivalent if the first piece has even length.
std::uint32_t raw_sum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

// Same result as raw_sum, without the run-time selected SIMD path: the reference the tests
// compare the fast path against, and the "no SIMD" row of the benchmark.
std::uint32_t raw_sum_portable(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

// Fold a 32-bit (or wider) partial sum to 16 bits, carrying until nothing is left.
inline std::uint16_t fold(std::uint64_t sum) {
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// ~fold(sum): the value to store in a checksum field (host order).
inline std::uint16_t finish(std::uint64_t sum) {
    return static_cast<std::uint16_t>(~fold(sum));
}

// Checksum of a whole buffer, as stored in a field (host order).
inline std::uint16_t checksum(std::span<const std::uint8_t> data) {
    return finish(raw_sum(data));
}

// IPv4 header checksum over `ihl_bytes` of header at `ip`, treating the stored checksum as 0.
std::uint16_t ipv4_header_checksum(const std::uint8_t* ip, std::size_t ihl_bytes);

// Pseudo-header raw sums (RFC 793/768 for IPv4, RFC 8200 section 8.1 for IPv6), not folded.
// `l4_length` is the L4 header plus payload length. `ip` points at the IP header.
std::uint32_t ipv4_pseudo_sum(const std::uint8_t* ip, std::uint8_t protocol,
                              std::uint32_t l4_length);
std::uint32_t ipv6_pseudo_sum(const std::uint8_t* ip, std::uint8_t next_header,
                              std::uint32_t l4_length);

// The value a CHECKSUM_PARTIAL sender leaves in the L4 checksum field: the folded pseudo-header
// sum, NOT complemented (what the Linux kernel writes; the "seed").
inline std::uint16_t partial_seed(std::uint32_t pseudo_sum) {
    return fold(pseudo_sum);
}

}  // namespace sy::net
