// Internet checksum primitives. The one's-complement sum is byte-order independent up to a
// final byte swap (RFC 1071 section 2(B)), so the hot loop sums native-order words and only
// the folded 16-bit result is swapped into big-endian meaning. Wide native loads (32-bit
// lanes into 64-bit accumulators, or 16-bit halves of 32-bit SIMD lanes) keep every carry.
#include "net/checksum.hpp"

#include <cstring>

#include "base/bytes.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sy::net {
namespace {

constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

std::uint32_t load_native32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::uint16_t load_native16(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Native-order sum of [p, p+n): congruent (mod 0xFFFF) to the sum of native 16-bit words,
// with an odd trailing byte padded as the wire would pad it (zero in the low-order byte of
// the big-endian word).
// Always inlined, so the AVX2 function below gets its own VEX-encoded copy: calling code
// compiled for SSE with dirty upper YMM state costs a transition penalty on every instruction.
[[gnu::always_inline]] inline std::uint64_t native_sum_scalar(const std::uint8_t* p,
                                                              std::size_t n) {
    std::uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    while (n >= 32) {
        a0 += load_native32(p) + std::uint64_t{load_native32(p + 16)};
        a1 += load_native32(p + 4) + std::uint64_t{load_native32(p + 20)};
        a2 += load_native32(p + 8) + std::uint64_t{load_native32(p + 24)};
        a3 += load_native32(p + 12) + std::uint64_t{load_native32(p + 28)};
        p += 32;
        n -= 32;
    }
    while (n >= 4) {
        a0 += load_native32(p);
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        a1 += load_native16(p);
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        // Wire meaning: the byte is the high half of a word whose low half is zero.
        a2 += kLittleEndian ? std::uint64_t{p[0]} : std::uint64_t{p[0]} << 8;
    }
    // Each accumulator adds 32-bit values: for any span (under 2^31 bytes) it stays below
    // 2^61, so the plain 64-bit total below cannot overflow; fold() takes it from there.
    const std::uint64_t s = a0 + a1 + a2 + a3;
    return s;
}

#if defined(__x86_64__)
// AVX2: split each 32-bit lane into its two 16-bit halves and add both into 32-bit lane
// accumulators. A lane grows by at most 2*0xFFFF per step, so 2^14 steps never overflow;
// flush into 64-bit lanes after each such block.
__attribute__((target("avx2"))) std::uint64_t native_sum_avx2(const std::uint8_t* p,
                                                              std::size_t n) {
    const __m256i low_mask = _mm256_set1_epi32(0xFFFF);
    const __m256i zero = _mm256_setzero_si256();
    __m256i total = zero;  // four 64-bit lanes
    while (n >= 64) {
        std::size_t steps = n / 64;
        if (steps > (1u << 14)) steps = 1u << 14;
        __m256i acc0 = zero;
        __m256i acc1 = zero;
        for (std::size_t i = 0; i < steps; ++i) {
            const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
            const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
            acc0 = _mm256_add_epi32(acc0, _mm256_and_si256(v0, low_mask));
            acc1 = _mm256_add_epi32(acc1, _mm256_and_si256(v1, low_mask));
            acc0 = _mm256_add_epi32(acc0, _mm256_srli_epi32(v0, 16));
            acc1 = _mm256_add_epi32(acc1, _mm256_srli_epi32(v1, 16));
            p += 64;
        }
        n -= steps * 64;
        // Each lane is below 2^31 after 2^14 steps, so their 32-bit sum cannot overflow.
        const __m256i acc = _mm256_add_epi32(acc0, acc1);
        total = _mm256_add_epi64(total, _mm256_unpacklo_epi32(acc, zero));
        total = _mm256_add_epi64(total, _mm256_unpackhi_epi32(acc, zero));
    }
    if (n >= 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i halves =
            _mm256_add_epi32(_mm256_and_si256(v, low_mask), _mm256_srli_epi32(v, 16));
        total = _mm256_add_epi64(total, _mm256_unpacklo_epi32(halves, zero));
        total = _mm256_add_epi64(total, _mm256_unpackhi_epi32(halves, zero));
        p += 32;
        n -= 32;
    }
    const __m128i pair =
        _mm_add_epi64(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
    const std::uint64_t vector_sum = static_cast<std::uint64_t>(_mm_cvtsi128_si64(pair)) +
                                     static_cast<std::uint64_t>(_mm_extract_epi64(pair, 1));
    return n == 0 ? vector_sum : vector_sum + native_sum_scalar(p, n);
}

// SSE2 (every x86-64 has it): the same lane split on 16-byte vectors, for buffers too short
// to pay for the AVX2 call. Only used below kWideThreshold bytes, far from lane overflow.
std::uint64_t native_sum_sse2_short(const std::uint8_t* p, std::size_t n) {
    const __m128i low_mask = _mm_set1_epi32(0xFFFF);
    __m128i acc0 = _mm_setzero_si128();
    __m128i acc1 = _mm_setzero_si128();
    while (n >= 32) {
        const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
        acc0 = _mm_add_epi32(acc0, _mm_and_si128(v0, low_mask));
        acc1 = _mm_add_epi32(acc1, _mm_and_si128(v1, low_mask));
        acc0 = _mm_add_epi32(acc0, _mm_srli_epi32(v0, 16));
        acc1 = _mm_add_epi32(acc1, _mm_srli_epi32(v1, 16));
        p += 32;
        n -= 32;
    }
    if (n >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        acc0 = _mm_add_epi32(acc0, _mm_and_si128(v, low_mask));
        acc1 = _mm_add_epi32(acc1, _mm_srli_epi32(v, 16));
        p += 16;
        n -= 16;
    }
    const __m128i acc = _mm_add_epi32(acc0, acc1);
    const __m128i zero = _mm_setzero_si128();
    const __m128i wide =
        _mm_add_epi64(_mm_unpacklo_epi32(acc, zero), _mm_unpackhi_epi32(acc, zero));
    const std::uint64_t vector_sum =
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(wide)) +
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(wide, wide)));
    return n == 0 ? vector_sum : vector_sum + native_sum_scalar(p, n);
}

