#pragma once
// Incremental checksum update, RFC 1624 eqn. 3:  HC' = ~(~HC + ~m + m').
// Applied to a correct checksum it gives the checksum of the rewritten data; applied to a
// wrong checksum it stays wrong by exactly the same amount (we never "launder" a bad one).

#include <cstdint>

namespace sy::net {

// `csum` is the stored field (host order). Fields are in host order as 16/32-bit values
// read big-endian from the packet; 128-bit fields are given as 16 bytes.
std::uint16_t csum_update16(std::uint16_t csum, std::uint16_t old_value, std::uint16_t new_value);
std::uint16_t csum_update32(std::uint16_t csum, std::uint32_t old_value, std::uint32_t new_value);
std::uint16_t csum_update128(std::uint16_t csum, const std::uint8_t old_value[16],
                             const std::uint8_t new_value[16]);

// UDP gives 0 the meaning "no checksum" (IPv4) or "invalid" (IPv6): a computed or updated
// UDP checksum of 0 is transmitted as 0xFFFF (RFC 768). Callers must not update a UDP/IPv4
// field that is 0 at all: it carries no checksum.
inline std::uint16_t udp_wire_checksum(std::uint16_t computed) {
    return computed == 0 ? 0xFFFF : computed;
}

// Updates for a field holding a pseudo-header SEED (a partial checksum, not complemented):
// the seed is a plain one's-complement sum, so a changed pseudo-header input is subtracted
// and the new one added (Linux inet_proto_csum_replace4 with pseudohdr=true). Ports are not
// part of the pseudo-header: rewriting them must not touch the seed.
std::uint16_t seed_update16(std::uint16_t seed, std::uint16_t old_value, std::uint16_t new_value);
std::uint16_t seed_update32(std::uint16_t seed, std::uint32_t old_value, std::uint32_t new_value);
std::uint16_t seed_update128(std::uint16_t seed, const std::uint8_t old_value[16],
                             const std::uint8_t new_value[16]);

}  // namespace sy::net
