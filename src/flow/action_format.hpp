#pragma once
// Actions and instructions in ovs-ofctl syntax, the form the parser reads back to the same
// model: "mod_nw_dst:10.0.0.2,output:2", "drop" when there is nothing to do.
//
// A set_field is printed by what it writes, since the model does not remember how it was
// spelled: a whole field with an OpenFlow 1.0 action of its own as that action
// (mod_dl_src, mod_nw_dst, mod_tp_dst, mod_nw_tos, mod_nw_ecn, mod_nw_ttl), any other whole
// field as set_field:V->FIELD, a contiguous part of a field as load:V->NXM_..[a..b] (as
// ovs-ofctl prints it), other masks as set_field:V/M->FIELD.

#include <string>
#include <vector>

#include "flow/instructions.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

std::string format_action(const Action& action, const PortNamer& ports);
// Comma-separated; "drop" for an empty list.
std::string format_actions(const ActionList& actions, const PortNamer& ports);
// Apply actions, then the instructions in OpenFlow order; "drop" when there is nothing.
std::string format_instructions(const Instructions& instructions, const PortNamer& ports);
// The same, one string per action or instruction (dump-flows --json); empty for drop.
std::vector<std::string> instruction_strings(const Instructions& instructions,
                                             const PortNamer& ports);

}  // namespace sy::flow
