#pragma once
// L4 checksums of a parsed frame: verify (with a verdict that tells a TX-offload seed and a
// "no checksum" zero apart from corruption), compute the pseudo-header sum, and write full
// checksums. TCP, UDP, ICMP (IPv4) and ICMPv6 (IPv6), over IPv4 or IPv6 with extension
// headers; the IPv6 pseudo-header uses the final destination of a routing header.
// Nothing here reads or writes outside the given span, whatever the layers say.

#include <cstdint>
#include <span>

#include "net/parse.hpp"

namespace sy::net {

enum class L4CsumVerdict : std::uint8_t {
    good,              // the stored checksum is right
    bad,               // wrong, and not explained by any of the cases below
    partial_seed,      // the field holds exactly the folded pseudo-header sum: a packet sent
                       // with CHECKSUM_PARTIAL (TX offload) that nobody finished
    zero_no_checksum,  // UDP over IPv4 with field 0: the sender computed no checksum (legal)
    illegal_zero,      // UDP over IPv6 with field 0: invalid (RFC 8200 section 8.1)
    unverifiable,      // frame cut short of the datagram end (snaplen), or an IP fragment
    not_applicable,    // no TCP/UDP/ICMP/ICMPv6 header to check
};

const char* to_string(L4CsumVerdict v);

struct L4CsumCheck {
    L4CsumVerdict verdict = L4CsumVerdict::not_applicable;
    std::uint16_t stored = 0;    // the field as found (when the L4 header is present)
    std::uint16_t expected = 0;  // what a correct sender stores (UDP: 0 sent as 0xFFFF)
    std::uint16_t seed = 0;      // folded pseudo-header sum (0 for ICMP over IPv4: no seed)
};

// Verdict for the L4 checksum of `layers` (one level of a parse of `frame`).
L4CsumCheck check_l4_checksum(std::span<const std::uint8_t> frame, const HeaderLayers& layers);

// Unfolded pseudo-header sum of the L4 segment (0 for ICMP over IPv4, which has none). Needs
// only the IP header in the frame, not the payload. 0 when not applicable.
std::uint32_t l4_pseudo_sum(std::span<const std::uint8_t> frame, const HeaderLayers& layers);

// Offset in `frame` of the destination address the IPv6 pseudo-header of `layers` uses: the
// final destination of a routing header with segments left, else the IPv6 header's own
// (ipv6 dst offset). kAbsent when `layers` is not IPv6. When the two differ, rewriting the
// header's destination changes no L4 checksum.
std::uint32_t ipv6_pseudo_destination_offset(std::span<const std::uint8_t> frame,
                                             const HeaderLayers& layers);

// Offset of the checksum field inside the L4 header of protocol `ip_proto` (what virtio's
// csum_offset holds): TCP 16, UDP 6, ICMP/ICMPv6 2; kAbsent for anything else.
std::uint32_t l4_checksum_field_offset(std::uint8_t ip_proto);

// Compute the full L4 checksum into its field. UDP: a computed 0 is written as 0xFFFF, so
// IPv6 UDP never gets 0. False (frame unchanged) when not applicable, a fragment, or the
// segment is not entirely inside the frame.
bool write_l4_checksum(std::span<std::uint8_t> frame, const HeaderLayers& layers);

// Write the CHECKSUM_PARTIAL seed (folded pseudo-header sum, not complemented) into the L4
// field, as a sending kernel does before handing the packet to an offloading device. Only TCP,
// UDP and ICMPv6. False (frame unchanged) when not applicable.
bool write_l4_partial_seed(std::span<std::uint8_t> frame, const HeaderLayers& layers);

// IPv4 header checksum. False when `layers` has no complete IPv4 header inside the frame.
bool write_ipv4_header_checksum(std::span<std::uint8_t> frame, const HeaderLayers& layers);
bool ipv4_header_checksum_ok(std::span<const std::uint8_t> frame, const HeaderLayers& layers);

}  // namespace sy::net
