#pragma once
// One model value for each meaning, so that flows which do the same thing compare equal
// (replace-flows, strict modify/delete, caches) however they were written or decoded:
//  - writes to tcp_src/udp_src/sctp_src (and _dst) are writes to tp_src (tp_dst): the same
//    bits of the key, and the flow's match already says which protocol it is;
//  - writes to ip_dscp are writes to nw_tos (the DSCP bits in place);
//  - a set_field whose mask is not one run of bits becomes one set_field per run, lowest
//    bits first (what ovs-ofctl does: "load:..[0..3],load:..[8..15]");
//  - an empty write_actions() is no instruction at all (merging nothing into the action
//    set), as OpenFlow 1.3 encodes it.
// The parser applies this; anything else that builds Instructions (an OpenFlow decoder)
// should too.

#include "flow/instructions.hpp"

namespace sy::flow {

void canonicalize(ActionList& actions);
void canonicalize(Instructions& instructions);

}  // namespace sy::flow
