#pragma once
// The wildcard cache in front of translation (OVS's dpcls of megaflows): each entry is one
// translation and the megaflow mask it came with, found again by every packet that agrees
// with the translated key on the mask's bits, which by the megaflow contract
// (flow/translate.hpp) is every packet that would translate the same. Tuple space search
// again, over the few distinct masks translations produce, most-hit mask first.
//
// Fixed capacity, allocated at construction; no allocation afterwards. When full, an entry
// is evicted with the CLOCK algorithm (one not hit since the hand last passed), never one
// handed out in the last `pinned` lookups, so the entries a batch is working with stay put.
// When a new mask finds every mask slot taken, the least-hit mask without pinned entries is
// dropped with its entries. One per poll thread (and bridge): not thread-safe.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "flow/translate.hpp"

namespace sy::flow {

// What the datapath gets for a packet: the program to execute and the flows to credit.
struct CacheEntry {
    // In the order a probe, a hit and a credit read them: the bookkeeping and the masked key
    // (megaflow probes), the visits (credits), then the program (execution).
    const FlowTables* tables = nullptr;  // the visits' tables (for crediting)
    std::uint64_t last_used = 0;         // lookup sequence number it was last handed out at
    std::uint64_t hash = 0;              // of the masked key's words, under its mask
    std::uint32_t epoch = 1;             // changes whenever the entry is refilled or dropped
    std::uint16_t mask = 0;              // index into the cache's masks
    std::uint8_t n_visits = 0;
    bool in_use = false;
    bool referenced = false;  // CLOCK: hit since the hand last passed
    // Free for the datapath's grouping of a batch by entry (OVS keeps the same in its
    // flows): e.g. "batch_group is this entry's group while batch_tag is this batch's
    // number", O(1) per packet. The cache never reads them.
    mutable std::uint64_t batch_tag = 0;
    mutable std::uint32_t batch_group = 0;
    FlowKey key;  // the translated key under the mask
    std::array<Visit, Translation::kMaxVisits> visits{};
    Program program;

    std::span<const Visit> visited() const { return {visits.data(), n_visits}; }
    // Program, visits and tables of `t` (translated against `tables`).
    void fill(const Translation& t, const FlowTables& tables);
};

class MegaflowCache {
  public:
    MegaflowCache(std::uint32_t capacity, std::uint32_t max_masks, std::uint32_t pinned);
    ~MegaflowCache();
    MegaflowCache(const MegaflowCache&) = delete;
    MegaflowCache& operator=(const MegaflowCache&) = delete;

    // The entry covering `key`, or nullptr. `seq` is the caller's lookup sequence number.
    CacheEntry* lookup(const FlowKey& key, std::uint64_t seq);
    // Caches `t`, made for `key`, evicting if needed. Entries other than those handed out
    // in the last `pinned` lookups may be gone (or refilled) afterwards.
    CacheEntry* insert(const FlowKey& key, const Translation& t, const FlowTables& tables,
                       std::uint64_t seq);
    void clear();

    // The entry whose mask is all zero, if there is one: it covers every key.
    CacheEntry* universal() const { return universal_; }
    // An entry whose mask holds in_port bits only, made for in_port `port`, if one is cached:
    // it covers every key from that port (its translation looked at nothing else), so a whole
    // batch received there needs no per-packet lookup. Port-to-port steering
    // (`in_port=1,actions=output:2`) translates to such entries.
    CacheEntry* by_port(OfPort port) const {
        const PortSlot& s = port_slots_[port % kPortSlots];
        return s.entry != nullptr && s.port == port && s.entry->epoch == s.epoch ? s.entry
                                                                                 : nullptr;
    }
    std::uint32_t size() const { return used_; }
    std::uint32_t mask_count() const { return static_cast<std::uint32_t>(order_.size()); }
    std::uint64_t evictions() const { return evictions_; }
    std::uint64_t mask_evictions() const { return mask_evictions_; }

  private:
    struct Mask;
    int find_mask(const FlowMask& mask) const;
    int add_mask(const FlowMask& mask);
    std::size_t home(std::uint64_t h) const { return h & (slots_.size() - 1); }
    void unlink(std::uint32_t entry);
    std::uint32_t take_free(std::uint64_t seq);
    void resort();
    void evict_mask(std::uint64_t seq);

    std::vector<CacheEntry> entries_;  // reserved at construction, constructed on demand
    std::vector<std::uint32_t> free_;  // entries_ indexes not in use
    // The index: entry + 1 (0: empty) and the top half of the entry's hash, so a probe skips
    // other entries without touching them. 2x capacity, a power of two.
    struct Slot {
        std::uint32_t entry = 0;
        std::uint32_t tag = 0;
    };
    static std::uint32_t tag_of(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }
    std::vector<Slot> slots_;
    std::vector<Mask> masks_;           // reserved
    std::vector<std::uint16_t> order_;  // masks in use, most hits first
    std::uint32_t capacity_, pinned_;
    std::uint32_t used_ = 0;
    CacheEntry* universal_ = nullptr;
    // by_port's: direct-mapped by port number; an entry refilled or dropped since has another
    // epoch.
    static constexpr std::size_t kPortSlots = 64;
    struct PortSlot {
        CacheEntry* entry = nullptr;
        std::uint32_t epoch = 0;
        OfPort port = 0;
    };
    std::array<PortSlot, kPortSlots> port_slots_{};
    std::uint32_t hand_ = 0;
    std::uint32_t since_sort_ = 0;
    std::uint64_t evictions_ = 0, mask_evictions_ = 0;
    std::vector<bool> scratch_pinned_;  // evict_mask's, sized at construction
};

}  // namespace sy::flow