using NativeSumFn = std::uint64_t (*)(const std::uint8_t*, std::size_t);

NativeSumFn pick_native_sum() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? native_sum_avx2 : native_sum_scalar;
}

const NativeSumFn native_sum_wide = pick_native_sum();
#endif

// Below kShortThreshold plain integer code wins; up to kWideThreshold SSE2 inline; above, the
// run-time selected wide path (AVX2 where the CPU has it).
constexpr std::size_t kShortThreshold = 32;
constexpr std::size_t kWideThreshold = 128;

std::uint64_t native_sum(const std::uint8_t* p, std::size_t n) {
#if defined(__x86_64__)
    if (n >= kWideThreshold) return native_sum_wide(p, n);
    if (n >= kShortThreshold) return native_sum_sse2_short(p, n);
#endif
    return native_sum_scalar(p, n);
}

// Fold a native sum to 16 bits and give it big-endian (wire) meaning, then add `initial`
// without overflowing 32 bits (2^32 == 1 mod 0xFFFF, so the end-around carry is exact).
std::uint32_t combine(std::uint64_t native, std::uint32_t initial) {
    std::uint16_t folded = fold(native);
    if constexpr (kLittleEndian) folded = __builtin_bswap16(folded);
    const std::uint64_t t = std::uint64_t{initial} + folded;
    return static_cast<std::uint32_t>((t & 0xFFFFFFFFu) + (t >> 32));
}

}  // namespace

std::uint32_t raw_sum(std::span<const std::uint8_t> data, std::uint32_t initial) {
    return combine(native_sum(data.data(), data.size()), initial);
}

std::uint32_t raw_sum_portable(std::span<const std::uint8_t> data, std::uint32_t initial) {
    return combine(native_sum_scalar(data.data(), data.size()), initial);
}

std::uint16_t ipv4_header_checksum(const std::uint8_t* ip, std::size_t ihl_bytes) {
    // Skip the checksum field (bytes 10-11) instead of copying the header to zero it.
    std::uint32_t sum = raw_sum({ip, 10});
    if (ihl_bytes > 12) sum = raw_sum({ip + 12, ihl_bytes - 12}, sum);
    return finish(sum);
}

std::uint32_t ipv4_pseudo_sum(const std::uint8_t* ip, std::uint8_t protocol,
                              std::uint32_t l4_length) {
    std::uint64_t sum = std::uint64_t{load_be16(ip + 12)} + load_be16(ip + 14) +
                        load_be16(ip + 16) + load_be16(ip + 18);
    sum += protocol;
    sum += (l4_length >> 16) + (l4_length & 0xFFFFu);
    return static_cast<std::uint32_t>(sum);
}

std::uint32_t ipv6_pseudo_sum(const std::uint8_t* ip, std::uint8_t next_header,
                              std::uint32_t l4_length) {
    std::uint64_t sum = 0;
    for (int i = 8; i < 40; i += 2) sum += load_be16(ip + i);  // source and destination
    sum += next_header;
    sum += (l4_length >> 16) + (l4_length & 0xFFFFu);
    return static_cast<std::uint32_t>(sum);
}

}  // namespace sy::net
