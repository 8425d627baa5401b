#pragma once
// A match in ovs-ofctl's normal form (its match_format): the protocol shorthand first, then
// the fields in ovs-ofctl's fixed order, each in the form it prints ("tcp,in_port=1,
// nw_dst=10.0.0.0/24,tp_dst=80"); "" for the match that matches everything. What the parser
// reads back to the same Match.

#include <cstdint>
#include <string>
#include <vector>

#include "flow/match.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

// One element of the printed form: a shorthand ("tcp", empty value) or "name=value".
struct MatchItem {
    std::string name;
    std::string value;  // empty for a shorthand
};

std::vector<MatchItem> match_items(const Match& match, const PortNamer& ports);
std::string format_match(const Match& match, const PortNamer& ports);
// As dump-flows prints a flow's match: "priority=N," first unless N is the default 32768.
std::string format_match(const Match& match, const PortNamer& ports, std::uint16_t priority);

}  // namespace sy::flow
