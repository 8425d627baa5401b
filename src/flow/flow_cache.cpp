#include "flow/flow_cache.hpp"

#include "flow/word_hash.hpp"

namespace sy::flow {

FlowCache::FlowCache(const FlowCacheConfig& config)
    : emc_(config.emc_entries),
      megaflows_(config.megaflows, config.max_masks, kStableLookups),
      scratch_(kStableLookups) {}

const CacheEntry* FlowCache::lookup_or_translate(const FlowTables& tables, const FlowKey& key) {
    ++seq_;
    if (tables.generation() != generation_) {
        if (generation_ != 0) bump(invalidations_);
        flush();
        generation_ = tables.generation();
    }
    const std::uint64_t h = hash_words(key.words(), FlowKey::kWords, 0x9e3779b97f4a7c15ull);
    if (CacheEntry* e = emc_.lookup(key, h)) {
        e->last_used = seq_;
        e->referenced = true;
        bump(emc_hits_);
        return e;
    }
    if (CacheEntry* e = megaflows_.lookup(key, seq_)) {
        bump(megaflow_hits_);
        emc_.insert(key, h, e);
        return e;
    }
    bump(misses_);
    translate(tables, key, {}, translation_);
    CacheEntry* e;
    if (translation_.cacheable) {
        e = megaflows_.insert(key, translation_, tables, seq_);
        emc_.insert(key, h, e);
        evictions_.store(megaflows_.evictions(), std::memory_order_relaxed);
        mask_evictions_.store(megaflows_.mask_evictions(), std::memory_order_relaxed);
    } else {
        bump(uncacheable_);
        e = &scratch_[next_scratch_];
        next_scratch_ = (next_scratch_ + 1) % kStableLookups;
        e->fill(translation_, tables);
    }
    megaflow_count_.store(megaflows_.size(), std::memory_order_relaxed);
    mask_count_.store(megaflows_.mask_count(), std::memory_order_relaxed);
    return e;
}

void FlowCache::flush() {
    megaflows_.clear();  // entry epochs move on: every EMC slot is dead with them
    megaflow_count_.store(0, std::memory_order_relaxed);
    mask_count_.store(0, std::memory_order_relaxed);
}

FlowCacheStats FlowCache::stats() const {
    FlowCacheStats s;
    s.emc_hits = emc_hits_.load(std::memory_order_relaxed);
    s.megaflow_hits = megaflow_hits_.load(std::memory_order_relaxed);
    s.misses = misses_.load(std::memory_order_relaxed);
    s.uncacheable = uncacheable_.load(std::memory_order_relaxed);
    s.evictions = evictions_.load(std::memory_order_relaxed);
    s.invalidations = invalidations_.load(std::memory_order_relaxed);
    s.mask_evictions = mask_evictions_.load(std::memory_order_relaxed);
    s.megaflows = megaflow_count_.load(std::memory_order_relaxed);
    s.masks = mask_count_.load(std::memory_order_relaxed);
    return s;
}

}  // namespace sy::flow
