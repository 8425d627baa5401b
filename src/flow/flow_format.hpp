#pragma once
// Whole flows in ovs-ofctl syntax: a dump-flows line, exactly as `ovs-ofctl -O OpenFlow13
// dump-flows` prints it (with or without --no-stats), its JSON form for dump-flows --json,
// and the add-flow text of a FlowMod (what persistence can store: parse_flow reads it back
// to the same FlowMod).

#include <string>

#include <nlohmann/json.hpp>

#include "flow/flow_mod.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

// " cookie=0x0, duration=1.234s, table=0, n_packets=0, n_bytes=0, idle_timeout=10,
// priority=100,tcp,nw_dst=10.0.0.1 actions=drop" (one leading space, no newline). With
// show_stats false (--no-stats): cookie only when non-zero, table only when non-zero, no
// duration or counters.
std::string format_flow_stats(const FlowStats& flow, const PortNamer& ports,
                              bool show_stats = true);

// {"cookie":"0x0","duration":1.234,"table":0,"priority":100,"n_packets":0,"n_bytes":0,
//  "idle_timeout":10,"hard_timeout":0,"idle_age":1,"flags":["send_flow_rem"],
//  "match":{"protocol":"tcp","nw_dst":"10.0.0.1"},"actions":["output:2"]}
// Match values are the strings format_match prints; a shorthand (tcp, arp, ...) is
// "protocol"; actions are format_instructions' items ([] for drop).
nlohmann::json flow_stats_json(const FlowStats& flow, const PortNamer& ports);

// The add-flow text of an add FlowMod: "cookie=0x5, table=1, idle_timeout=10, send_flow_rem
// priority=100,tcp actions=..." (the --no-stats line's form, without the leading space).
std::string format_flow_mod(const FlowMod& flow, const PortNamer& ports);

}  // namespace sy::flow
