#pragma once
// Whether a packet's offload metadata fits its bytes: the check every port and tx_prepare
// runs before trusting csum_start/csum_offset or GSO fields (cases 5 and 6). A check, not a
// repair: the caller decides (drop and count, or finish the checksum in software).

#include <cstdint>

#include "net/parse.hpp"
#include "packet/offload_info.hpp"

namespace sy {

enum class OffloadCheck : std::uint8_t {
    ok,
    parse_failed,             // partial/GSO metadata but the headers do not parse
    datagram_truncated,       // the IP length field claims more bytes than the frame has
    csum_start_beyond_frame,  // csum_start >= frame length
    csum_field_beyond_frame,  // checksum field not inside the frame
    csum_start_not_l4,        // csum_start at no L4 header we parsed (maybe an unparsed tunnel)
    csum_offset_mismatch,     // offset is not the protocol's field (TCP 16, UDP 6, SCTP 8, ICMP 2)
    csum_on_fragment,         // a partial checksum on an IP fragment: nothing can finish it
    gso_without_partial,      // GSO with checksum state none: unknown data, cannot segment
    gso_size_zero,
    gso_type_mismatch,  // e.g. TCPV4 on an IPv6 frame, or on UDP
    gso_on_tunnel,      // encapsulated super-frames: not supported (case 36)
    gso_csum_not_l4,    // GSO whose partial checksum is not the segmented L4 header
    hdr_len_beyond_frame,
};
const char* to_string(OffloadCheck c);

// Ties metadata to the parsed offsets. `csum_start_not_l4` is not malformed in the kernel's
// sense (any start inside the frame is well defined); callers may finish such a checksum in
// software over [csum_start, end) (case 5). Every other non-ok result is malformed (case 6).
OffloadCheck check_offload(const OffloadInfo& info, const net::ParsedHeaders& parsed,
                           std::uint32_t frame_len);

// The L4 header the partial checksum belongs to, when it is the outer or inner L4 header of
// `parsed`; nullptr otherwise.
const net::HeaderLayers* partial_csum_layers(const OffloadInfo& info,
                                             const net::ParsedHeaders& parsed);

// Offset of the checksum field inside the L4 header of protocol `ip_proto`, or -1.
int l4_csum_field_offset(std::uint8_t ip_proto);

}  // namespace sy
