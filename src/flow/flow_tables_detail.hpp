#pragma once
// Helpers shared by flow_tables.cpp and replace_flows.cpp. Not an interface.

#include <cstdint>
#include <memory>

#include "flow/flow_tables.hpp"

namespace sy::flow::detail {

Match normalized(const Match& m);  // key & mask, whatever the caller gave
bool dump_order(const FlowRule* a, const FlowRule* b);
FlowModOutcome failure(const Rejection& r, std::size_t index);
std::unique_ptr<FlowRule> new_rule(const FlowMod& mod, std::uint8_t table, const Match& match,
                                   std::uint64_t now, std::uint64_t seq);
// Add semantics for a flow replacing `from`: packet and byte counts carry over unless the
// FLOW_MOD says reset_counts; the idle time starts again (it is a new flow).
void carry_counters(FlowRule& to, const FlowRule& from, const FlowMod& mod, std::uint64_t now);

}  // namespace sy::flow::detail
