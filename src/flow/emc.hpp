#pragma once
// The exact-match cache (OVS's EMC): a 2-way set-associative table from a packet's whole
// key to the megaflow entry that covers it, so a packet of a flow seen recently costs one
// hash of the key, one or two key compares and no mask work. Entries do not own anything: a
// slot remembers its megaflow entry's epoch and is dead as soon as that entry is refilled,
// evicted or flushed, so the megaflow cache never has to tell the EMC anything. One per poll
// thread (and bridge): not thread-safe. Two instances: by header signature (the first thing
// a common-case packet meets, flow/header_signature.hpp) and by the full flow key.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "flow/header_signature.hpp"
#include "flow/megaflow_cache.hpp"

namespace sy::flow {

// The EMC's hash of a key: the words that tell flows apart at ingress (in_port, tunnel,
// Ethernet, IPv4 addresses, the low halves of IPv6 addresses, protocol and ports), as four
// independent multiplies, so it costs a few cycles rather than a pass over all 23 words.
// Keys differing only elsewhere (registers and metadata, always zero at ingress; the high
// halves of IPv6 addresses) share a set and are told apart by the full compare.
inline std::uint64_t emc_hash(const FlowKey& key) {
    const std::uint64_t* w = key.words();
    constexpr std::uint64_t k[8] = {
        0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull, 0x2545f4914f6cdd1dull,
        0xd6e8feb86659fd93ull, 0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull};
    const std::uint64_t h =
        (w[6] ^ (w[1] << 1) ^ k[0]) * (w[12] ^ k[1]) + (w[13] ^ k[2]) * (w[14] ^ k[3]) +
        (w[16] ^ (w[18] << 1) ^ k[4]) * (w[19] ^ k[5]) + (w[20] ^ (w[7] << 1) ^ k[6]) * k[7];
    return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull ^ (h >> 32);
}

// No early exit: a tag match is nearly always a key match. Unrolled by hand (the compiler
// keeps a 23-step loop at -O2).
inline bool exact_equal(const FlowKey& a, const FlowKey& b) {
    const std::uint64_t* x = a.words();
    const std::uint64_t* y = b.words();
    std::uint64_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    static_assert(FlowKey::kWords == 23);
    for (std::size_t i = 0; i < 20; i += 4) {
        d0 |= x[i] ^ y[i];
        d1 |= x[i + 1] ^ y[i + 1];
        d2 |= x[i + 2] ^ y[i + 2];
        d3 |= x[i + 3] ^ y[i + 3];
    }
    d0 |= x[20] ^ y[20];
    d1 |= x[21] ^ y[21];
    d2 |= x[22] ^ y[22];
    return (d0 | d1 | d2 | d3) == 0;
}

inline bool exact_equal(const HeaderSignature& a, const HeaderSignature& b) {
    return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
}

template <class Key>
class ExactCache {
    static std::uint32_t tag_of(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }
    // Tags apart from keys: a set's two tags share one cache line (a miss reads nothing
    // else) and the tags of 8192 entries fit in 128 KiB.
    struct Tag {
        CacheEntry* entry = nullptr;
        std::uint32_t hash = 0;  // the top half of emc_hash (the bottom picks the set)
        std::uint32_t epoch = 0;
    };

  public:
    // `entries` rounded up to a power of two (at least 2); 0 disables the cache.
    explicit ExactCache(std::uint32_t entries) {
        if (entries == 0) return;
        const std::size_t n = std::bit_ceil(std::max<std::size_t>(entries, 2));
        tags_.resize(n);
        keys_.resize(n);
        set_mask_ = n / 2 - 1;
    }

    bool enabled() const { return !tags_.empty(); }

    // The lookup side, held in registers by a batch's loop: a loop that also writes to the
    // entries it finds (last_used) would otherwise reload the table's pointers after every
    // store (the build has -fno-strict-aliasing). Valid until the next insert or clear.
    class Probe {
      public:
        // The entry recorded for exactly `key` (whose hash is `hash`), if still live.
        CacheEntry* lookup(const Key& key, std::uint64_t hash) const {
            if (tags_ == nullptr) return nullptr;
            const std::size_t at = (hash & set_mask_) * 2;
            const std::uint32_t tag = tag_of(hash);
            for (std::size_t way = 0; way < 2; ++way) {
                const Tag& t = tags_[at + way];
                if (t.hash == tag && t.entry != nullptr && t.entry->epoch == t.epoch &&
                    exact_equal(keys_[at + way], key))
                    return t.entry;
            }
            return nullptr;
        }
        // Starts loading the set `hash` falls in (before a batch's lookups): its tags, all a
        // miss reads.
        void prefetch(std::uint64_t hash) const {
            if (tags_ != nullptr) __builtin_prefetch(&tags_[(hash & set_mask_) * 2]);
        }

      private:
        friend class ExactCache;
        Probe(const Tag* tags, const Key* keys, std::uint64_t set_mask)
            : tags_(tags), keys_(keys), set_mask_(set_mask) {}
        const Tag* tags_;
        const Key* keys_;
        std::uint64_t set_mask_;
    };
    Probe probe() const {
        return Probe(tags_.empty() ? nullptr : tags_.data(), keys_.data(), set_mask_);
    }

    CacheEntry* lookup(const Key& key, std::uint64_t hash) const {
        return probe().lookup(key, hash);
    }
    void prefetch(std::uint64_t hash) const { probe().prefetch(hash); }
    void insert(const Key& key, std::uint64_t hash, CacheEntry* entry) {
        if (tags_.empty()) return;
        const std::size_t at = (hash & set_mask_) * 2;
        const std::uint32_t tag = tag_of(hash);
        auto live = [](const Tag& t) { return t.entry != nullptr && t.entry->epoch == t.epoch; };
        std::size_t way = 2;
        for (std::size_t w = 0; w < 2 && way == 2; ++w) {
            const Tag& t = tags_[at + w];
            if (!live(t) || (t.hash == tag && exact_equal(keys_[at + w], key))) way = w;
        }
        if (way == 2) way = (hash >> 31) & 1;  // both taken: either, by the hash
        tags_[at + way] = Tag{entry, tag, entry->epoch};
        keys_[at + way] = key;
    }
    void clear() { std::fill(tags_.begin(), tags_.end(), Tag{}); }

  private:
    std::vector<Tag> tags_;  // set i: 2i and 2i + 1
    std::vector<Key> keys_;  // the same positions
    std::uint64_t set_mask_ = 0;
};

using ExactMatchCache = ExactCache<FlowKey>;
using SignatureCache = ExactCache<HeaderSignature>;

}  // namespace sy::flow
