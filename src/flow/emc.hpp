#pragma once
// The exact-match cache (OVS's EMC): the first thing a packet's key meets. A 2-way
// set-associative table from the whole key to the megaflow entry that covers it, so a
// packet of a flow seen recently costs one hash of the key, one or two key compares and no
// mask work. Entries do not own anything: a slot remembers its megaflow entry's epoch and
// is dead as soon as that entry is refilled, evicted or flushed, so the megaflow cache
// never has to tell the EMC anything. One per poll thread (and bridge): not thread-safe.

#include <cstdint>
#include <vector>

#include "flow/megaflow_cache.hpp"

namespace sy::flow {

class ExactMatchCache {
  public:
    // `entries` rounded up to a power of two (at least 2); 0 disables the cache.
    explicit ExactMatchCache(std::uint32_t entries);

    bool enabled() const { return !slots_.empty(); }
    // The entry recorded for exactly `key` (whose hash_words hash is `hash`), if still live.
    CacheEntry* lookup(const FlowKey& key, std::uint64_t hash) const {
        if (slots_.empty()) return nullptr;
        const Slot* set = &slots_[(hash & set_mask_) * 2];
        for (int way = 0; way < 2; ++way) {
            const Slot& s = set[way];
            if (s.hash == hash && s.entry != nullptr && s.entry->epoch == s.epoch && s.key == key)
                return s.entry;
        }
        return nullptr;
    }
    void insert(const FlowKey& key, std::uint64_t hash, CacheEntry* entry);
    void clear();

  private:
    struct Slot {
        std::uint64_t hash = 0;
        CacheEntry* entry = nullptr;
        std::uint32_t epoch = 0;
        FlowKey key;
    };
    std::vector<Slot> slots_;  // set i: slots 2i and 2i + 1
    std::uint64_t set_mask_ = 0;
};

}  // namespace sy::flow
