#pragma once
// The per-poll-thread caches in front of translation, as OVS's dpif-netdev: exact-match
// caches, then a megaflow cache, then translation (flow/translate.hpp) on a miss. The
// datapath looks a batch up, executes each entry's Program, and credits each entry once per
// group of the batch's packets that got it, so the flows' counters (dump-flows) and the
// tables' counters stay attributed to the right flows however a packet was classified.
//
// The first level is by header signature (flow/header_signature.hpp): a common-case packet
// found there needs neither a parse nor a flow key. The rest get their keys extracted and go
// through the key levels, which remember the signatures they are given for next time:
//
//   HeaderSignature sigs[32];  const HeaderSignature* has[32];  const CacheEntry* got[32];
//   cache.lookup_signatures(tables, n, sign_packet_i, sigs, has, got);  // null: not found
//   ... extract the keys of the packets not found ...
//   cache.lookup_or_translate(tables, keys_of_those, got_of_those, sigs_of_those);
//   ... group the packets by got[i], execute got[i]->program on each group ...
//   cache.credit(*entry, packets_in_group, bytes_in_group, now_ns);   // once per group
//
// (lookup_or_translate(tables, key) does one key.)
//
// Validity: both caches are dropped the first time they meet a tables generation other than
// the one they were filled under. Every flow change bumps it, and generations are unique
// across FlowTables, so a cache handed another bridge's tables starts over too (and what it
// handed out before is gone): keep one cache per bridge per poll thread. An entry returned
// stays valid and unchanged for at least the next kStableLookups calls while the tables do
// not change: enough to look up a whole batch before executing and crediting it. Tables
// change only under the datapath's control lock, between rounds, so an entry must not be
// kept across rounds.
//
// One per poll thread: not thread-safe, except stats(), which any thread may read.
// Allocation-free after construction.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "flow/emc.hpp"
#include "flow/flow_cache_stats.hpp"
#include "flow/megaflow_cache.hpp"

namespace sy::flow {

struct FlowCacheConfig {
    std::uint32_t emc_entries = 8192;  // rounded up to a power of two; 0: no exact-match cache
    std::uint32_t signature_entries = 8192;  // the same for the header-signature level
    // A key (or signature) enters its exact-match cache with probability 1/emc_insert_one_in
    // (OVS's emc-insert-inv-prob): floods of short flows do not evict the long ones, which
    // get in after a few packets.
    std::uint32_t emc_insert_one_in = 100;  // 1: every time
    std::uint32_t megaflows = 4096;         // at least 2 * kStableLookups + 2
    std::uint32_t max_masks = 128;          // distinct megaflow masks (more than kStableLookups)
    int credit_slot = 0;                    // this poll thread's counter slot (< kCreditSlots)
};

class FlowCache {
  public:
    static constexpr std::uint32_t kStableLookups = 64;  // two full batches

    explicit FlowCache(const FlowCacheConfig& config = {});
    FlowCache(const FlowCache&) = delete;
    FlowCache& operator=(const FlowCache&) = delete;

    // The entry for `key`: from a cache, or translated against `tables` now (and cached).
    // Never null. The hit paths are inline; a miss calls out.
    const CacheEntry* lookup_or_translate(const FlowTables& tables, const FlowKey& key) {
        const FlowKey* const one = &key;
        const CacheEntry* e = nullptr;
        lookup_or_translate(tables, std::span(&one, 1), std::span(&e, 1));
        return e;
    }
    // A batch at once (keys[i] -> out[i], out at least as long), what the datapath should
    // call: the tables' generation is checked once, and the exact-match sets of all keys are
    // fetched from memory together before any is looked at, so a batch of new flows waits
    // for memory about once rather than once per packet.
    // `signatures`, when given (as long as keys; null where a packet has none), are
    // remembered for the entries found, so that lookup_signatures finds them next time.
    void lookup_or_translate(const FlowTables& tables, std::span<const FlowKey* const> keys,
                             std::span<const CacheEntry*> out,
                             std::span<const HeaderSignature* const> signatures = {}) {
        if (tables.generation() != generation_) [[unlikely]]
            invalidate(tables);
        // A translation that depended on no key bit at all (the default NORMAL table, a
        // table with one catch-all flow) answers for every packet: nothing to hash.
        if (CacheEntry* u = megaflows_.universal()) {
            seq_ += keys.size();
            u->last_used = seq_;
            u->referenced = true;
            std::fill(out.begin(), out.begin() + static_cast<long>(keys.size()), u);
            add(megaflow_hits_, keys.size());
            return;
        }
        std::uint64_t hashes[64];
        std::uint64_t hits = 0;
        for (std::size_t base = 0; base < keys.size(); base += 64) {
            const std::size_t n = std::min<std::size_t>(64, keys.size() - base);
            for (std::size_t i = 0; i < n; ++i) {
                hashes[i] = emc_hash(*keys[base + i]);
                emc_.prefetch(hashes[i]);
            }
            for (std::size_t i = 0; i < n; ++i) {
                ++seq_;
                CacheEntry* e = emc_.lookup(*keys[base + i], hashes[i]);
                if (e) {
                    e->last_used = seq_;
                    e->referenced = true;
                    ++hits;
                } else {
                    // A miss can translate, evict, even drop a mask: the batch's earlier
                    // entries are safe (kStableLookups), and the tables cannot change.
                    e = miss(tables, *keys[base + i], hashes[i]);
                }
                out[base + i] = e;
                if (!signatures.empty() && signatures[base + i] && !is_scratch(e) && emc_admits())
                    sigs_.insert(*signatures[base + i], signature_hash(*signatures[base + i]), e);
            }
        }
        add(emc_hits_, hits);
    }

