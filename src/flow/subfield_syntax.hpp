#pragma once
// Subfields in the ovs-ofctl syntax (load, move, and matches such as reg0[0..3]=5):
// "FIELD[]" (the whole field), "FIELD[N]" (one bit), "FIELD[A..B]" (bits A to B inclusive),
// FIELD being any name the field table knows (reg0, NXM_NX_REG0, OXM_OF_IPV4_SRC, ...).
// Bits count from the least significant bit of the field's value; for a field kept in place
// (nw_tos) that is the bit of its byte.

#include <string>
#include <string_view>

#include "base/status.hpp"
#include "flow/action.hpp"
#include "flow/field.hpp"

namespace sy::flow {

// Width of the bit space subfields of `field` index (n_bits, plus the low bits an in-place
// field keeps clear).
unsigned subfield_space(FieldId field);

// Errc::invalid_argument with the reason only.
Result<SubField> parse_subfield(std::string_view text);

// The bits a subfield covers, as a mask of its field's value.
FieldValue subfield_mask(const SubField& sf);

// As ovs-ofctl prints it: "NXM_NX_REG0[0..15]", "NXM_NX_REG1[]" (the field's NXM/OXM name
// where it has one).
std::string format_subfield(const SubField& sf);
// The name ovs-ofctl uses for a field inside load/move: its NXM name, else its OXM name,
// else the field table's name.
std::string_view nxm_name(FieldId field);

}  // namespace sy::flow
