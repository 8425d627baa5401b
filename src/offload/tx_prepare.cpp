#include "offload/tx_prepare.hpp"

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/l4_checksum.hpp"
#include "offload/csum_complete.hpp"
#include "offload/gso.hpp"
#include "packet/offload_check.hpp"

namespace sy::offload {

const char* to_string(TxDropReason r) {
    switch (r) {
        case TxDropReason::none:
            return "none";
        case TxDropReason::unparseable:
            return "unparseable";
        case TxDropReason::bad_csum_metadata:
            return "bad_csum_metadata";
        case TxDropReason::bad_gso_metadata:
            return "bad_gso_metadata";
        case TxDropReason::unsupported_gso:
            return "unsupported_gso";
        case TxDropReason::oversize:
            return "oversize";
        case TxDropReason::gso_segment_exceeds_mtu:
            return "gso_segment_exceeds_mtu";
        case TxDropReason::too_many_segments:
            return "too_many_segments";
        case TxDropReason::segment_too_big:
            return "segment_too_big";
        case TxDropReason::pool_exhausted:
            return "pool_exhausted";
        case TxDropReason::count_:
            break;
    }
    return "?";
}

std::uint64_t TxCounters::dropped_total() const {
    std::uint64_t total = 0;
    for (std::uint64_t d : drops) total += d;
    return total;
}

namespace {

TxDropReason drop_reason_for(OffloadCheck c) {
    switch (c) {
        case OffloadCheck::ok:
        case OffloadCheck::csum_start_not_l4:
            return TxDropReason::none;
        case OffloadCheck::parse_failed:
        case OffloadCheck::datagram_truncated:
            return TxDropReason::unparseable;
        case OffloadCheck::csum_start_beyond_frame:
        case OffloadCheck::csum_field_beyond_frame:
        case OffloadCheck::csum_offset_mismatch:
        case OffloadCheck::csum_on_fragment:
            return TxDropReason::bad_csum_metadata;
        case OffloadCheck::gso_on_tunnel:
            return TxDropReason::unsupported_gso;
        case OffloadCheck::gso_without_partial:
        case OffloadCheck::gso_size_zero:
        case OffloadCheck::gso_type_mismatch:
        case OffloadCheck::gso_csum_not_l4:
        case OffloadCheck::hdr_len_beyond_frame:
            return TxDropReason::bad_gso_metadata;
    }
    return TxDropReason::bad_csum_metadata;
}

TxDropReason drop_reason_for(GsoStatus s) {
    switch (s) {
        case GsoStatus::ok:
            return TxDropReason::none;
        case GsoStatus::not_gso:
        case GsoStatus::bad_headers:
            return TxDropReason::bad_gso_metadata;
        case GsoStatus::unsupported_type:
            return TxDropReason::unsupported_gso;
        case GsoStatus::segment_too_big:
            return TxDropReason::segment_too_big;
        case GsoStatus::too_many_segments:
            return TxDropReason::too_many_segments;
        case GsoStatus::pool_exhausted:
            return TxDropReason::pool_exhausted;
    }
    return TxDropReason::bad_gso_metadata;
}

// Bytes in front of the IP header: Ethernet plus VLAN tags.
std::uint32_t l2_length(const net::ParsedHeaders& parsed) {
    if (parsed.outer.l3 != net::kAbsent) return parsed.outer.l3;
    return 14 + 4u * parsed.outer.vlan_count;
}

// Rewrite the seed from the current headers: whatever happened to the packet since it was
// received (rewrites, VLAN changes), the port gets the seed it expects. The length is the
// whole L4 length, the Linux convention (a DPDK port must take it out for TSO).
void reseed(Packet& p, const net::HeaderLayers& l) {
    net::write_l4_partial_seed(p.bytes(), l);
}

}  // namespace

TxResult TxPreparer::drop(TxDropReason r) {
    ++counters_.drops[static_cast<std::size_t>(r)];
    return {0, r, false};
}

TxResult TxPreparer::forward(Packet& p, std::span<Packet*> out) {
    out[0] = &p;
    return {1, TxDropReason::none, true};
}

TxResult TxPreparer::prepare(Packet& p, std::span<Packet*> out) {
    ++counters_.packets;
    if (out.empty()) return drop(TxDropReason::too_many_segments);
    OffloadInfo& info = p.offload;
    const std::uint32_t mtu = caps_.mtu;

    if (!info.is_partial() && !info.gso.active()) {
        // The common case: parse only when the length needs the L2 header size.
        if (mtu != 0 && p.length > mtu + 14) {
            const net::ParsedHeaders& parsed = ensure_parsed(p);
            if (p.length > mtu + l2_length(parsed)) return drop(TxDropReason::oversize);
        }
        if (info.is_verified()) {
            if (caps_.accepts_verified_mark) {
                ++counters_.verified_kept;
            } else {
                info.csum = CsumState::none;
                ++counters_.verified_unmarked;
            }
        }
        return forward(p, out);
    }

    const net::ParsedHeaders& parsed = ensure_parsed(p);
    const OffloadCheck check = check_offload(info, parsed, p.length);
    if (info.gso.active()) {
        if (check == OffloadCheck::csum_start_not_l4) return drop(TxDropReason::bad_gso_metadata);
        if (check != OffloadCheck::ok) return drop(drop_reason_for(check));
        return prepare_gso(p, parsed, out);
    }
    if (check != OffloadCheck::ok && check != OffloadCheck::csum_start_not_l4) {
        return drop(drop_reason_for(check));
    }
    if (mtu != 0 && p.length > mtu + l2_length(parsed)) return drop(TxDropReason::oversize);
    return prepare_partial(p, parsed, out);
}

TxResult TxPreparer::prepare_partial(Packet& p, const net::ParsedHeaders& parsed,
                                     std::span<Packet*> out) {
    const net::HeaderLayers* layers = partial_csum_layers(p.offload, parsed);
    const bool port_finishes =
        caps_.l4_csum && layers == &parsed.outer &&
        (layers->ip_proto == net::kIpProtoTcp || layers->ip_proto == net::kIpProtoUdp);
    if (port_finishes) {
        reseed(p, *layers);
        ++counters_.csum_passed;
        return forward(p, out);
    }
    // No offload, a tunnel's inner header (case 5), SCTP (case 15), ICMP: finish it here.
    if (complete_partial(p, parsed) != CompleteStatus::ok) {
        return drop(TxDropReason::bad_csum_metadata);
    }
    ++counters_.csum_sw_l4;
    return forward(p, out);
}

TxResult TxPreparer::prepare_gso(Packet& p, const net::ParsedHeaders& parsed,
                                 std::span<Packet*> out) {
    GsoInfo& gso = p.offload.gso;
    if (gso.type == GsoType::udp) return drop(TxDropReason::unsupported_gso);
    const net::HeaderLayers& l = parsed.outer;
    const std::uint32_t l3_l4_headers = l.payload - l.l3;
    const bool tcp = gso.type != GsoType::udp_l4;
    std::uint32_t size = gso.size;
    bool resized = false;
    if (caps_.mtu != 0 && l3_l4_headers + size > caps_.mtu) {
        // TCP segments may be any size; UDP datagram boundaries belong to the application.
        if (!tcp || l3_l4_headers >= caps_.mtu) return drop(TxDropReason::gso_segment_exceeds_mtu);
        size = caps_.mtu - l3_l4_headers;
        resized = true;
    }

    if (p.offload.is_verified()) {
        // GRO'd on receive (DATA_VALID): the payload was checked, so the segments' checksums
        // may be computed afresh. Pose it as the partial super-frame a local stack sends,
        // seed included: the one-segment path below completes the field as it stands.
        p.offload.csum = CsumState::partial;
        p.offload.csum_start = static_cast<std::uint16_t>(l.l4);
        p.offload.csum_offset = static_cast<std::uint16_t>(tcp ? 16 : 6);
        reseed(p, l);
    }
    const bool port_takes = caps_.l4_csum && ((gso.type == GsoType::tcpv4 && caps_.tso4) ||
                                              (gso.type == GsoType::tcpv6 && caps_.tso6) ||
                                              (gso.type == GsoType::udp_l4 && caps_.uso));
    if (port_takes) {
        gso.size = static_cast<std::uint16_t>(size);
        gso.hdr_len = static_cast<std::uint16_t>(l.payload);  // was a hint; now exact
        reseed(p, l);
        if (resized) ++counters_.gso_resized;
        ++counters_.gso_passed;
        return forward(p, out);
    }

    if (l.l3_end - l.payload <= size) {
        // One segment: it is the super-frame itself (same lengths, ID, seq and flags), so
        // drop the GSO mark and treat it as a partial packet, without a copy.
        gso = GsoInfo{};
        ++counters_.gso_sw;
        ++counters_.segments;
        return prepare_partial(p, parsed, out);
    }
    GsoOptions options;
    options.segment_size = static_cast<std::uint16_t>(size);
    options.leave_partial = caps_.l4_csum;
    const GsoResult r = gso_segment(p, parsed, *pool_, out, options);
    if (r.status != GsoStatus::ok) return drop(drop_reason_for(r.status));
    if (resized) ++counters_.gso_resized;
    ++counters_.gso_sw;
    counters_.segments += r.count;
    if (l.l3_kind == net::L3Kind::ipv4) counters_.csum_sw_ip += r.count;
    if (!options.leave_partial) counters_.csum_sw_l4 += r.count;
    return {r.count, TxDropReason::none, false};
}

}  // namespace sy::offload
