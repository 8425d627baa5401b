#include "packet/vnet_hdr.hpp"

namespace sy {

const char* to_string(VnetDecodeStatus s) {
    switch (s) {
        case VnetDecodeStatus::ok:
            return "ok";
        case VnetDecodeStatus::unknown_flags:
            return "unknown vnet header flags";
        case VnetDecodeStatus::csum_start_beyond_frame:
            return "csum_start beyond frame";
        case VnetDecodeStatus::csum_field_beyond_frame:
            return "csum_start+csum_offset+2 > len";
        case VnetDecodeStatus::unsupported_gso_type:
            return "unsupported gso type";
        case VnetDecodeStatus::ecn_without_gso:
            return "GSO_ECN without a GSO type";
        case VnetDecodeStatus::gso_without_needs_csum:
            return "GSO without NEEDS_CSUM";
        case VnetDecodeStatus::gso_size_zero:
            return "GSO with gso_size 0";
        case VnetDecodeStatus::hdr_len_beyond_frame:
            return "hdr_len beyond frame";
    }
    return "?";
}

namespace {

bool gso_from_wire(std::uint8_t wire, GsoType& type) {
    switch (wire) {
        case VirtioNetHdr::kGsoNone:
            type = GsoType::none;
            return true;
        case VirtioNetHdr::kGsoTcpv4:
            type = GsoType::tcpv4;
            return true;
        case VirtioNetHdr::kGsoTcpv6:
            type = GsoType::tcpv6;
            return true;
        case VirtioNetHdr::kGsoUdp:
            type = GsoType::udp;
            return true;
        case VirtioNetHdr::kGsoUdpL4:
            type = GsoType::udp_l4;
            return true;
        default:
            return false;
    }
}

std::uint8_t gso_to_wire(GsoType type) {
    switch (type) {
        case GsoType::none:
            return VirtioNetHdr::kGsoNone;
        case GsoType::tcpv4:
            return VirtioNetHdr::kGsoTcpv4;
        case GsoType::tcpv6:
            return VirtioNetHdr::kGsoTcpv6;
        case GsoType::udp:
            return VirtioNetHdr::kGsoUdp;
        case GsoType::udp_l4:
            return VirtioNetHdr::kGsoUdpL4;
    }
    return VirtioNetHdr::kGsoNone;
}

}  // namespace

VnetDecodeStatus decode_vnet_hdr(const VirtioNetHdr& hdr, std::span<const std::uint8_t> frame,
                                 OffloadInfo& out) {
    out = OffloadInfo{};
    constexpr std::uint8_t kKnownFlags =
        VirtioNetHdr::kFlagNeedsCsum | VirtioNetHdr::kFlagDataValid;
    if (hdr.flags & ~kKnownFlags) return VnetDecodeStatus::unknown_flags;

    GsoType gso_type = GsoType::none;
    if (!gso_from_wire(hdr.gso_type & ~VirtioNetHdr::kGsoEcn, gso_type)) {
        return VnetDecodeStatus::unsupported_gso_type;
    }
    const bool ecn = (hdr.gso_type & VirtioNetHdr::kGsoEcn) != 0;
    if (ecn && gso_type == GsoType::none) return VnetDecodeStatus::ecn_without_gso;

    const bool needs_csum = (hdr.flags & VirtioNetHdr::kFlagNeedsCsum) != 0;
    const std::size_t len = frame.size();
    if (needs_csum) {
        if (hdr.csum_start >= len) return VnetDecodeStatus::csum_start_beyond_frame;
        if (std::size_t{hdr.csum_start} + hdr.csum_offset + 2 > len) {
            return VnetDecodeStatus::csum_field_beyond_frame;
        }
    }
    if (gso_type != GsoType::none) {
        if (!needs_csum && !(hdr.flags & VirtioNetHdr::kFlagDataValid)) {
            return VnetDecodeStatus::gso_without_needs_csum;
        }
        if (hdr.gso_size == 0) return VnetDecodeStatus::gso_size_zero;
        if (hdr.hdr_len > len) return VnetDecodeStatus::hdr_len_beyond_frame;
    }

    OffloadInfo info;
    if (needs_csum) {
        info.csum = CsumState::partial;
        info.csum_start = hdr.csum_start;
        info.csum_offset = hdr.csum_offset;
    } else if (hdr.flags & VirtioNetHdr::kFlagDataValid) {
        info.csum = CsumState::verified;
    }
    if (gso_type != GsoType::none) {
        info.gso.type = gso_type;
        info.gso.ecn = ecn;
        info.gso.size = hdr.gso_size;
        info.gso.hdr_len = hdr.hdr_len;
    }
    out = info;
    return VnetDecodeStatus::ok;
}

VirtioNetHdr encode_vnet_hdr(const OffloadInfo& info) {
    VirtioNetHdr hdr;
    switch (info.csum) {
        case CsumState::partial:
            hdr.flags = VirtioNetHdr::kFlagNeedsCsum;
            hdr.csum_start = info.csum_start;
            hdr.csum_offset = info.csum_offset;
            break;
        case CsumState::verified:
            hdr.flags = VirtioNetHdr::kFlagDataValid;
            break;
        case CsumState::none:
            break;  // flags 0: the receiver checks the checksum itself
    }
    if (info.gso.active()) {
        hdr.gso_type = gso_to_wire(info.gso.type);
        if (info.gso.ecn) hdr.gso_type |= VirtioNetHdr::kGsoEcn;
        hdr.gso_size = info.gso.size;
        hdr.hdr_len = info.gso.hdr_len;
    }
    return hdr;
}

}  // namespace sy
