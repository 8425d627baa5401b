#pragma once
// Checksum and segmentation metadata carried with every packet (docs/checksum-contract.md;
// the cases it must survive: docs/checksum-cases.md). Modelled on the kernel's ip_summed and struct virtio_net_hdr, but kept as a
// typed value so no stage can confuse "unknown" with "verified".

#include <cstdint>

namespace sy {

// State of the (innermost offloadable) L4 checksum.
enum class CsumState : std::uint8_t {
    none,      // nothing known: the field holds whatever the sender wrote, maybe garbage
    partial,   // the field holds the folded pseudo-header sum; someone must finish it
    verified,  // a trustworthy party checked the full L4 checksum and it was right
};

enum class GsoType : std::uint8_t {
    none,
    tcpv4,
    tcpv6,
    udp,     // UFO: one UDP datagram split into IP fragments (VIRTIO_NET_HDR_GSO_UDP)
    udp_l4,  // USO: a UDP super-frame split into independent datagrams
};

struct GsoInfo {
    GsoType type = GsoType::none;
    bool ecn = false;           // VIRTIO_NET_HDR_GSO_ECN: the super-frame carries CWR
    std::uint16_t size = 0;     // payload bytes per segment (MSS for TCP)
    std::uint16_t hdr_len = 0;  // bytes of headers in front of the payload

    bool active() const { return type != GsoType::none; }
};

struct OffloadInfo {
    CsumState csum = CsumState::none;
    // Meaningful only when csum == partial: offsets from the first byte of the frame.
    // Like the kernel, we sum [csum_start, end) and store at csum_start + csum_offset.
    std::uint16_t csum_start = 0;
    std::uint16_t csum_offset = 0;
    GsoInfo gso{};

    bool is_partial() const { return csum == CsumState::partial; }
    bool is_verified() const { return csum == CsumState::verified; }
};

}  // namespace sy
