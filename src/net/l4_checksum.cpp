// L4 checksum verification and computation over parsed header offsets. The layers may come
// from anywhere (a failed parse, a fuzzer), so every offset is re-checked against the span.
#include "net/l4_checksum.hpp"

#include "net/checksum.hpp"
#include "net/checksum_update.hpp"
#include "net/ipv4.hpp"
#include "net/ipv6.hpp"
#include "net/tcp.hpp"
#include "net/udp.hpp"

namespace sy::net {
namespace {

using ConstFrame = std::span<const std::uint8_t>;

bool has(ConstFrame f, std::size_t off, std::size_t n) {
    return off <= f.size() && n <= f.size() - off;
}

// The L4 segment of a parsed level: where it starts, how long the checksum says it is, and
// the IP header the pseudo-header comes from.
struct Segment {
    std::uint8_t proto = 0;
    std::uint32_t l3 = 0;
    std::uint32_t l4 = 0;
    std::uint32_t length = 0;  // L4 header + payload covered by the checksum
    std::uint32_t field = 0;   // offset of the checksum field inside the L4 header
    bool ipv6 = false;
    bool fragment = false;
    bool later_fragment = false;  // no L4 header in this fragment
    bool complete = false;        // all `length` bytes are inside the frame
};

// Whether `layers` describes a checksummed L4 segment whose IP header and L4 header (up to
// and including the checksum field) are inside the frame.
bool locate(ConstFrame f, const HeaderLayers& h, Segment& s) {
    if (h.l3_kind != L3Kind::ipv4 && h.l3_kind != L3Kind::ipv6) return false;
    s.ipv6 = h.l3_kind == L3Kind::ipv6;
    s.proto = h.ip_proto;
    const bool known = s.proto == kIpProtoTcp || s.proto == kIpProtoUdp ||
                       (s.proto == kIpProtoIcmp && !s.ipv6) ||
                       (s.proto == kIpProtoIcmpv6 && s.ipv6);
    if (!known) return false;
    s.field = l4_checksum_field_offset(s.proto);
    s.l3 = h.l3;
    s.fragment = h.is_fragment;
    if (!has(f, h.l3, s.ipv6 ? ipv6::kHeaderLen : ipv4::kMinHeaderLen)) return false;
    if (h.l4 == kAbsent || h.l3_end == kAbsent || h.l4 < h.l3 || h.l4 > h.l3_end) {
        s.later_fragment = s.fragment;  // known protocol, nothing to read
        return s.later_fragment;
    }
    s.l4 = h.l4;
    if (!has(f, s.l4, s.field + 2)) return false;
    s.length = h.l3_end - h.l4;
    if (s.proto == kIpProtoUdp && has(f, s.l4, udp::kHeaderLen)) {
        // UDP covers its own length, which may be shorter than the IP payload.
        const std::uint16_t ulen = udp::length(&f[s.l4]);
        if (ulen >= udp::kHeaderLen && ulen <= s.length) s.length = ulen;
    }
    if (s.length < s.field + 2) return false;  // inconsistent layers: field outside the datagram
    s.complete = h.l3_end <= f.size();
    return true;
}

// Offset of the destination for the IPv6 pseudo-header: the final one named by a routing
// header that still has segments left (RFC 8200 section 8.1), else the header's own. Type 4
// (SRH, RFC 8754) lists segments in reverse, so its final destination is entry 0. Walks the
// extension headers in front of `l4` (kAbsent: all of them).
std::uint32_t pseudo_destination_offset(ConstFrame f, std::uint32_t l3, std::uint32_t l4) {
    std::uint32_t dst = l3 + ipv6::kDstOffset;
    std::uint8_t next = ipv6::next_header(&f[l3]);
    std::uint32_t cur = l3 + ipv6::kHeaderLen;
    while (ipv6::is_extension_header(next) && cur < l4 && has(f, cur, ipv6::kMinExtHeaderLen)) {
        const std::uint32_t len = ipv6::extension_header_len(next, &f[cur]);
        if (!has(f, cur, len)) break;
        if (next == ipv6::kRouting) {
            const std::uint8_t type = f[cur + 2];
            const std::uint8_t segments_left = f[cur + 3];
            const std::uint32_t count = (len - 8) / ipv6::kAddrLen;
            if (segments_left != 0 && count != 0) {
                dst = cur + 8 + (type == 4 ? 0 : (count - 1) * ipv6::kAddrLen);
            }
        }
        next = f[cur];
        cur += len;
    }
    return dst;
}

std::uint32_t pseudo_sum(ConstFrame f, const Segment& s) {
    if (s.proto == kIpProtoIcmp) return 0;
    if (!s.ipv6) return ipv4_pseudo_sum(&f[s.l3], s.proto, s.length);
    // Build the sum from source + final destination; ipv6_pseudo_sum reads both from a
    // header, so assemble the two addresses next to each other.
    std::uint8_t addrs[8 + 32] = {};
    const std::uint8_t* src = &f[s.l3 + ipv6::kSrcOffset];
    const std::uint8_t* dst = &f[pseudo_destination_offset(f, s.l3, s.l4)];
    for (int i = 0; i < 16; ++i) {
        addrs[8 + i] = src[i];
        addrs[24 + i] = dst[i];
    }
    return ipv6_pseudo_sum(addrs, s.proto, s.length);
}

// Full checksum of a complete segment, with the stored field counted as zero.
std::uint16_t compute(ConstFrame f, const Segment& s) {
    std::uint32_t sum = pseudo_sum(f, s);
    sum = raw_sum(f.subspan(s.l4, s.field), sum);  // field offsets are even: split is exact
    sum = raw_sum(f.subspan(s.l4 + s.field + 2, s.length - s.field - 2), sum);
    return finish(sum);
}

}  // namespace

const char* to_string(L4CsumVerdict v) {
    switch (v) {
        case L4CsumVerdict::good:
            return "good";
        case L4CsumVerdict::bad:
            return "bad";
        case L4CsumVerdict::partial_seed:
            return "partial_seed";
        case L4CsumVerdict::zero_no_checksum:
            return "zero_no_checksum";
        case L4CsumVerdict::illegal_zero:
            return "illegal_zero";
        case L4CsumVerdict::unverifiable:
            return "unverifiable";
        case L4CsumVerdict::not_applicable:
            return "not_applicable";
    }
    return "unknown";
}

std::uint32_t l4_checksum_field_offset(std::uint8_t ip_proto) {
    switch (ip_proto) {
        case kIpProtoTcp:
            return tcp::kChecksumOffset;
        case kIpProtoUdp:
            return udp::kChecksumOffset;
        case kIpProtoIcmp:
        case kIpProtoIcmpv6:
            return 2;
        default:
            return kAbsent;
    }
}

L4CsumCheck check_l4_checksum(std::span<const std::uint8_t> frame, const HeaderLayers& layers) {
    L4CsumCheck out;
    Segment s;
    if (!locate(frame, layers, s)) return out;
    out.verdict = L4CsumVerdict::unverifiable;
    if (s.later_fragment) return out;
    out.stored = load_be16(&frame[s.l4 + s.field]);
    // A UDP zero is a statement about the checksum, readable even in a fragment.
    if (s.proto == kIpProtoUdp && out.stored == udp::kNoChecksum) {
        out.verdict = s.ipv6 ? L4CsumVerdict::illegal_zero : L4CsumVerdict::zero_no_checksum;
        return out;
    }
    if (s.fragment || !s.complete || !has(frame, s.l4, s.length)) return out;
    const std::uint32_t pseudo = pseudo_sum(frame, s);
    out.seed = s.proto == kIpProtoIcmp ? 0 : partial_seed(pseudo);
    const std::uint16_t computed = compute(frame, s);
    out.expected = s.proto == kIpProtoUdp ? udp_wire_checksum(computed) : computed;
    // 0x0000 and 0xFFFF are the same one's-complement number: a receiver accepts either
    // when the computed value is 0 (and UDP must send 0xFFFF).
    if (out.stored == computed || (computed == 0 && out.stored == 0xFFFF)) {
        out.verdict = L4CsumVerdict::good;
    } else if (s.proto != kIpProtoIcmp && out.stored == out.seed) {
        out.verdict = L4CsumVerdict::partial_seed;
    } else {
        out.verdict = L4CsumVerdict::bad;
    }
    return out;
}

std::uint32_t l4_pseudo_sum(std::span<const std::uint8_t> frame, const HeaderLayers& layers) {
    Segment s;
    if (!locate(frame, layers, s) || s.later_fragment) return 0;
    return pseudo_sum(frame, s);
}

std::uint32_t ipv6_pseudo_destination_offset(std::span<const std::uint8_t> frame,
                                             const HeaderLayers& layers) {
    if (layers.l3_kind != L3Kind::ipv6 || !has(frame, layers.l3, ipv6::kHeaderLen)) return kAbsent;
    return pseudo_destination_offset(frame, layers.l3, layers.l4);
}

bool write_l4_checksum(std::span<std::uint8_t> frame, const HeaderLayers& layers) {
    Segment s;
    const ConstFrame f = frame;
    if (!locate(f, layers, s) || s.fragment) return false;
    if (!s.complete || !has(f, s.l4, s.length)) return false;
    std::uint16_t c = compute(f, s);
    if (s.proto == kIpProtoUdp) c = udp_wire_checksum(c);
    store_be16(&frame[s.l4 + s.field], c);
    return true;
}

bool write_l4_partial_seed(std::span<std::uint8_t> frame, const HeaderLayers& layers) {
    Segment s;
    const ConstFrame f = frame;
    if (!locate(f, layers, s) || s.later_fragment || s.proto == kIpProtoIcmp) return false;
    store_be16(&frame[s.l4 + s.field], partial_seed(pseudo_sum(f, s)));
    return true;
}

bool write_ipv4_header_checksum(std::span<std::uint8_t> frame, const HeaderLayers& layers) {
    if (layers.l3_kind != L3Kind::ipv4 || !has(frame, layers.l3, ipv4::kMinHeaderLen)) return false;
    std::uint8_t* ip = &frame[layers.l3];
    const std::uint32_t ihl = ipv4::header_len(ip);
    if (ihl < ipv4::kMinHeaderLen || !has(frame, layers.l3, ihl)) return false;
    ipv4::set_checksum(ip, ipv4_header_checksum(ip, ihl));
    return true;
}

bool ipv4_header_checksum_ok(std::span<const std::uint8_t> frame, const HeaderLayers& layers) {
    if (layers.l3_kind != L3Kind::ipv4 || !has(frame, layers.l3, ipv4::kMinHeaderLen)) return false;
    const std::uint8_t* ip = &frame[layers.l3];
    const std::uint32_t ihl = ipv4::header_len(ip);
    if (ihl < ipv4::kMinHeaderLen || !has(frame, layers.l3, ihl)) return false;
    // The receiver's rule: the sum over the whole header, field included, is all ones.
    return fold(raw_sum(frame.subspan(layers.l3, ihl))) == 0xFFFF;
}

}  // namespace sy::net
