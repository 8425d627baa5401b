#pragma once
// The virtio-net header that AF_PACKET (PACKET_VNET_HDR) and tap (IFF_VNET_HDR) put in
// front of every frame, and its conversion to and from OffloadInfo.
//
// Our own definition: <linux/virtio_net.h> does not compile as C++. Fields are in host byte
// order, which is what the kernel uses for these sockets on little-endian hosts (legacy
// virtio, no TUNSETVNETBE); we only support little-endian hosts.

#include <bit>
#include <cstdint>
#include <span>

#include "net/parse.hpp"
#include "packet/offload_info.hpp"

namespace sy {

static_assert(std::endian::native == std::endian::little,
              "virtio-net header fields are little-endian on the sockets we use");

struct VirtioNetHdr {
    static constexpr std::uint8_t kFlagNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
    static constexpr std::uint8_t kFlagDataValid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
    static constexpr std::uint8_t kGsoNone = 0;
    static constexpr std::uint8_t kGsoTcpv4 = 1;
    static constexpr std::uint8_t kGsoUdp = 3;
    static constexpr std::uint8_t kGsoTcpv6 = 4;
    static constexpr std::uint8_t kGsoUdpL4 = 5;
    static constexpr std::uint8_t kGsoEcn = 0x80;

    std::uint8_t flags = 0;
    std::uint8_t gso_type = kGsoNone;
    std::uint16_t hdr_len = 0;
    std::uint16_t gso_size = 0;
    std::uint16_t csum_start = 0;
    std::uint16_t csum_offset = 0;
};
static_assert(sizeof(VirtioNetHdr) == 10, "the kernel reads exactly 10 bytes");

enum class VnetDecodeStatus : std::uint8_t {
    ok,
    unknown_flags,            // a flag bit other than NEEDS_CSUM / DATA_VALID
    csum_start_beyond_frame,  // NEEDS_CSUM with csum_start >= frame length
    csum_field_beyond_frame,  // csum_start + csum_offset + 2 > frame length
    unsupported_gso_type,     // gso_type not one of NONE/TCPV4/TCPV6/UDP/UDP_L4
    ecn_without_gso,          // GSO_ECN on GSO_NONE
    gso_without_needs_csum,   // a super-frame with neither NEEDS_CSUM nor DATA_VALID
    gso_size_zero,            // GSO type set but segment size 0
    hdr_len_beyond_frame,     // GSO hdr_len larger than the frame
};
const char* to_string(VnetDecodeStatus s);

// Fills `out` from a header received with `frame`. On error `out` is left as none (no csum
// info, no GSO): the caller drops the packet and counts the reason (case 6).
// DATA_VALID alone gives `verified`; with NEEDS_CSUM, NEEDS_CSUM wins (like the kernel).
// A super-frame comes with NEEDS_CSUM (sent by a local stack: TSO) or DATA_VALID only (GRO'd
// on receive, checksums verified by GRO; the kernel's virtio_net_hdr_from_skb).
// hdr_len is kept as given: the virtio spec calls it a hint, and Linux fills it with the
// linear length of the skb, which may be more than the headers.
VnetDecodeStatus decode_vnet_hdr(const VirtioNetHdr& hdr, std::span<const std::uint8_t> frame,
                                 OffloadInfo& out);

// The header to send `info` with. DATA_VALID is set only for `verified` (never for `none`:
// the veth lesson, case 27). The caller has already made the metadata fit the egress port
// (tx_prepare): this is a plain mapping.
VirtioNetHdr encode_vnet_hdr(const OffloadInfo& info);

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
