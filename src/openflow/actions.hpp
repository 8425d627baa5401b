#pragma once
// OpenFlow 1.3 actions and instructions <-> the flow model (flow/action.hpp,
// flow/instructions.hpp). Standard actions: OUTPUT (CONTROLLER becomes the controller
// action), PUSH_VLAN, POP_VLAN, DEC_NW_TTL, SET_FIELD. The Nicira actions ovs-ofctl sends for
// what OpenFlow 1.3 cannot say: resubmit (NXAST_RESUBMIT, _TABLE), load (NXAST_REG_LOAD, a
// masked set_field) and move (NXAST_REG_MOVE). Every length is checked before use; an
// unknown or malformed action is the OFPET_BAD_ACTION / BAD_INSTRUCTION error the spec names.

#include <optional>
#include <span>

#include "flow/instructions.hpp"
#include "flow/match.hpp"
#include "openflow/protocol.hpp"
#include "openflow/wire.hpp"

namespace sy::openflow {

// An action list of exactly `r.remaining()` bytes.
std::optional<OfError> decode_actions(Reader r, flow::ActionList& out);
// Instructions of exactly `r.remaining()` bytes.
std::optional<OfError> decode_instructions(Reader r, flow::Instructions& out);

// `match` picks the OXM for fields that share storage (tp_src is TCP_SRC or UDP_SRC).
void encode_actions(Writer& w, const flow::ActionList& actions, const flow::Match& match);
void encode_instructions(Writer& w, const flow::Instructions& ins, const flow::Match& match);

}  // namespace sy::openflow
