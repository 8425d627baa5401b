#pragma once
// CRC32c (Castagnoli), the SCTP checksum (RFC 4960 appendix B). A partial SCTP checksum
// cannot be finished with the Internet sum: it must be computed here (case 15).

#include <cstdint>
#include <span>

namespace sy::offload {

// Running CRC over `data`, starting from `crc` (use kCrc32cInit for a fresh computation).
// The final value is ~result.
inline constexpr std::uint32_t kCrc32cInit = 0xFFFFFFFFu;
std::uint32_t crc32c_update(std::uint32_t crc, std::span<const std::uint8_t> data);

// The finished CRC of `data`, as an integer (store it little-endian in an SCTP header).
inline std::uint32_t crc32c(std::span<const std::uint8_t> data) {
    return ~crc32c_update(kCrc32cInit, data);
}

}  // namespace sy::offload