    // The first level, for up to 64 packets received on `in_port` whose signatures are made
    // here, in the loop that hashes them and starts loading their sets (one pass over the
    // batch): `sign(i, s)` fills packet i's signature and says whether it has one. out[i] is
    // the entry remembered for it, or null (not found, or no signature: look the key up);
    // signed_out[i] is &sigs[i], or null for a packet without one (for lookup_or_translate to
    // remember). Checks the tables' generation like any lookup. An entry that covers every
    // packet from `in_port` (universal(), or MegaflowCache::by_port: the flows read in_port
    // alone) answers them all here, without a signature, counted as megaflow hits: it is
    // returned, and then nothing is written to sigs, signed_out or out (null is returned
    // otherwise).
    template <class Sign>
    const CacheEntry* lookup_signatures(const FlowTables& tables, OfPort in_port, std::size_t n,
                                        Sign&& sign, HeaderSignature* sigs,
                                        const HeaderSignature** signed_out,
                                        const CacheEntry** out) {
        if (tables.generation() != generation_) [[unlikely]]
            invalidate(tables);
        CacheEntry* u = megaflows_.universal();
        if (!u) u = megaflows_.by_port(in_port);
        if (u) {
            seq_ += n;
            u->last_used = seq_;
            u->referenced = true;
            add(megaflow_hits_, n);
            return u;
        }
        // In registers for the loop (see ExactCache::Probe): the table and the sequence.
        const SignatureCache::Probe probe = sigs_.probe();
        std::uint64_t hashes[64];
        for (std::size_t i = 0; i < n; ++i) {
            const bool has = sign(i, sigs[i]);
            signed_out[i] = has ? &sigs[i] : nullptr;
            if (!has) continue;
            hashes[i] = signature_hash(sigs[i]);
            probe.prefetch(hashes[i]);
        }
        std::uint64_t seq = seq_;
        std::uint64_t hits = 0;
        for (std::size_t i = 0; i < n; ++i) {
            CacheEntry* e = signed_out[i] ? probe.lookup(sigs[i], hashes[i]) : nullptr;
            out[i] = e;
            if (!e) continue;  // not handed out: no sequence number spent
            e->last_used = ++seq;
            e->referenced = true;
            ++hits;
        }
        seq_ = seq;
        add(signature_hits_, hits);
        return nullptr;
    }

    // Credits `packets` packets, `bytes` bytes in all, to the entry's flows and tables, in
    // this cache's counter slot. Lock-free; call once per group of packets that got `entry`.
    void credit(const CacheEntry& entry, std::uint64_t packets, std::uint64_t bytes,
                std::uint64_t now_ns) const {
        flow::credit(*entry.tables, entry.visited(), packets, bytes, now_ns, slot_);
    }

    FlowCacheStats stats() const;
    // Drops every entry (a datapath that knows the flows changed need not wait for the next
    // lookup to notice).
    void flush();

  private:
    // One writer (this poll thread): a plain add, readable from any thread.
    static void add(std::atomic<std::uint64_t>& c, std::uint64_t n) {
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    static void bump(std::atomic<std::uint64_t>& c) { add(c, 1); }

    bool emc_admits();
    bool is_scratch(const CacheEntry* e) const {
        return e >= scratch_.data() && e < scratch_.data() + scratch_.size();
    }
    void invalidate(const FlowTables& tables);
    CacheEntry* miss(const FlowTables& tables, const FlowKey& key, std::uint64_t h);

    SignatureCache sigs_;
    ExactMatchCache emc_;
    MegaflowCache megaflows_;
    std::vector<CacheEntry> scratch_;  // uncacheable translations, round robin
    std::uint32_t emc_one_in_;
    std::uint32_t rng_ = 0x9e3779b9u;  // xorshift32 state for EMC admission
    int slot_;
    std::uint32_t next_scratch_ = 0;
    Translation translation_;
    std::uint64_t generation_ = 0;  // of the tables the entries were made from; 0: none
    std::uint64_t seq_ = 0;         // lookups so far

    std::atomic<std::uint64_t> signature_hits_{0}, emc_hits_{0}, megaflow_hits_{0}, misses_{0},
        uncacheable_{0}, invalidations_{0}, evictions_{0}, mask_evictions_{0};
    std::atomic<std::uint32_t> megaflow_count_{0}, mask_count_{0};
};

}  // namespace sy::flow
