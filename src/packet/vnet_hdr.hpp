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

#include "packet/offload_check.hpp"  // check_offload, once declared here
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

}  // namespace sy
