#pragma once
// The flow cache's first level: header signature (flow/header_signature.hpp) -> the megaflow
// entry that covers it. Like the exact-match cache (flow/emc.hpp), 2-way set-associative and
// owning nothing: a slot remembers its entry's epoch and is dead once that entry is refilled,
// evicted or flushed. Unlike it, a way is one cache line holding the 32-byte signature itself
// next to the entry: a signature is short enough that comparing it costs what comparing a
// tag would, so a hit reads one line of the table rather than a tag line and a key line
// (datapath_bench flows: the two-line layout, the EMC's, cost a few percent of NORMAL's rate).
// One per poll thread (and bridge): not thread-safe.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "flow/header_signature.hpp"
#include "flow/megaflow_cache.hpp"

namespace sy::flow {

class SignatureCache {
    struct alignas(64) Slot {
        HeaderSignature signature;  // all zero when empty: no real signature is (protocol 0)
        CacheEntry* entry = nullptr;
        std::uint32_t epoch = 0;
    };
    static bool same(const HeaderSignature& a, const HeaderSignature& b) {
        return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
    }

  public:
    // `entries` rounded up to a power of two (at least 2); 0 disables the cache.
    explicit SignatureCache(std::uint32_t entries) {
        if (entries == 0) return;
        slots_.resize(std::bit_ceil(std::max<std::size_t>(entries, 2)));
        set_mask_ = slots_.size() / 2 - 1;
    }

    bool enabled() const { return !slots_.empty(); }

    // The lookup side, held in registers by a batch's loop (see ExactCache::Probe). Valid
    // until the next insert or clear.
    class Probe {
      public:
        // The entry recorded for exactly `s` (whose hash is `hash`), if still live. `s` must
        // be a real signature (header_signature returned true): never all zero.
        CacheEntry* lookup(const HeaderSignature& s, std::uint64_t hash) const {
            if (slots_ == nullptr) return nullptr;
            const Slot* set = slots_ + (hash & set_mask_) * 2;
            for (int way = 0; way < 2; ++way) {
                const Slot& slot = set[way];
                // Equal to a real signature: not empty, so the entry pointer is set.
                if (same(slot.signature, s) && slot.entry->epoch == slot.epoch) return slot.entry;
            }
            return nullptr;
        }
        // Starts loading the first way of the set `hash` falls in (where a hit usually is).
        void prefetch(std::uint64_t hash) const {
            if (slots_ != nullptr) __builtin_prefetch(slots_ + (hash & set_mask_) * 2);
        }

      private:
        friend class SignatureCache;
        Probe(const Slot* slots, std::uint64_t set_mask) : slots_(slots), set_mask_(set_mask) {}
        const Slot* slots_;
        std::uint64_t set_mask_;
    };
    Probe probe() const { return Probe(slots_.empty() ? nullptr : slots_.data(), set_mask_); }

    CacheEntry* lookup(const HeaderSignature& s, std::uint64_t hash) const {
        return probe().lookup(s, hash);
    }
    // Remembers `entry` for `s`: in the way that already holds `s`, else a dead way, else
    // either (by the hash). `s` must be a real signature (header_signature returned true).
    void insert(const HeaderSignature& s, std::uint64_t hash, CacheEntry* entry) {
        if (slots_.empty()) return;
        Slot* set = slots_.data() + (hash & set_mask_) * 2;
        auto live = [](const Slot& x) { return x.entry != nullptr && x.entry->epoch == x.epoch; };
        int way = -1;
        for (int w = 0; w < 2 && way < 0; ++w)
            if (same(set[w].signature, s)) way = w;
        for (int w = 0; w < 2 && way < 0; ++w)
            if (!live(set[w])) way = w;
        if (way < 0) way = static_cast<int>((hash >> 31) & 1);
        set[way] = Slot{s, entry, entry->epoch};
    }
    void clear() { std::fill(slots_.begin(), slots_.end(), Slot{}); }

  private:
    std::vector<Slot> slots_;  // set i: 2i and 2i + 1
    std::uint64_t set_mask_ = 0;
};

}  // namespace sy::flow
