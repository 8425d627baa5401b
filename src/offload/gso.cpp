#include "offload/gso.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "offload/pseudo_header.hpp"

namespace sy::offload {

const char* to_string(GsoStatus s) {
    switch (s) {
        case GsoStatus::ok:
            return "ok";
        case GsoStatus::not_gso:
            return "not a GSO packet";
        case GsoStatus::unsupported_type:
            return "unsupported GSO type";
        case GsoStatus::bad_headers:
            return "headers do not match the GSO type";
        case GsoStatus::segment_too_big:
            return "segment does not fit a buffer";
        case GsoStatus::too_many_segments:
            return "too many segments for the output";
        case GsoStatus::pool_exhausted:
            return "packet pool exhausted";
    }
    return "?";
}

namespace {

constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpPsh = 0x08;
constexpr std::uint8_t kTcpCwr = 0x80;

bool headers_match(GsoType type, const net::HeaderLayers& l) {
    if (l.is_fragment || l.l4 == net::kAbsent || l.payload == net::kAbsent ||
        l.l3_end == net::kAbsent || l.l3_end < l.payload) {
        return false;
    }
    switch (type) {
        case GsoType::tcpv4:
            return l.l3_kind == net::L3Kind::ipv4 && l.ip_proto == net::kIpProtoTcp;
        case GsoType::tcpv6:
            return l.l3_kind == net::L3Kind::ipv6 && l.ip_proto == net::kIpProtoTcp;
        case GsoType::udp_l4:
            return (l.l3_kind == net::L3Kind::ipv4 || l.l3_kind == net::L3Kind::ipv6) &&
                   l.ip_proto == net::kIpProtoUdp;
        default:
            return false;
    }
}

struct SegmentPlan {
    const net::HeaderLayers* l;
    std::uint32_t hdr_end;      // first payload byte (= all headers)
    std::uint32_t payload_len;  // L4 payload of the super-frame
    std::uint32_t size;         // payload per segment
    std::uint32_t count;
    bool tcp;
    bool leave_partial;
    std::uint16_t ip_id;  // IPv4 ID of the super-frame
    std::uint32_t seq;    // TCP sequence number of the super-frame
};

// Fix lengths, IDs, flags and checksums of segment i, whose bytes are already in place.
void finish_segment(Packet& s, const SegmentPlan& plan, std::uint32_t i, std::uint32_t chunk) {
    const net::HeaderLayers& l = *plan.l;
    std::uint8_t* f = s.data();
    std::uint8_t* ip = f + l.l3;
    std::uint8_t* l4 = f + l.l4;
    const std::uint32_t l4_len = plan.hdr_end - l.l4 + chunk;

    if (l.l3_kind == net::L3Kind::ipv4) {
        store_be16(ip + 2, static_cast<std::uint16_t>(plan.hdr_end - l.l3 + chunk));
        store_be16(ip + 4, static_cast<std::uint16_t>(plan.ip_id + i));
        store_be16(ip + 10, 0);
        store_be16(ip + 10, net::ipv4_header_checksum(ip, l.l4 - l.l3));
    } else {
        store_be16(ip + 4, static_cast<std::uint16_t>(plan.hdr_end - l.l3 - 40 + chunk));
    }

    int csum_at = 6;
    if (plan.tcp) {
        csum_at = 16;
        store_be32(l4 + 4, plan.seq + i * plan.size);
        std::uint8_t flags = l4[13];
        if (i + 1 != plan.count) flags &= static_cast<std::uint8_t>(~(kTcpFin | kTcpPsh));
        if (i != 0) flags &= static_cast<std::uint8_t>(~kTcpCwr);
        l4[13] = flags;
    } else {
        store_be16(l4 + 4, static_cast<std::uint16_t>(l4_len));
    }

    const std::uint32_t pseudo = pseudo_sum(s.bytes(), l, l4_len);
    if (plan.leave_partial) {
        store_be16(l4 + csum_at, net::partial_seed(pseudo));
        s.offload.csum = CsumState::partial;
        s.offload.csum_start = static_cast<std::uint16_t>(l.l4);
        s.offload.csum_offset = static_cast<std::uint16_t>(csum_at);
        return;
    }
    store_be16(l4 + csum_at, 0);
    // Headers are a multiple of 4 bytes long, so the payload sum continues at an even offset.
    std::uint32_t sum = net::raw_sum({l4, plan.hdr_end - l.l4}, pseudo);
    sum = net::raw_sum({f + plan.hdr_end, chunk}, sum);
    std::uint16_t csum = net::finish(sum);
    if (!plan.tcp && csum == 0) csum = 0xFFFF;
    store_be16(l4 + csum_at, csum);
    s.offload.csum = CsumState::none;
}

}  // namespace

GsoResult gso_segment(const Packet& super, const net::ParsedHeaders& parsed, PacketPool& pool,
                      std::span<Packet*> out, const GsoOptions& options) {
    const GsoInfo& gso = super.offload.gso;
    if (!gso.active()) return {GsoStatus::not_gso, 0};
    if (gso.type == GsoType::udp || parsed.tunnel != net::TunnelKind::none) {
        return {GsoStatus::unsupported_type, 0};
    }
    if (!parsed.ok() || !headers_match(gso.type, parsed.outer) ||
        parsed.outer.l3_end > super.length) {
        return {GsoStatus::bad_headers, 0};
    }
    SegmentPlan plan{};
    plan.l = &parsed.outer;
    plan.hdr_end = parsed.outer.payload;
    plan.payload_len = parsed.outer.l3_end - plan.hdr_end;
    plan.size = options.segment_size != 0 ? options.segment_size : gso.size;
    if (plan.size == 0) return {GsoStatus::bad_headers, 0};
    plan.count = gso_segment_count(plan.payload_len, plan.size);
    plan.tcp = gso.type != GsoType::udp_l4;
    plan.leave_partial = options.leave_partial;
    const std::uint8_t* src = super.data();
    if (parsed.outer.l3_kind == net::L3Kind::ipv4) plan.ip_id = load_be16(src + plan.l->l3 + 4);
    if (plan.tcp) plan.seq = load_be32(src + plan.l->l4 + 4);

    if (plan.count > out.size()) return {GsoStatus::too_many_segments, 0};
    if (plan.hdr_end + plan.size > pool.max_frame()) return {GsoStatus::segment_too_big, 0};

    for (std::uint32_t i = 0; i < plan.count; ++i) {
        Packet* s = pool.alloc();
        if (s == nullptr) {
            for (std::uint32_t j = 0; j < i; ++j) pool.free(out[j]);
            return {GsoStatus::pool_exhausted, 0};
        }
        const std::uint32_t done = i * plan.size;
        const std::uint32_t chunk =
            plan.payload_len - done < plan.size ? plan.payload_len - done : plan.size;
        s->resize(plan.hdr_end + chunk);
        std::memcpy(s->data(), src, plan.hdr_end);
        std::memcpy(s->data() + plan.hdr_end, src + plan.hdr_end + done, chunk);
        s->in_port = super.in_port;
        finish_segment(*s, plan, i, chunk);
        out[i] = s;
    }
    return {GsoStatus::ok, plan.count};
}

}  // namespace sy::offload
