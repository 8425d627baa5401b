#pragma once
// Translation: a packet's walk through the OpenFlow 1.3 pipeline, turned into the flat
// Program the datapath executes (flow/program.hpp), the megaflow mask that says which key
// bits the result depends on, and the flows visited so their counters can be credited.
// Runs on the per-packet path on a cache miss: allocation-free, no exceptions, no locks.
//
// The pipeline (OF 1.3.5 5.1-5.10, with OVS's extensions and choices where the spec is
// silent or OVS differs visibly; ofproto/ofproto-dpif-xlate.c):
//  - starts in table 0; a flow's instructions run in spec order: apply_actions (in order),
//    clear_actions, write_actions (merged into the action set), write_metadata, goto_table.
//  - the action set holds one pop_vlan, one push_vlan, one dec_ttl, the set_field / move /
//    mod_vlan_* actions in the order written, and a final output (or, lacking one, a final
//    resubmit); it runs when the pipeline ends, in that order, and only if it has a final
//    action (OVS's ofpacts_execute_action_set).
//  - table miss in table 0 or after goto_table: the packet is dropped (OF 1.3: no table-miss
//    flow means drop; ProgramDrop::no_match with the table). Outputs already made by
//    apply_actions stand; the action set is discarded. (OVS would still run the action set.)
//  - resubmit(port,table) looks `table` up (0xff: the current one) as if the packet came in
//    on `port`, runs what it finds and continues with the next action; a resubmit that
//    matches nothing does nothing. At most 64 nested resubmits into the same or an earlier
//    table and 4096 resubmits in all (OVS's limits), else the packet is dropped:
//    too_many_resubmits.
//  - set_field on a packet field emits a set_field op with the field's whole new value (a
//    masked set resolved against the old value) and updates the key, so later lookups see
//    it; on registers, metadata and in_port it only updates the key. A set_field whose
//    prerequisite the packet lacks (nw_src on IPv6, tp_src on a later fragment) is ignored,
//    as OVS does. Ops use canonical fields: tp_src/tp_dst for TCP/UDP/SCTP ports, nw_tos
//    for the DSCP bits (ip_dscp), arp_spa/arp_tpa for nw_src/nw_dst on ARP, and vlan_tci
//    for every VLAN view (ops never leave a VLAN half made: a write that makes an untagged
//    packet tagged is a push_vlan op, one that clears the present bit is a pop_vlan op).
//    Consecutive set_field ops on one field merge.
//  - move resolves to a concrete value: its source is read (and unwildcarded).
//  - dec_ttl on IPv4/IPv6 with TTL <= 1 drops the packet (ttl_expired; outputs already made
//    stand); on other packets it does nothing.
//  - output to the ingress port is skipped unless it is IN_PORT (OVS); NORMAL, FLOOD, ALL,
//    IN_PORT, CONTROLLER become their ops; output:TABLE runs table 0 as a resubmit would.
//  - more than Program::kMaxOps ops: dropped, too_many_ops.
//  - a program that outputs nothing has no ops at all; ops after the last output are cut.
//
// Megaflow: `megaflow` has a 1 for every bit of the ingress key the program and the visits
// depend on: every subtable mask a lookup consulted, the prerequisite fields of actions,
// the bits of a field a masked write keeps, move sources, nw_ttl for dec_ttl, in_port where
// an output compares against it, vlan_tci for VLAN changes. Any key that agrees with this
// one on those bits translates to the same program and the same visits
// (tests/flow/megaflow_properties.cpp).

#include <array>
#include <cstdint>
#include <span>

#include "flow/flow_tables.hpp"
#include "flow/program.hpp"

namespace sy::flow {

// One table lookup of the walk: the flow found (nullptr: a miss) in `table`.
struct Visit {
    const FlowRule* rule = nullptr;
    std::uint8_t table = 0;
    bool operator==(const Visit&) const = default;
};

struct Translation {
    static constexpr std::size_t kMaxVisits = 16;
    Program program;
    FlowMask megaflow;
    std::uint8_t n_visits = 0;
    // False when the walk made more than kMaxVisits lookups: the visits past the last one
    // kept cannot be credited, so caching it would lose their counts for good.
    bool cacheable = true;
    std::array<Visit, kMaxVisits> visits{};

    std::span<const Visit> visited() const { return {visits.data(), n_visits}; }
};

// What `switchyard trace` wants to see of a walk, step by step. The datapath passes none.
struct TraceEvent {
    enum class Kind : std::uint8_t {
        lookup,       // `table`, `rule` (nullptr: miss), `key` as the lookup saw it
        action,       // `action` ran; `key` is the packet after it
        skipped,      // `action` did nothing: `note` says why
        instruction,  // `note`: clear_actions / write_actions / write_metadata / goto_table
        action_set,   // the action set starts running
        stop,         // the walk ended early: `drop`
    };
    Kind kind;
    int depth = 0;  // resubmit nesting
    std::uint8_t table = 0;
    const FlowRule* rule = nullptr;
    const Action* action = nullptr;
    const FlowKey* key = nullptr;
    const char* note = "";
    ProgramDrop drop = ProgramDrop::none;
};
class TraceObserver {
  public:
    virtual ~TraceObserver() = default;
    virtual void on_event(const TraceEvent& event) = 0;
};

struct TranslateOptions {
    TraceObserver* observer = nullptr;
};

void translate(const FlowTables& tables, const FlowKey& key, const TranslateOptions& options,
               Translation& out);
inline Translation translate(const FlowTables& tables, const FlowKey& key,
                             const TranslateOptions& options = {}) {
    Translation t;
    translate(tables, key, options, t);
    return t;
}

// Credits `packets` packets of `bytes` bytes in all to every visit: the flow's counters and
// last-used time, the table's lookup and matched counts, in counter slot `slot` (one per
// poll thread; see FlowCounters). Lock-free.
inline void credit(const FlowTables& tables, std::span<const Visit> visits, std::uint64_t packets,
                   std::uint64_t bytes, std::uint64_t now_ns, int slot = 0) {
    for (const Visit& v : visits) {
        tables.counters(v.table).credit(slot, packets, v.rule != nullptr);
        if (v.rule != nullptr) v.rule->counters.credit(slot, packets, bytes, now_ns);
    }
}

}  // namespace sy::flow
