#pragma once
// The table of docs/checksum-contract.md ("Rewrites") in code: how a change of header bytes is
// carried into every checksum that covers them, in every checksum state. Internal to
// offload/rewrite.*: the setters there only locate a field, validate the value and say which
// checksums cover the field; everything about checksums and OffloadInfo happens here.
//
// Two questions decide what happens:
//  1. What covers the field (Coverage): the IPv4 header checksum, the pseudo-header (so the
//     L4 checksum of TCP, UDP and ICMPv6, not ICMP or SCTP), the L4 segment (every L4
//     checksum: ports, ICMP type/code), or nothing (Ethernet, ARP, IPv6 traffic class, flow
//     label and hop limit).
//  2. What the outer L4 checksum field holds right now (L4Row, from OffloadInfo and the
//     bytes), one row each:
//
//   row         when                                   pseudo-header change    L4 segment change
//   no_field    not IP, no known L4 checksum, later    -                       (refused by the
//               fragment                                                        setter)
//   seed        partial at this L4 header              TCP/UDP/ICMPv6: seed    - (completion
//                                                      +new -old; ICMP/SCTP: - sums it)
//   internet    none; verified on a first fragment     RFC 1624 eqn. 3         RFC 1624 eqn. 3
//   crc32c      SCTP, not partial                      - (not covered)         CRC re-derived,
//                                                                              XOR error kept
//   zero_udp    UDP field 0, not partial               - (stays 0)             - (stays 0)
//   to_partial  verified, L4 header here, not a        -> partial, seed from   -> partial, seed
//               fragment, not zero UDP                 the new headers         from the headers
//
// A verified packet whose covered bytes change is never left verified: it becomes partial
// (to_partial) or none (every other row). Nothing else changes the state.

#include <cstdint>

#include "net/parse.hpp"
#include "packet/packet.hpp"

namespace sy::offload::rewrite_detail {

// Bit set: which checksums include the bytes of a field.
enum Coverage : std::uint8_t {
    kCoversNothing = 0,
    kIpv4Header = 1,    // the IPv4 header checksum
    kPseudoHeader = 2,  // the pseudo-header of TCP/UDP/ICMPv6 (IPv4/IPv6 addresses)
    kL4Segment = 4,     // the L4 segment itself (ports, ICMP type/code)
};

enum class L4Row : std::uint8_t { no_field, seed, internet, crc32c, zero_udp, to_partial };

struct L4Plan {
    L4Row row = L4Row::no_field;
    bool covers_pseudo = false;          // the L4 checksum includes the pseudo-header
    std::uint32_t field = net::kAbsent;  // frame offset of the L4 checksum field
    std::uint16_t field_offset = 0;      // ... from the L4 header (virtio csum_offset)
};

// The row of the table for the outer L4 checksum of `p` (whose bytes `l` describes) now.
L4Plan plan_l4(const Packet& p, const net::HeaderLayers& l);

// Replaces `size` bytes at frame offset `at` with `value` and carries the change into the
// checksums `coverage` names, per the row `plan_l4` gives before the write. Covered fields are 2, 4
// or 16 bytes at an even offset from the start of their header. No-op when the bytes are
// already `value` (a verified packet stays verified).
void write_field(Packet& p, const net::HeaderLayers& l, std::uint32_t at, const std::uint8_t* value,
                 std::uint32_t size, unsigned coverage);

}  // namespace sy::offload::rewrite_detail
