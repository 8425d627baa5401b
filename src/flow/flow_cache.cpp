#include "flow/flow_cache.hpp"

#include <algorithm>

namespace sy::flow {

FlowCache::FlowCache(const FlowCacheConfig& config)
    : sigs_(config.signature_entries),
      emc_(config.emc_entries),
      megaflows_(config.megaflows, config.max_masks, kStableLookups),
      scratch_(kStableLookups),
      emc_one_in_(std::max<std::uint32_t>(config.emc_insert_one_in, 1)),
      slot_(std::clamp(config.credit_slot, 0, kCreditSlots - 1)) {}

bool FlowCache::emc_admits() {
    if (emc_one_in_ == 1) return true;
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return rng_ % emc_one_in_ == 0;
}

void FlowCache::invalidate(const FlowTables& tables) {
    if (generation_ != 0) bump(invalidations_);
    flush();
    generation_ = tables.generation();
}

CacheEntry* FlowCache::miss(const FlowTables& tables, const FlowKey& key, std::uint64_t h) {
    if (CacheEntry* e = megaflows_.lookup(key, seq_)) {
        bump(megaflow_hits_);
        if (emc_admits()) emc_.insert(key, h, e);
        return e;
    }
    bump(misses_);
    translate(tables, key, {}, translation_);
    CacheEntry* e;
    if (translation_.cacheable) {
        e = megaflows_.insert(key, translation_, tables, seq_);
        if (emc_admits()) emc_.insert(key, h, e);
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
    s.signature_hits = signature_hits_.load(std::memory_order_relaxed);
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
