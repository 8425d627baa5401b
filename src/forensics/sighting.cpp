#include "forensics/sighting.hpp"

#include <algorithm>
#include <cstring>

#include "base/bytes.hpp"
#include "net/ipv4.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"
#include "net/tcp.hpp"

namespace sy::forensics {
namespace {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    h ^= v + kMul + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

// TCP timestamp value: distinguishes retransmissions and duplicate ACKs (which share seq,
// ack and flags) and, unlike the full options, survives MSS clamping.
std::uint32_t tcp_tsval(std::span<const std::uint8_t> f, std::uint32_t l4, std::uint32_t hlen) {
    std::uint32_t off = l4 + 20;
    const std::uint32_t end = l4 + hlen;
    while (off < end && off < f.size()) {
        const std::uint8_t kind = f[off];
        if (kind == 0) break;
        if (kind == 1) {
            ++off;
            continue;
        }
        if (off + 1 >= end || off + 1 >= f.size()) break;
        const std::uint8_t len = f[off + 1];
        if (len < 2 || off + len > end || off + len > f.size()) break;
        if (kind == 8 && len == 10) return load_be32(&f[off + 2]);
        off += len;
    }
    return 0;
}

CsumState state_of(net::L4CsumVerdict v) {
    switch (v) {
        case net::L4CsumVerdict::good:
            return CsumState::good;
        case net::L4CsumVerdict::bad:
            return CsumState::bad;
        case net::L4CsumVerdict::partial_seed:
            return CsumState::partial;
        case net::L4CsumVerdict::zero_no_checksum:
            return CsumState::zero;
        case net::L4CsumVerdict::illegal_zero:
            return CsumState::illegal_zero;
        case net::L4CsumVerdict::unverifiable:
        case net::L4CsumVerdict::not_applicable:
            return CsumState::unverifiable;
    }
    return CsumState::unverifiable;
}

}  // namespace

const char* to_string(CsumState s) {
    switch (s) {
        case CsumState::good:
            return "good";
        case CsumState::bad:
            return "bad";
        case CsumState::partial:
            return "partial";
        case CsumState::zero:
            return "zero";
        case CsumState::illegal_zero:
            return "illegal-zero";
        case CsumState::unverifiable:
            return "unverifiable";
    }
    return "?";
}

std::uint64_t digest(const std::uint8_t* data, std::size_t size, std::uint64_t seed) {
    std::uint64_t h = seed ^ (size * kMul);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, data + i, 8);
        h = (h ^ v) * kMul;
        h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    if (i < size) std::memcpy(&tail, data + i, size - i);
    return mix(h, tail);
}

bool judges_inner(const net::ParsedHeaders& parsed) {
    if (parsed.tunnel == net::TunnelKind::none) return false;
    const net::HeaderLayers& in = parsed.inner;
    if (in.l3_kind != net::L3Kind::ipv4 && in.l3_kind != net::L3Kind::ipv6) return false;
    if (in.l3_end == net::kAbsent) return false;
    const bool later_fragment = in.is_fragment && !in.is_first_fragment;
    return later_fragment || (in.l4 != net::kAbsent && in.payload != net::kAbsent);
}

namespace {

// Addresses, TTL, IP ID and the IPv4 header checksum of one level.
void read_ip(std::span<const std::uint8_t> frame, const net::HeaderLayers& h, Flow& flow,
             std::uint8_t& ttl, std::uint16_t& ip_id, HeaderCsum& ip_header,
             std::uint16_t& ip_csum) {
    const std::uint8_t* ip = &frame[h.l3];
    flow.proto = h.ip_proto;
    if (h.l3_kind == net::L3Kind::ipv4) {
        flow.ip_version = 4;
        std::memcpy(flow.src.data(), ip + net::ipv4::kSrcOffset, 4);
        std::memcpy(flow.dst.data(), ip + net::ipv4::kDstOffset, 4);
        ttl = net::ipv4::ttl(ip);
        ip_id = net::ipv4::id(ip);
        ip_csum = net::ipv4::checksum(ip);
        ip_header = net::ipv4_header_checksum_ok(frame, h) ? HeaderCsum::good : HeaderCsum::bad;
    } else {
        flow.ip_version = 6;
        std::memcpy(flow.src.data(), ip + 8, 16);
        std::memcpy(flow.dst.data(), ip + 24, 16);
        ttl = ip[7];
    }
}

// The outer level of a tunnel frame judged as the inner one is: its UDP checksum, IP header.
Encap read_encap(std::span<const std::uint8_t> frame, const net::ParsedHeaders& parsed) {
    Encap e;
    const net::HeaderLayers& o = parsed.outer;
    e.tunnel = parsed.tunnel;
    e.vni = parsed.vni;
    if (parsed.tunnel == net::TunnelKind::geneve && parsed.tunnel_offset + 1 <= frame.size())
        e.options_length = static_cast<std::uint16_t>((frame[parsed.tunnel_offset] & 0x3F) * 4);
    read_ip(frame, o, e.flow, e.ttl, e.ip_id, e.ip_header, e.ip_csum);
    const std::uint8_t* udp = &frame[o.l4];
    e.flow.sport = load_be16(udp);
    e.flow.dport = load_be16(udp + 2);
    const net::L4CsumCheck check = net::check_l4_checksum(frame, o);
    e.state = state_of(check.verdict);
    e.csum = check.stored;
    const std::size_t end = std::min<std::size_t>(frame.size(), o.l3_end);
    e.payload_digest = end > o.payload ? digest(frame.data() + o.payload, end - o.payload) : 0;
    // A super-datagram repeats the tunnel header right after the first inner packet (equal
    // sized datagrams, so no padding between them).
    const std::uint32_t next = parsed.inner.l3_end;
    e.udp_gso = next != net::kAbsent && next + 8 <= end &&
                std::memcmp(&frame[next], &frame[parsed.tunnel_offset], 8) == 0;
    return e;
}

bool is_seed(CsumState s) {
    return s == CsumState::partial;
}

}  // namespace

