#pragma once
// A set_field op applied to a packet's bytes, through the checksum module
// (offload/rewrite.hpp): every checksum stays right in every checksum state. The one place
// that maps flow fields to packet rewrites.

#include "flow/field.hpp"
#include "packet/packet.hpp"

namespace sy::datapath {

// False when the packet's headers cannot take the write (no such header, a later fragment
// for an L4 field, ...): the packet is then dropped as flow_rewrite_failed.
bool apply_set_field(Packet& p, flow::FieldId field, flow::FieldValue value);

}  // namespace sy::datapath
