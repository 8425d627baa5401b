#pragma once
// A bridge's flow tables 0-254 and the OpenFlow 1.3 FLOW_MOD semantics over them, as OVS
// implements them (ofproto/ofproto.c), which is what `ovs-ofctl -O OpenFlow13 add-flow /
// mod-flows / del-flows / replace-flows` users see:
//
//  add            A flow with the same table, match and priority is replaced: the new one
//                 takes the cookie, timeouts, flags and instructions given and starts a new
//                 duration; its packet and byte counts carry over unless reset_counts is set
//                 (OF 1.3.5 6.4; OVS). No FLOW_REMOVED for the replaced flow. check_overlap
//                 refuses a flow that overlaps one of equal priority (an identical one is
//                 replaced, not an overlap). table=all (0xff) adds to table 0, as OVS.
//  modify[_strict] Flows selected by the match (loosely: every flow at least as specific;
//                 strictly: same match and priority) and by cookie/cookie_mask get the new
//                 instructions; cookie, timeouts, flags, counters and duration stay, unless
//                 reset_counts clears the counters. The hard timeout restarts (OVS counts it
//                 from the last add or modify). Nothing selected: nothing happens (OF 1.3;
//                 1.0 would add). out_port is ignored (OF 1.3).
//  del[_strict]   The same selection plus out_port (flows whose actions output there);
//                 returns the removed flows (reason del) for FLOW_REMOVED.
//  table=kAllTables selects every table for modify, delete, dump and aggregate.
//
// Timeouts: expire(now) removes flows idle for more than idle_timeout seconds (the time of
// the last packet, or of the add) or older than hard_timeout seconds since the last add or
// modify, hard first, as OVS's rule_expire().
//
// Every change bumps generation() to a value never used before by any FlowTables, so a
// cache that remembers the generation it was filled under knows when to start over.
//
// Threads: the tables are not synchronized. Changes (apply, replace_all, expire) must not
// run while any thread translates against them or uses a cache entry made from them: the
// datapath makes them under its control lock, between poll rounds. Reads (lookup, dump,
// aggregate, stats) may run concurrently with each other. Counters are the exception: poll
// threads credit rule and table counters (relaxed atomics) at any time.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "flow/classifier.hpp"
#include "flow/flow_validation.hpp"

namespace sy::flow {

// Which flows a delete, dump-flows or aggregate means (ovs-ofctl's [--strict] [MATCH] with
// table=, cookie=V/M, out_port=).
struct FlowFilter {
    std::uint8_t table = kAllTables;
    Match match;                                // none: every flow
    bool strict = false;                        // exactly `match` and `priority`
    std::uint16_t priority = kDefaultPriority;  // strict only
    std::uint64_t cookie = 0, cookie_mask = 0;  // (flow cookie & mask) == (cookie & mask)
    OfPort out_port = kOfpAny;                  // flows that output to this port

    bool selects(const FlowRule& rule) const;
    // The selection a FLOW_MOD's modify or delete makes (modify ignores out_port).
    static FlowFilter of(const FlowMod& mod);
};

struct AggregateStats {
    std::uint64_t packets = 0, bytes = 0;
    std::uint32_t flows = 0;
};

// Per-table counters (OpenFlow table stats), credited by poll threads through cache
// entries, one slot per thread as FlowCounters.
class TableCounters {
  public:
    void credit(int slot, std::uint64_t packets, bool hit) const {
        Slot& s = slots_[slot];
        s.lookups.store(s.lookups.load(std::memory_order_relaxed) + packets,
                        std::memory_order_relaxed);
        if (hit)
            s.matched.store(s.matched.load(std::memory_order_relaxed) + packets,
                            std::memory_order_relaxed);
    }
    std::uint64_t lookups() const { return sum(&Slot::lookups); }  // packets looked up here
    std::uint64_t matched() const { return sum(&Slot::matched); }  // ... that matched a flow

