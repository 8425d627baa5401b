#include "flow/megaflow_cache.hpp"

#include <algorithm>
#include <bit>

#include "flow/word_hash.hpp"

namespace sy::flow {

namespace {
// Whether a translation consulted no key bit outside in_port.
bool only_in_port(const FlowMask& m) {
    FlowMask port;
    port.in_port = ~0u;
    for (std::size_t w = 0; w < FlowKey::kWords; ++w) {
        if ((m.words()[w] & ~port.words()[w]) != 0) return false;
    }
    return true;
}
}  // namespace

// One distinct megaflow mask, compacted to the key words it touches.
struct MegaflowCache::Mask {
    FlowMask mask;
    std::uint64_t seed = 0;  // per-mask hash seed: equal masked words under two masks differ
    std::uint8_t n_words = 0;
    std::array<std::uint8_t, FlowKey::kWords> words{};
    std::array<std::uint64_t, FlowKey::kWords> mask_words{};
    std::uint32_t entries = 0;
    std::uint64_t hits = 0;
    bool live = false;

    void set(const FlowMask& m, std::uint16_t index) {
        mask = m;
        seed = fmix64(0x51afd7ed558ccdffull ^ index);
        n_words = 0;
        for (std::size_t w = 0; w < FlowKey::kWords; ++w) {
            if (m.words()[w] == 0) continue;
            words[n_words] = static_cast<std::uint8_t>(w);
            mask_words[n_words] = m.words()[w];
            ++n_words;
        }
        entries = 0;
        hits = 0;
        live = true;
    }
    std::uint64_t hash(const FlowKey& key, std::uint64_t* vals) const {
        for (std::size_t i = 0; i < n_words; ++i) vals[i] = key.words()[words[i]] & mask_words[i];
        return hash_words(vals, n_words, seed);
    }
    bool same(const FlowKey& stored, const std::uint64_t* vals) const {
        std::uint64_t diff = 0;
        for (std::size_t i = 0; i < n_words; ++i) diff |= stored.words()[words[i]] ^ vals[i];
        return diff == 0;
    }
};

void CacheEntry::fill(const Translation& t, const FlowTables& from) {
    // Only the ops in use: a Program is mostly spare room.
    program.count = t.program.count;
    program.drop = t.program.drop;
    program.drop_table = t.program.drop_table;
    std::copy_n(t.program.ops.begin(), t.program.count, program.ops.begin());
    tables = &from;
    n_visits = t.n_visits;
    std::copy_n(t.visits.begin(), t.n_visits, visits.begin());
}

MegaflowCache::MegaflowCache(std::uint32_t capacity, std::uint32_t max_masks, std::uint32_t pinned)
    : capacity_(std::max(capacity, 2 * pinned + 2)), pinned_(pinned) {
    entries_.reserve(capacity_);  // never grows past this: handed-out pointers stay valid
    free_.reserve(capacity_);
    slots_.assign(std::bit_ceil(2 * std::size_t{capacity_}), Slot{});
    masks_.resize(std::max(max_masks, pinned + 1));  // more masks than pinned entries
    scratch_pinned_.assign(masks_.size(), false);
    order_.reserve(masks_.size());
}

MegaflowCache::~MegaflowCache() = default;

CacheEntry* MegaflowCache::lookup(const FlowKey& key, std::uint64_t seq) {
    if (++since_sort_ >= 4096) resort();
    std::uint64_t vals[FlowKey::kWords];
    const std::size_t wrap = slots_.size() - 1;
    for (const std::uint16_t m : order_) {
        Mask& mk = masks_[m];
        const std::uint64_t h = mk.hash(key, vals);
        const std::uint32_t tag = tag_of(h);
        for (std::size_t i = home(h); slots_[i].entry != 0; i = (i + 1) & wrap) {
            if (slots_[i].tag != tag) continue;
            CacheEntry& e = entries_[slots_[i].entry - 1];
            if (e.hash == h && e.mask == m && mk.same(e.key, vals)) {
                ++mk.hits;
                e.referenced = true;
                e.last_used = seq;
                return &e;
            }
        }
    }
    return nullptr;
}

int MegaflowCache::find_mask(const FlowMask& mask) const {
    for (const std::uint16_t m : order_) {
        if (masks_[m].mask == mask) return m;
    }
    return -1;
}

int MegaflowCache::add_mask(const FlowMask& mask) {
    for (std::size_t m = 0; m < masks_.size(); ++m) {
        if (masks_[m].live) continue;
        masks_[m].set(mask, static_cast<std::uint16_t>(m));
        order_.push_back(static_cast<std::uint16_t>(m));
        return static_cast<int>(m);
    }
    return -1;
}

void MegaflowCache::resort() {
    since_sort_ = 0;
    std::sort(order_.begin(), order_.end(),
              [&](std::uint16_t a, std::uint16_t b) { return masks_[a].hits > masks_[b].hits; });
    for (const std::uint16_t m : order_) masks_[m].hits /= 2;  // recent hits count most
}

void MegaflowCache::unlink(std::uint32_t index) {
    CacheEntry& e = entries_[index];
    const std::size_t wrap = slots_.size() - 1;
    std::size_t hole = home(e.hash);
    while (slots_[hole].entry != index + 1) hole = (hole + 1) & wrap;
    for (std::size_t j = (hole + 1) & wrap; slots_[j].entry != 0; j = (j + 1) & wrap) {
        const std::size_t k = home(entries_[slots_[j].entry - 1].hash);
        const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (!stays) {
            slots_[hole] = slots_[j];
            hole = j;
        }
    }
    slots_[hole] = Slot{};
    Mask& mk = masks_[e.mask];
    if (--mk.entries == 0) {
        mk.live = false;
        order_.erase(std::find(order_.begin(), order_.end(), e.mask));
    }
    e.in_use = false;
    ++e.epoch;
    --used_;
    if (universal_ == &e) universal_ = nullptr;
}

std::uint32_t MegaflowCache::take_free(std::uint64_t seq) {
    if (!free_.empty()) {
        const std::uint32_t i = free_.back();
        free_.pop_back();
        return i;
    }
    if (entries_.size() < capacity_) {
        entries_.emplace_back();
        return static_cast<std::uint32_t>(entries_.size() - 1);
    }
    // CLOCK. At most `pinned_` entries are pinned and capacity_ > 2 * pinned_, so the second
    // pass at the latest finds one.
    for (;;) {
        const std::uint32_t i = hand_;
        hand_ = (hand_ + 1) % capacity_;
        CacheEntry& e = entries_[i];
        if (seq - e.last_used < pinned_) continue;
        if (e.referenced) {
            e.referenced = false;
            continue;
        }
        unlink(i);
        ++evictions_;
        return i;
    }
}

CacheEntry* MegaflowCache::insert(const FlowKey& key, const Translation& t,
                                  const FlowTables& tables, std::uint64_t seq) {
    if (find_mask(t.megaflow) < 0 && order_.size() == masks_.size()) evict_mask(seq);
    const std::uint32_t index = take_free(seq);
    int m = find_mask(t.megaflow);  // again: the eviction may have emptied one
    if (m < 0) m = add_mask(t.megaflow);
    Mask& mk = masks_[m];
    CacheEntry& e = entries_[index];
    e.fill(t, tables);
    e.key = masked(key, t.megaflow);
    std::uint64_t vals[FlowKey::kWords];
    e.hash = mk.hash(key, vals);
    e.mask = static_cast<std::uint16_t>(m);
    e.in_use = true;
    e.referenced = true;
    e.last_used = seq;
    ++e.epoch;
    const std::size_t wrap = slots_.size() - 1;
    std::size_t i = home(e.hash);
    while (slots_[i].entry != 0) i = (i + 1) & wrap;
    slots_[i] = Slot{index + 1, tag_of(e.hash)};
    ++mk.entries;
    ++used_;
    if (mk.n_words == 0) universal_ = &e;
    if (only_in_port(t.megaflow)) {
        port_slots_[key.in_port % kPortSlots] = PortSlot{&e, e.epoch, key.in_port};
    }
    return &e;
}

// A new mask and no room for it (rare: masks come from the flows, not the traffic): the
// least-hit mask none of whose entries is pinned goes, with its entries. There is one, as
// more masks than pinned entries are kept.
void MegaflowCache::evict_mask(std::uint64_t seq) {
    std::vector<bool>& pinned = scratch_pinned_;
    std::fill(pinned.begin(), pinned.end(), false);
    for (const CacheEntry& e : entries_) {
        if (e.in_use && seq - e.last_used < pinned_) pinned[e.mask] = true;
    }
    int victim = -1;
    for (const std::uint16_t m : order_) {
        if (!pinned[m] && (victim < 0 || masks_[m].hits < masks_[victim].hits)) victim = m;
    }
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        CacheEntry& e = entries_[i];
        if (!e.in_use || e.mask != victim) continue;
        unlink(i);  // the last one also retires the mask
        free_.push_back(i);
        ++evictions_;
    }
    ++mask_evictions_;
}

void MegaflowCache::clear() {
    free_.clear();
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        CacheEntry& e = entries_[i];
        if (e.in_use) ++e.epoch;
        e.in_use = false;
        free_.push_back(i);
    }
    std::fill(slots_.begin(), slots_.end(), Slot{});
    for (Mask& mk : masks_) mk.live = false;
    order_.clear();
    used_ = 0;
    hand_ = 0;
    universal_ = nullptr;
    port_slots_.fill(PortSlot{});
}

}  // namespace sy::flow
