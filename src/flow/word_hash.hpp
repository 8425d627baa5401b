#pragma once
// Hashing a run of 64-bit words (a key under a mask, compacted to the words the mask
// touches). Shared by the classifier and the caches so that a subtable, a megaflow mask and
// the exact-match cache each hash only what they compare. Four independent lanes: a whole
// FlowKey (23 words) costs about six multiply latencies instead of 23.

#include <cstddef>
#include <cstdint>

namespace sy::flow {

inline std::uint64_t rotl64(std::uint64_t x, int r) {
    return x << r | x >> (64 - r);
}

// MurmurHash3's finalizer: every input bit reaches every output bit.
inline std::uint64_t fmix64(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

inline std::uint64_t hash_words(const std::uint64_t* w, std::size_t n, std::uint64_t seed) {
    constexpr std::uint64_t k1 = 0x87c37b91114253d5ull, k2 = 0x4cf5ad432745937full;
    std::uint64_t a = seed, b = seed ^ k1, c = seed ^ k2, d = ~seed;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a = rotl64((a ^ w[i]) * k1, 31);
        b = rotl64((b ^ w[i + 1]) * k2, 29);
        c = rotl64((c ^ w[i + 2]) * k1, 27);
        d = rotl64((d ^ w[i + 3]) * k2, 33);
    }
    // Up to three words left: one more lane step each, still independent.
    if (i < n) a = rotl64((a ^ w[i]) * k1, 31);
    if (i + 1 < n) b = rotl64((b ^ w[i + 1]) * k2, 29);
    if (i + 2 < n) c = rotl64((c ^ w[i + 2]) * k1, 27);
    return fmix64(a ^ rotl64(b, 17) ^ rotl64(c, 37) ^ rotl64(d, 49) ^ n);
}

}  // namespace sy::flow
