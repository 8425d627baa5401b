#include "flow/emc.hpp"

#include <algorithm>
#include <bit>

namespace sy::flow {

ExactMatchCache::ExactMatchCache(std::uint32_t entries) {
    if (entries == 0) return;
    const std::size_t n = std::bit_ceil(std::max<std::size_t>(entries, 2));
    slots_.resize(n);
    set_mask_ = n / 2 - 1;
}

void ExactMatchCache::insert(const FlowKey& key, std::uint64_t hash, CacheEntry* entry) {
    if (slots_.empty()) return;
    Slot* set = &slots_[(hash & set_mask_) * 2];
    auto live = [](const Slot& s) { return s.entry != nullptr && s.entry->epoch == s.epoch; };
    int way = -1;
    for (int w = 0; w < 2 && way < 0; ++w) {
        if (!live(set[w]) || (set[w].hash == hash && set[w].key == key)) way = w;
    }
    if (way < 0) way = static_cast<int>((hash >> 32) & 1);  // both taken: either, by the hash
    Slot& s = set[way];
    s.hash = hash;
    s.entry = entry;
    s.epoch = entry->epoch;
    s.key = key;
}

void ExactMatchCache::clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
}

}  // namespace sy::flow
