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

const char* to_string(OffloadCheck c) {
    switch (c) {
        case OffloadCheck::ok:
            return "ok";
        case OffloadCheck::datagram_truncated:
            return "IP datagram longer than the frame";
        case OffloadCheck::parse_failed:
            return "headers do not parse";
        case OffloadCheck::csum_start_beyond_frame:
            return "csum_start beyond frame";
        case OffloadCheck::csum_field_beyond_frame:
            return "checksum field beyond frame";
        case OffloadCheck::csum_start_not_l4:
            return "csum_start not at an L4 header";
        case OffloadCheck::csum_offset_mismatch:
            return "csum_offset does not match the L4 protocol";
        case OffloadCheck::csum_on_fragment:
            return "partial checksum on an IP fragment";
        case OffloadCheck::gso_without_partial:
            return "GSO without a partial checksum";
        case OffloadCheck::gso_size_zero:
            return "GSO with size 0";
        case OffloadCheck::gso_type_mismatch:
            return "GSO type does not match L3/L4";
        case OffloadCheck::gso_on_tunnel:
            return "GSO on an encapsulated frame";
        case OffloadCheck::gso_csum_not_l4:
            return "GSO checksum not at the segmented L4 header";
        case OffloadCheck::hdr_len_beyond_frame:
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

int l4_csum_field_offset(std::uint8_t ip_proto) {
    switch (ip_proto) {
        case net::kIpProtoTcp:
            return 16;
        case net::kIpProtoUdp:
            return 6;
        case net::kIpProtoSctp:
            return 8;
        case net::kIpProtoIcmp:
        case net::kIpProtoIcmpv6:
            return 2;
        default:
            return -1;
    }
}

const net::HeaderLayers* partial_csum_layers(const OffloadInfo& info,
                                             const net::ParsedHeaders& parsed) {
    if (!info.is_partial()) return nullptr;
    if (parsed.outer.l4 != net::kAbsent && parsed.outer.l4 == info.csum_start) {
        return &parsed.outer;
    }
    if (parsed.tunnel != net::TunnelKind::none && parsed.inner.l4 != net::kAbsent &&
        parsed.inner.l4 == info.csum_start) {
        return &parsed.inner;
    }
    return nullptr;
}

namespace {

OffloadCheck check_gso(const OffloadInfo& info, const net::ParsedHeaders& parsed,
                       std::uint32_t frame_len) {
    const GsoInfo& gso = info.gso;
    // A verified (GRO'd) super-frame may be segmented: its payload was checked as a whole.
    if (!info.is_partial() && !info.is_verified()) return OffloadCheck::gso_without_partial;
    if (gso.size == 0) return OffloadCheck::gso_size_zero;
    if (gso.hdr_len > frame_len) return OffloadCheck::hdr_len_beyond_frame;
    if (parsed.tunnel != net::TunnelKind::none) return OffloadCheck::gso_on_tunnel;
    const net::HeaderLayers& l = parsed.outer;
    if (l.is_fragment || l.l4 == net::kAbsent) return OffloadCheck::gso_type_mismatch;
    if (l.l3_end == net::kAbsent || l.l3_end > frame_len) return OffloadCheck::datagram_truncated;
    bool matches = false;
    switch (gso.type) {
        case GsoType::tcpv4:
            matches = l.l3_kind == net::L3Kind::ipv4 && l.ip_proto == net::kIpProtoTcp;
            break;
        case GsoType::tcpv6:
            matches = l.l3_kind == net::L3Kind::ipv6 && l.ip_proto == net::kIpProtoTcp;
            break;
        case GsoType::udp:
        case GsoType::udp_l4:
            matches = (l.l3_kind == net::L3Kind::ipv4 || l.l3_kind == net::L3Kind::ipv6) &&
                      l.ip_proto == net::kIpProtoUdp;
            break;
        case GsoType::none:
            break;
    }
    if (!matches) return OffloadCheck::gso_type_mismatch;
    if (info.is_partial() && info.csum_start != l.l4) return OffloadCheck::gso_csum_not_l4;
    return OffloadCheck::ok;
}

}  // namespace

OffloadCheck check_offload(const OffloadInfo& info, const net::ParsedHeaders& parsed,
                           std::uint32_t frame_len) {
    if (!info.is_partial() && !info.gso.active()) return OffloadCheck::ok;
    if (info.is_partial()) {
        if (info.csum_start >= frame_len) return OffloadCheck::csum_start_beyond_frame;
        if (std::uint32_t{info.csum_start} + info.csum_offset + 2 > frame_len) {
            return OffloadCheck::csum_field_beyond_frame;
        }
    }
    if (!parsed.ok()) return OffloadCheck::parse_failed;
    if (info.is_partial()) {
        const net::HeaderLayers* layers = partial_csum_layers(info, parsed);
        if (layers == nullptr) {
            if (parsed.outer.is_fragment) return OffloadCheck::csum_on_fragment;
            return OffloadCheck::csum_start_not_l4;
        }
        if (layers->is_fragment) return OffloadCheck::csum_on_fragment;
        if (layers->l3_end == net::kAbsent || layers->l3_end > frame_len) {
            return OffloadCheck::datagram_truncated;
        }
        if (l4_csum_field_offset(layers->ip_proto) != int{info.csum_offset}) {
            return OffloadCheck::csum_offset_mismatch;
        }
    }
    if (info.gso.active()) return check_gso(info, parsed, frame_len);
    return OffloadCheck::ok;
}

}  // namespace sy
