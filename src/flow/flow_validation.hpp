#pragma once
// Checks that a flow can be installed, with one precise line when it cannot. Run by
// FlowTables before anything changes, so a bad FLOW_MOD (or one bad line of add-flows or
// replace-flows) changes nothing. The parser catches what is malformed as text; this catches
// what is malformed as a flow: a goto_table that goes backwards, an output to a port number
// that means nothing, a set_field the match gives no meaning to (ovs-ofctl refuses
// "actions=mod_nw_src:..." without "ip" for the same reason), a value wider than its field.

#include <cstdint>
#include <optional>
#include <string>

#include "flow/instructions.hpp"
#include "flow/match.hpp"

namespace sy::flow {

// Why a FLOW_MOD was refused, in terms the OpenFlow agent maps to an error reply.
enum class FlowModError : std::uint8_t {
    none,
    bad_command,         // OFPFMFC_BAD_COMMAND (e.g. replace-flows given a delete)
    bad_table_id,        // OFPFMFC_BAD_TABLE_ID
    bad_goto_table,      // OFPBIC_BAD_TABLE_ID: goto_table not later, or past the last table
    bad_match_prereq,    // OFPBMC_BAD_PREREQ: a match field without its prerequisite
    bad_out_port,        // OFPBAC_BAD_OUT_PORT
    bad_action,          // OFPBAC_BAD_TYPE: an action not allowed where it is
    bad_argument,        // OFPBAC_BAD_ARGUMENT: push_vlan ethertype, VLAN ID, move widths...
    bad_set_field,       // OFPBAC_BAD_SET_TYPE / _ARGUMENT: not writable, value too wide
    match_inconsistent,  // OFPBAC_MATCH_INCONSISTENT: an action's field lacks its prerequisite
    overlap,             // OFPFMFC_OVERLAP (check_overlap)
};
const char* to_string(FlowModError error);

struct Rejection {
    FlowModError error = FlowModError::none;
    std::string message;  // one line, no "switchyard:" prefix
};

// The match's prerequisites (Match::check_prerequisites), as a Rejection.
std::optional<Rejection> check_match(const Match& match);
// Instructions of a flow in `table` whose match is `match` (action prerequisites are judged
// against it, as OVS does).
std::optional<Rejection> check_instructions(const Instructions& instructions, std::uint8_t table,
                                            const Match& match);

// What a prerequisite asks for, in ovs-ofctl words: "ip or arp (dl_type=0x0800 or 0x0806)".
const char* prereq_text(Prereq prereq);
// Width of a field as move/load subfields count it: n_bits, or for fields kept in place in
// their storage (nw_tos = tos & 0xfc) the bits up to their top (8).
unsigned subfield_width(FieldId field);
// A SubField's bit count with 0 meaning "the rest of the field" ("reg0[]").
unsigned subfield_bits(const SubField& sf);

}  // namespace sy::flow