ExtractResult extract_sighting(const capture::CapturedPacket& packet, std::uint32_t point) {
    ExtractResult result;
    if (!packet.is_ip) return result;
    const auto frame = packet.network_bytes();
    net::ParseOptions options;
    options.link = packet.parse_link;
    options.parse_tunnels = true;  // VXLAN/Geneve: the inner packet is judged and correlated
    const net::ParsedHeaders parsed = net::parse(frame, options);
    const bool inner = judges_inner(parsed);
    const net::HeaderLayers& h = inner ? parsed.inner : parsed.outer;
    if (h.l3_kind != net::L3Kind::ipv4 && h.l3_kind != net::L3Kind::ipv6) {
        const bool ip_cut = h.l3_kind == net::L3Kind::none && h.l3 != net::kAbsent;
        result.skipped = ip_cut ? SkipReason::unparsable : SkipReason::not_ip;
        return result;
    }
    // Without a whole IP header there is nothing to identify or check. (A tunnel whose inner
    // headers are cut is judged on its outer level: `inner` is false then.)
    if (!inner && parsed.tunnel == net::TunnelKind::none &&
        (parsed.status == net::ParseStatus::truncated_l3 ||
         parsed.status == net::ParseStatus::bad_l3)) {
        result.skipped = SkipReason::unparsable;
        return result;
    }
    const std::uint8_t proto = h.ip_proto;
    if (proto != net::kIpProtoTcp && proto != net::kIpProtoUdp && proto != net::kIpProtoIcmp &&
        proto != net::kIpProtoIcmpv6) {
        result.skipped = SkipReason::not_checked_protocol;
        return result;
    }
    const bool later_fragment = h.is_fragment && !h.is_first_fragment;
    if (!later_fragment && (h.l4 == net::kAbsent || h.payload == net::kAbsent)) {
        result.skipped = SkipReason::unparsable;  // L4 header cut or malformed
        return result;
    }
    Sighting s;
    s.point = point;
    s.record = packet.index;
    s.time_ns = packet.timestamp_ns;
    s.direction = packet.direction;
    s.kmark = packet.meta.kmark;
    s.switch_recorded = packet.has_meta && packet.meta.has_offload;
    s.switch_partial =
        packet.has_meta && packet.meta.has_offload && packet.meta.offload.is_partial();
    read_ip(frame, h, s.flow, s.ttl, s.ip_id, s.ip_header, s.ip_csum);
    std::uint64_t weak = mix(mix(proto, s.flow.ip_version), s.ip_id);
    if (inner) s.encap = read_encap(frame, parsed);
    if (later_fragment) {
        // No L4 header here: nothing to verify; identity from the IP header alone.
        s.state = CsumState::unverifiable;
        s.l4_length = h.l3_end != net::kAbsent && h.l4 != net::kAbsent ? h.l3_end - h.l4 : 0;
        s.weak_key = s.strong_key = mix(weak, 0xF4A6);
        result.sighting = s;
        return result;
    }
    if (h.l3_end == net::kAbsent || h.l3_end < h.payload) {
        result.skipped = SkipReason::unparsable;
        return result;
    }
    const std::uint8_t* l4 = &frame[h.l4];
    s.l4_length = h.l3_end - h.l4;
    s.l4_header_length = static_cast<std::uint16_t>(h.payload - h.l4);
    const net::L4CsumCheck check = net::check_l4_checksum(frame, h);
    s.state = state_of(check.verdict);
    s.csum = check.stored;
    if (inner && s.kmark != capture::KernelMark::unknown) {
        // One mark, two checksums: it is about the level holding the seed. With no seed at
        // either level (a sender that seeds differently) it stays with the inner packet, as
        // for a plain frame. The other level was recorded, unmarked.
        const bool outer_owns = is_seed(s.encap.state) && !is_seed(s.state);
        s.encap.kmark = outer_owns ? s.kmark : capture::KernelMark::none;
        if (outer_owns) s.kmark = capture::KernelMark::none;
    }
    const std::uint32_t payload_length = s.l4_length - s.l4_header_length;
    weak = mix(weak, payload_length);
    if (proto == net::kIpProtoTcp) {
        s.flow.sport = net::tcp::src_port(l4);
        s.flow.dport = net::tcp::dst_port(l4);
        s.tcp_flags = net::tcp::flags(l4);
        weak = mix(mix(mix(weak, net::tcp::seq(l4)), net::tcp::ack(l4)), s.tcp_flags);
        weak = mix(weak, tcp_tsval(frame, h.l4, s.l4_header_length));
    } else if (proto == net::kIpProtoUdp) {
        s.flow.sport = load_be16(l4);
        s.flow.dport = load_be16(l4 + 2);
    } else {
        weak = mix(weak, load_be16(l4));      // ICMP type/code
        weak = mix(weak, load_be32(l4 + 4));  // echo id/sequence
    }
    const std::size_t payload_end = std::min<std::size_t>(frame.size(), h.l3_end);
    const std::size_t captured_payload = payload_end > h.payload ? payload_end - h.payload : 0;
    s.payload_digest = digest(frame.data() + h.payload, captured_payload);
    s.weak_key = weak;
    s.strong_key = mix(weak, s.payload_digest);
    result.sighting = s;
    return result;
}

}  // namespace sy::forensics
