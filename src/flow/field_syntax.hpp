#pragma once
// A field's value in the ovs-ofctl syntax, by the field table's FieldFormat: "80",
// "0x1234/0xff00", "10.0.0.0/24", "10.0.0.0/255.255.255.0", "fe80::/64",
// "00:11:22:00:00:00/ff:ff:ff:00:00:00", "web0", "later", "+syn-ack". The same text is what a
// match (nw_dst=...) and set_field (set_field:...->nw_dst) take.

#include <string>
#include <string_view>

#include "base/status.hpp"
#include "flow/field.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

struct MaskedValue {
    FieldValue value = 0;  // within field_all_ones(field), already & mask
    FieldValue mask = 0;   // within field_all_ones(field); all ones when no mask was given
};

// Parses `text` as a value of `field`, with a mask ("/...") only where the field allows one
// (a mask of all ones is accepted everywhere, as ovs-ofctl does). "*" is the wildcard (mask
// 0). On error the Status message says why without naming the token
// ("10.0.0.300 is not an IPv4 address"): callers prefix it.
Result<MaskedValue> parse_field_value(FieldId field, std::string_view text, const PortNamer& ports);

// The value as ovs-ofctl prints a field value (set_field:V[/M]->F), "/mask" when the mask is
// not all ones.
std::string format_field_value(FieldId field, FieldValue value, FieldValue mask,
                               const PortNamer& ports);

// TCP flags as ovs-ofctl prints them in a match: "syn|ack" under the full mask, "+syn-ack"
// under a partial one.
std::string format_tcp_flags(std::uint16_t flags, std::uint16_t mask);

}  // namespace sy::flow
