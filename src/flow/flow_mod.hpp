#pragma once
// A change to a bridge's flow tables (OpenFlow's FLOW_MOD; what `add-flow`, `mod-flows` and
// `del-flows` send), and what a flow looks like from outside (dump-flows, FLOW_REMOVED).

#include <cstdint>
#include <string>

#include "flow/instructions.hpp"
#include "flow/match.hpp"

namespace sy::flow {

inline constexpr int kNumTables = 255;                     // tables 0..254
inline constexpr std::uint8_t kAllTables = 0xff;           // table=all in modify/delete/dump
inline constexpr std::uint16_t kDefaultPriority = 0x8000;  // ovs-ofctl's default (32768)

enum class FlowModCommand : std::uint8_t { add, modify, modify_strict, del, del_strict };

// OFPFF_* flags (OpenFlow 1.3 values).
enum FlowFlags : std::uint16_t {
    kSendFlowRem = 1 << 0,   // send FLOW_REMOVED when it expires or is deleted
    kCheckOverlap = 1 << 1,  // refuse an add that overlaps a flow of the same priority
    kResetCounts = 1 << 2,   // modify resets counters
    kNoPktCounts = 1 << 3,
    kNoBytCounts = 1 << 4,
};

struct FlowMod {
    FlowModCommand command = FlowModCommand::add;
    std::uint8_t table = 0;  // kAllTables allowed for modify/delete
    Match match;
    std::uint16_t priority = kDefaultPriority;
    std::uint64_t cookie = 0;        // add: the new flow's cookie; modify/delete: filter value
    std::uint64_t cookie_mask = 0;   // modify/delete: only flows with (cookie & mask) equal
    std::uint16_t idle_timeout = 0;  // seconds; 0: none
    std::uint16_t hard_timeout = 0;
    std::uint16_t flags = 0;    // FlowFlags
    Instructions instructions;  // add/modify
    OfPort out_port = kOfpAny;  // delete: only flows that output to this port
};

enum class RemovedReason : std::uint8_t { idle_timeout, hard_timeout, del, group_delete };

// A flow as dump-flows and OpenFlow's flow stats show it.
struct FlowStats {
    std::uint8_t table = 0;
    std::uint16_t priority = 0;
    std::uint64_t cookie = 0;
    std::uint16_t idle_timeout = 0, hard_timeout = 0;
    std::uint16_t flags = 0;
    Match match;
    Instructions instructions;
    std::uint64_t n_packets = 0, n_bytes = 0;
    std::uint64_t duration_ns = 0;  // since it was added
    std::uint64_t idle_ns = 0;      // since a packet last hit it (or since it was added)
    std::uint64_t hard_age_ns = 0;  // since it was last added or modified ("hard_age")
};

struct RemovedFlow {
    FlowStats stats;
    RemovedReason reason = RemovedReason::del;
};

}  // namespace sy::flow
