// RFC 1624 eqn. 3 and its pseudo-header-seed counterpart. Both work on one's-complement
// values, so a field change is "subtract old, add new": adding ~old is subtracting old.
#include "net/checksum_update.hpp"

#include "base/bytes.hpp"
#include "net/checksum.hpp"

namespace sy::net {
namespace {

// One's-complement sum of ~old + new over a field given as big-endian 16-bit words.
std::uint32_t field_delta128(const std::uint8_t old_value[16], const std::uint8_t new_value[16]) {
    std::uint32_t sum = 0;
    for (int i = 0; i < 16; i += 2) {
        sum += static_cast<std::uint16_t>(~load_be16(old_value + i));
        sum += load_be16(new_value + i);
    }
    return sum;
}

std::uint32_t field_delta32(std::uint32_t old_value, std::uint32_t new_value) {
    return static_cast<std::uint16_t>(~(old_value >> 16)) +
           static_cast<std::uint16_t>(~old_value & 0xFFFFu) + (new_value >> 16) +
           (new_value & 0xFFFFu);
}

// HC' = ~(~HC + delta)
std::uint16_t apply_to_checksum(std::uint16_t csum, std::uint32_t delta) {
    return static_cast<std::uint16_t>(
        ~fold(std::uint64_t{static_cast<std::uint16_t>(~csum)} + delta));
}

// seed' = seed + delta: the seed is an uncomplemented sum.
std::uint16_t apply_to_seed(std::uint16_t seed, std::uint32_t delta) {
    return fold(std::uint64_t{seed} + delta);
}

}  // namespace

std::uint16_t csum_update16(std::uint16_t csum, std::uint16_t old_value, std::uint16_t new_value) {
    return apply_to_checksum(csum,
                             std::uint32_t{static_cast<std::uint16_t>(~old_value)} + new_value);
}

std::uint16_t csum_update32(std::uint16_t csum, std::uint32_t old_value, std::uint32_t new_value) {
    return apply_to_checksum(csum, field_delta32(old_value, new_value));
}

std::uint16_t csum_update128(std::uint16_t csum, const std::uint8_t old_value[16],
                             const std::uint8_t new_value[16]) {
    return apply_to_checksum(csum, field_delta128(old_value, new_value));
}

std::uint16_t seed_update16(std::uint16_t seed, std::uint16_t old_value, std::uint16_t new_value) {
    return apply_to_seed(seed, std::uint32_t{static_cast<std::uint16_t>(~old_value)} + new_value);
}

std::uint16_t seed_update32(std::uint16_t seed, std::uint32_t old_value, std::uint32_t new_value) {
    return apply_to_seed(seed, field_delta32(old_value, new_value));
}

std::uint16_t seed_update128(std::uint16_t seed, const std::uint8_t old_value[16],
                             const std::uint8_t new_value[16]) {
    return apply_to_seed(seed, field_delta128(old_value, new_value));
}

}  // namespace sy::net
