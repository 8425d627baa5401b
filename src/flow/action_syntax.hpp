#pragma once
// The action part of a flow string ("actions=..."), as ovs-actions(7) writes it, into the
// OpenFlow 1.3 instructions of the model: plain actions are apply_actions; clear_actions,
// write_actions(...), write_metadata:V[/M] and goto_table:N are instructions and must come
// in that order after them. Every write is checked against the flow's match the way
// ovs-ofctl checks it for OpenFlow 1.3 (mod_nw_dst needs ip, mod_tp_dst tcp/udp/sctp, pop_vlan
// a tag), and every destination against the field table (writable).

#include <optional>
#include <string_view>

#include "base/status.hpp"
#include "flow/instructions.hpp"
#include "flow/match.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

struct ActionContext {
    const Match& match;                 // the flow's match
    std::optional<std::uint8_t> table;  // the flow's table, when known (for goto_table)
    const PortNamer& ports;
};

// Errors name the action token: "\"output:foo\": no port named foo on this bridge".
Result<Instructions> parse_instructions(std::string_view text, const ActionContext& context);

}  // namespace sy::flow
