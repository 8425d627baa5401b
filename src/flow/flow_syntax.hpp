#pragma once
// Flow strings in ovs-ofctl syntax (ovs-ofctl(8) "Flow Syntax") to FlowMods: one entry point
// per verb family, a reader for add-flows/replace-flows files, and the packet description
// `trace` takes. Nothing here throws; bad input gets one line naming the token and why.
//
//   add     add-flow, add-flows, replace-flows: match, table=N, priority=, cookie=V,
//           idle_timeout=, hard_timeout=, flags (send_flow_rem, check_overlap, reset_counts,
//           no_packet_counts, no_byte_counts), actions=... (required, last)
//   modify  mod-flows: the same, but cookie=V/M selects the flows to change (a plain
//           cookie=V is refused: switchyard does not rewrite cookies); table defaults to all
//   del     del-flows: match, table=N|all, cookie=V/M, out_port=P; no actions
//   dump    dump-flows filter: like del (the flows a non-strict delete would select)
// The *_strict variants also take priority= (the flow is selected by exact match and
// priority). Keys dump-flows prints (duration=, n_packets=, n_bytes=, idle_age=, hard_age=)
// are ignored, so dump-flows --no-stats output can be fed back.

#include <string_view>
#include <vector>

#include "base/status.hpp"
#include "flow/flow_mod.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

enum class FlowParseMode : std::uint8_t { add, modify, modify_strict, del, del_strict, dump };

// The FlowMod the verb sends. Its command follows the mode; in dump mode it is `del` (the
// filter selects exactly what a non-strict del-flows with the same text would delete).
// Table: add defaults to 0, the others to kAllTables.
Result<FlowMod> parse_flow(std::string_view text, FlowParseMode mode, const PortNamer& ports);

enum class FlowFileMode : std::uint8_t {
    add_flows,      // each line may start with add, modify, modify_strict, delete or
                    // delete_strict (as ovs-ofctl add-flows allows); default add
    replace_flows,  // every line is a flow to add
};
// One flow per line; '#' starts a comment, blank lines are skipped. Errors start with the
// line number: "line 3: \"tp_dst=80\": tp_dst requires tcp, udp or sctp (add tcp,)".
Result<std::vector<FlowMod>> parse_flow_file(std::string_view contents, FlowFileMode mode,
                                             const PortNamer& ports);

// The packet `trace BR FLOW` describes ("in_port=1,tcp,nw_dst=10.0.0.1,tp_dst=80"): a match
// string whose values become the key; unmentioned fields are zero, except nw_ttl, which is
// 64 for IP unless given (so dec_ttl does not drop the traced packet).
Result<FlowKey> parse_trace_flow(std::string_view text, const PortNamer& ports);

// "add-flow", "mod-flows", ... for messages.
std::string_view verb_name(FlowParseMode mode);

}  // namespace sy::flow
