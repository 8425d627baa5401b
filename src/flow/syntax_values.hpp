#pragma once
// The scalar values of the ovs-ofctl syntax, read and printed the way ovs-ofctl does:
// integers, IPv4/IPv6 and Ethernet addresses. Parsers return nullopt for anything that is not
// exactly one such value (no trailing characters); callers turn that into a message that
// names the token.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flow/field.hpp"

namespace sy::flow {

// A field value (parse_int_string): decimal, or hexadecimal after "0x"; up to 128 bits.
std::optional<FieldValue> parse_field_integer(std::string_view s);
// A keyword argument (priority=, idle_timeout=, cookie=, table=...: C's strtoull with base
// 0, as ovs-ofctl's str_to_u16/str_to_u64): decimal, "0x" hexadecimal, leading-0 octal.
std::optional<std::uint64_t> parse_keyword_integer(std::string_view s);

// Addresses as integers: IPv4 host order, MAC and IPv6 big-endian (bit 0 = last bit on wire).
std::optional<std::uint32_t> parse_ipv4(std::string_view s);
std::optional<FieldValue> parse_ipv6(std::string_view s);
std::optional<FieldValue> parse_ethernet(std::string_view s);

std::string ipv4_to_string(std::uint32_t ip);
std::string ipv6_to_string(FieldValue ip);  // inet_ntop's form, as ovs-ofctl prints it
std::string ethernet_to_string(FieldValue mac);

// C's "%#x" (what ovs-ofctl uses for registers, metadata, load values): "0" for zero.
std::string c_hex(std::uint64_t v);
// ovs-ofctl's ds_put_hex of a value (hex fields in set_field): "0x..." without leading
// zeros, "0" for zero.
std::string hex_value(FieldValue v);

// For IPv4/IPv6 masks: the prefix length when the mask is a prefix (ones then zeros).
std::optional<int> prefix_length(FieldValue mask, int bits);
FieldValue prefix_mask(int prefix, int bits);

// True when `mask` is one run of contiguous ones (the bits a subfield "x[a..b]" names).
bool is_contiguous(FieldValue mask);

}  // namespace sy::flow
