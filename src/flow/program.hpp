#pragma once
// What the datapath executes for a packet: a flat list of primitive operations that
// translation (flow/translate.hpp) derived from the packet's walk through the flow tables.
// Tables, priorities, resubmits, goto_table, registers, metadata, write_actions and the
// action set are all gone by then; what is left changes the packet or sends it somewhere.
// Fixed size and plain data: it lives in cache entries and is executed without allocation.
//
// Semantics the executor (datapath) implements:
//  - ops run in order on the one packet; set_field / push_vlan / pop_vlan / dec_ttl change
//    it in place, through the checksum module (offload/rewrite), so every checksum stays
//    right in every checksum state;
//  - an output-type op sends the packet as it is at that point; when more ops follow, a
//    copy is sent and the packet goes on (OpenFlow's "output is a snapshot");
//  - `normal` is the learning bridge (learn, look up, flood; VLAN access/trunk policy)
//    resolved at execution time against the live MAC table, so a cached program never holds
//    a stale MAC decision;
//  - a program that outputs nothing drops the packet, counted under `drop_reason`.

#include <array>
#include <cstdint>

#include "flow/field.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

enum class OpType : std::uint8_t {
    set_field,   // field := value (the whole field; translation resolved masks and moves)
    push_vlan,   // push an 802.1Q tag: ethertype in `arg`, TCI in `value` (PCP/VID)
    pop_vlan,    // pop the outer tag
    dec_ttl,     // TTL / hop limit minus one (translation made sure it is > 1)
    output,      // to OpenFlow port `port` (a real port; never the ingress port)
    in_port,     // back out of the ingress port (OFPP_IN_PORT)
    normal,      // the learning bridge
    flood,       // every port of the bridge but the ingress
    all,         // the same, kept apart for counters and trace
    controller,  // a packet-in: up to `arg` bytes, `reason`, from table `table`, rule cookie
};

// Does the op send the packet somewhere (as opposed to changing it)?
constexpr bool is_output(OpType t) {
    switch (t) {
        case OpType::output:
        case OpType::in_port:
        case OpType::normal:
        case OpType::flood:
        case OpType::all:
        case OpType::controller:
            return true;
        default:
            return false;
    }
}

// Why a packet that no op sent anywhere was dropped (named counters, trace).
enum class ProgramDrop : std::uint8_t {
    none,          // it was sent somewhere
    no_match,      // table miss in `table` (OpenFlow 1.3: drop)
    actions_drop,  // the flows said so (actions=drop, or no output)
    ttl_expired,   // dec_ttl on TTL 0 or 1
    too_many_resubmits,
    too_many_ops,  // the walk produced more than kMaxOps operations
    count_
};
const char* to_string(ProgramDrop reason);

// OFPR_* packet-in reasons (OpenFlow 1.3 values).
enum class PacketInReason : std::uint8_t { no_match = 0, action = 1, invalid_ttl = 2 };

struct Op {
    OpType type = OpType::output;
    FieldId field = FieldId::reg0;  // set_field
    std::uint8_t table = 0;         // controller: the table the packet-in comes from
    PacketInReason reason = PacketInReason::action;
    OfPort port = 0;           // output
    std::uint16_t arg = 0;     // push_vlan: ethertype; controller: max_len
    std::uint64_t cookie = 0;  // controller: the cookie of the flow that sent it
    FieldValue value = 0;      // set_field, push_vlan

    bool operator==(const Op&) const = default;
};

struct Program {
    static constexpr std::size_t kMaxOps = 24;
    std::uint8_t count = 0;
    ProgramDrop drop = ProgramDrop::none;  // when no op outputs: why
    std::uint8_t drop_table = 0;           // no_match: which table missed
    std::array<Op, kMaxOps> ops{};

    bool push(const Op& op) {
        if (count == kMaxOps) return false;
        ops[count++] = op;
        return true;
    }
    // Exactly one op, `normal`: the plain learning bridge (the kernel fast path may take it).
    bool is_plain_normal() const { return count == 1 && ops[0].type == OpType::normal; }
    // The same ops in use, drop reason and missed table (the spare ops do not count).
    bool operator==(const Program& o) const {
        if (count != o.count || drop != o.drop || drop_table != o.drop_table) return false;
        for (std::size_t i = 0; i < count; ++i) {
            if (!(ops[i] == o.ops[i])) return false;
        }
        return true;
    }
};

}  // namespace sy::flow
