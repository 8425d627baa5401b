#include "packet/offload_check.hpp"

namespace sy {

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
