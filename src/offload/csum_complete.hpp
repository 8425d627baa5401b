#pragma once
// Finishing a partial checksum in software: the kernel's skb_checksum_help. The field holds
// the pseudo-header seed, so summing [csum_start, end) - field included - and complementing
// gives the full checksum.
//
// State afterwards: `none`, not `verified`. The checksum now matches the bytes, but nobody
// checked the payload against anything: a packet corrupted before it reached us would be
// "completed" just as happily. Only a check of a checksum written by someone else earns the
// verified mark (docs/checksum-contract.md, "Egress"; docs/checksum-cases.md, cases 27-28); the receiver verifies it instead.

#include <cstdint>
#include <span>

#include "net/parse.hpp"
#include "packet/packet.hpp"

namespace sy::offload {

enum class CsumAlgo : std::uint8_t {
    internet,      // RFC 1071 sum; a computed 0 is stored as 0 (TCP, ICMP: both zeros valid)
    internet_udp,  // RFC 1071 sum; a computed 0 is stored as 0xFFFF (RFC 768, case 11)
    internet_any,  // protocol unknown: the kernel's rule, 0 -> 0xFFFF (valid for all)
    crc32c,        // SCTP: CRC32c over the range with the field zeroed, little-endian (case 15)
};

enum class CompleteStatus : std::uint8_t {
    ok,
    not_partial,         // packet is not in the partial state: nothing to finish
    field_beyond_range,  // csum_start/csum_offset do not fit inside the frame
};
const char* to_string(CompleteStatus s);

// Computes the checksum of bytes [start, end) of `frame` into start + field_offset.
CompleteStatus complete_csum_range(std::span<std::uint8_t> frame, std::uint32_t start,
                                   std::uint32_t end, std::uint32_t field_offset, CsumAlgo algo);

// Finishes `p`'s partial checksum and marks it `none` (GSO metadata untouched). `parsed` must
// describe p's current bytes: it selects the algorithm from the L4 protocol at csum_start and
// stops at the IP datagram end (Ethernet padding is not checksummed). A csum_start at no
// parsed L4 header (an unparsed tunnel, case 5) is summed to the end of the frame.
CompleteStatus complete_partial(Packet& p, const net::ParsedHeaders& parsed);

}  // namespace sy::offload
