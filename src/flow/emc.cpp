#include "flow/emc.hpp"

#include <algorithm>
#include <bit>

namespace sy::flow {

ExactMatchCache::ExactMatchCache(std::uint32_t entries) {
    if (entries == 0) return;
    const std::size_t n = std::bit_ceil(std::max<std::size_t>(entries, 2));
    tags_.resize(n);
    keys_.resize(n);
    set_mask_ = n / 2 - 1;
}

void ExactMatchCache::insert(const FlowKey& key, std::uint64_t hash, CacheEntry* entry) {
    if (tags_.empty()) return;
    const std::size_t at = (hash & set_mask_) * 2;
    const std::uint32_t tag = tag_of(hash);
    auto live = [](const Tag& t) { return t.entry != nullptr && t.entry->epoch == t.epoch; };
    std::size_t way = 2;
    for (std::size_t w = 0; w < 2 && way == 2; ++w) {
        const Tag& t = tags_[at + w];
        if (!live(t) || (t.hash == tag && keys_[at + w] == key)) way = w;
    }
    if (way == 2) way = (hash >> 31) & 1;  // both taken: either, by the hash
    tags_[at + way] = Tag{entry, tag, entry->epoch};
    keys_[at + way] = key;
}

void ExactMatchCache::clear() {
    std::fill(tags_.begin(), tags_.end(), Tag{});
}

}  // namespace sy::flow