  private:
    struct alignas(64) Slot {
        std::atomic<std::uint64_t> lookups{0};
        std::atomic<std::uint64_t> matched{0};
    };
    std::uint64_t sum(std::atomic<std::uint64_t> Slot::*member) const {
        std::uint64_t n = 0;
        for (const Slot& s : slots_) n += (s.*member).load(std::memory_order_relaxed);
        return n;
    }
    mutable Slot slots_[kCreditSlots];
};
struct TableStats {
    std::uint8_t table = 0;
    std::uint32_t active = 0;  // flows in it
    std::uint64_t lookups = 0, matched = 0;
};

// What a change did or why it did nothing.
struct FlowModOutcome {
    Status status;                            // ok, or one precise line
    FlowModError error = FlowModError::none;  // for an OpenFlow error reply
    std::size_t index = 0;                    // a batch: which FlowMod failed (0-based)
    std::vector<RemovedFlow> removed;         // deleted flows (FLOW_REMOVED goes to those
                                              //  with kSendFlowRem; the agent filters)
    std::size_t added = 0, modified = 0;      // flows added (or replaced), modified
    explicit operator bool() const { return status.is_ok(); }
};

class FlowTables {
  public:
    FlowTables();
    ~FlowTables();
    FlowTables(const FlowTables&) = delete;
    FlowTables& operator=(const FlowTables&) = delete;

    // One FLOW_MOD. On error nothing changed.
    FlowModOutcome apply(const FlowMod& mod, std::uint64_t now_ns);
    // Several, all or nothing (add-flows FILE, an OpenFlow bundle): each sees the ones before
    // it; on error nothing changed and `index` names the one that failed.
    FlowModOutcome apply(std::span<const FlowMod> mods, std::uint64_t now_ns);
    // replace-flows: afterwards the tables hold exactly `flows` (each an add; later ones
    // replace earlier ones with the same table, match and priority, as in a file). What
    // ovs-ofctl achieves by diffing: a flow already present with the same cookie, timeouts,
    // flags and instructions stays as it is (counters, duration, idle time); one present with
    // the same table, match and priority but something else changed is replaced as by add
    // (counters carry over, duration restarts); flows absent from `flows` are removed
    // (reported, reason del). Validated first, then swapped in: all or nothing.
    FlowModOutcome replace_all(std::span<const FlowMod> flows, std::uint64_t now_ns);
    // Removes the flows whose idle or hard timeout has passed (reasons idle/hard_timeout).
    std::vector<RemovedFlow> expire(std::uint64_t now_ns);

    // dump-flows: table ascending, then priority descending, then the order they were added.
    std::vector<FlowStats> dump(const FlowFilter& filter, std::uint64_t now_ns) const;
    AggregateStats aggregate(const FlowFilter& filter) const;
    TableStats table_stats(std::uint8_t table) const;
    std::vector<TableStats> table_stats() const;  // all kNumTables tables
    std::size_t flow_count() const { return owned_.size(); }
    // Exactly the flow default_flow() makes, nothing else (the kernel fast path may run).
    bool is_default() const;

    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    // Translation's view (flow/translate.hpp): the best flow of `table` for `key`.
    const FlowRule* lookup(std::uint8_t table, const FlowKey& key, FlowMask& consulted) const {
        return tables_[table].lookup(key, consulted);
    }
    const TableCounters& counters(std::uint8_t table) const { return counters_[table]; }
    const Classifier& classifier(std::uint8_t table) const { return tables_[table]; }

  private:
    struct Txn;
    std::optional<Rejection> apply_one(const FlowMod& mod, std::uint64_t now, Txn& txn);
    std::optional<Rejection> add(const FlowMod& mod, std::uint64_t now, Txn& txn);
    std::optional<Rejection> modify(const FlowMod& mod, std::uint64_t now, Txn& txn);
    std::optional<Rejection> del(const FlowMod& mod, std::uint64_t now, Txn& txn);
    template <typename Fn>
    void for_each_selected(const FlowFilter& filter, Fn&& fn) const;
    void insert(std::unique_ptr<FlowRule> rule);
    std::unique_ptr<FlowRule> take(FlowRule* rule);
    void bump();

    std::array<Classifier, kNumTables> tables_;
    std::array<TableCounters, kNumTables> counters_;
    std::unordered_map<const FlowRule*, std::unique_ptr<FlowRule>> owned_;
    std::unordered_set<FlowRule*> timed_;  // flows with an idle or hard timeout
    std::uint64_t next_seq_ = 1;
    std::atomic<std::uint64_t> generation_;
};

// The flow every new bridge starts with, and the one that makes a flow-less bridge behave
// as the plain learning bridge: table 0, priority 0, match all, actions=NORMAL.
FlowMod default_flow();
// Does a dump of a bridge's flows hold exactly default_flow() and nothing else (a bridge
// nobody programmed: persistence stores no flows for it, metrics list none)?
bool only_the_default_flow(const std::vector<FlowStats>& flows);
// Tables for a new bridge: exactly default_flow(), added at `now_ns`.
std::unique_ptr<FlowTables> make_bridge_tables(std::uint64_t now_ns);

}  // namespace sy::flow
