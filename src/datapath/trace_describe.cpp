#include "datapath/trace_describe.hpp"

#include <fmt/core.h>

#include "base/bytes.hpp"
#include "net/l4_checksum.hpp"

namespace sy::datapath {

namespace {

std::string mac(const std::uint8_t* m) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                       m[5]);
}
std::string ipv4(const std::uint8_t* a) { return fmt::format("{}.{}.{}.{}", a[0], a[1], a[2], a[3]); }
std::string ipv6(const std::uint8_t* a) {
    std::string s;
    for (int i = 0; i < 16; i += 2) {
        if (i) s += ':';
        s += fmt::format("{:x}", load_be16(a + i));
    }
    return s;
}
const char* gso_name(GsoType t) {
    switch (t) {
        case GsoType::tcpv4:
            return "tcpv4";
        case GsoType::tcpv6:
            return "tcpv6";
        case GsoType::udp:
            return "udp (UFO)";
        case GsoType::udp_l4:
            return "udp_l4 (USO)";
        case GsoType::none:
            break;
    }
    return "none";
}

}  // namespace

std::string describe_packet(Packet& p) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    const std::uint8_t* d = p.data();
    const net::HeaderLayers& l = h.outer;
    if (l.l2 == net::kAbsent || p.length < 14) return fmt::format("{} bytes (not Ethernet)", p.length);
    std::string s = fmt::format("{} > {}", mac(d + 6), mac(d));
    for (int i = 0; i < l.vlan_count; ++i) s += fmt::format(" vlan {}", l.vlan_tci[i] & 0xfff);
    if (l.l3_kind == net::L3Kind::ipv4 && l.l3 != net::kAbsent && l.l3 + 20 <= p.length) {
        s += fmt::format(" ipv4 {} > {} ttl {} tos 0x{:02x}", ipv4(d + l.l3 + 12),
                         ipv4(d + l.l3 + 16), d[l.l3 + 8], d[l.l3 + 1]);
        if (l.is_fragment) s += l.is_first_fragment ? " first-fragment" : " later-fragment";
    } else if (l.l3_kind == net::L3Kind::ipv6 && l.l3 != net::kAbsent && l.l3 + 40 <= p.length) {
        s += fmt::format(" ipv6 {} > {} hlim {}", ipv6(d + l.l3 + 8), ipv6(d + l.l3 + 24),
                         d[l.l3 + 7]);
    } else if (l.l3_kind == net::L3Kind::arp) {
        s += " arp";
    } else {
        s += fmt::format(" type 0x{:04x}", l.ethertype);
    }
    if (l.l4 != net::kAbsent && l.payload != net::kAbsent) {
        const std::uint8_t* t = d + l.l4;
        switch (l.ip_proto) {
            case net::kIpProtoTcp: {
                const std::uint8_t f = t[13];
                std::string flags;
                if (f & 0x02) flags += 'S';
                if (f & 0x10) flags += '.';
                if (f & 0x08) flags += 'P';
                if (f & 0x01) flags += 'F';
                if (f & 0x04) flags += 'R';
                s += fmt::format(" tcp {} > {} [{}]", load_be16(t), load_be16(t + 2), flags);
                break;
            }
            case net::kIpProtoUdp:
                s += fmt::format(" udp {} > {}", load_be16(t), load_be16(t + 2));
                break;
            case net::kIpProtoIcmp:
            case net::kIpProtoIcmpv6:
                s += fmt::format(" icmp type {} code {}", t[0], t[1]);
                break;
            default:
                s += fmt::format(" proto {}", l.ip_proto);
        }
        const net::L4CsumVerdict v = net::check_l4_checksum(p.bytes(), l).verdict;
        s += fmt::format(" l4csum {}", net::to_string(v));
    }
    s += fmt::format(" ({} bytes)", p.length);
    return s;
}

std::string describe_offload(const OffloadInfo& o) {
    std::string s;
    switch (o.csum) {
        case CsumState::none:
            s = "csum none (unchecked)";
            break;
        case CsumState::partial:
            s = fmt::format("csum partial (csum_start {}, offset {})", o.csum_start, o.csum_offset);
            break;
        case CsumState::verified:
            s = "csum verified";
            break;
    }
    if (o.gso.active()) {
        s += fmt::format(", gso {} size {} hdr_len {}", gso_name(o.gso.type), o.gso.size,
                         o.gso.hdr_len);
    }
    return s;
}

std::string describe_egress(const offload::TxCounters& b, const offload::TxCounters& a,
                            const offload::TxResult& r, const offload::PortOffloadCaps& caps) {
    if (r.count == 0) return fmt::format("dropped: egress_{}", offload::to_string(r.drop));
    std::string s;
    if (a.gso_sw > b.gso_sw) {
        s = fmt::format("super-frame segmented in software into {} segments", r.count);
        if (a.gso_resized > b.gso_resized) s += " (segment size lowered to the port's MTU)";
        s += caps.l4_csum ? ", each left partial for the port to finish"
                          : ", every checksum computed in software";
    } else if (a.gso_passed > b.gso_passed) {
        s = "super-frame handed to the port whole (the port segments it)";
        if (a.gso_resized > b.gso_resized) s += ", segment size lowered to the port's MTU";
    } else if (a.csum_passed > b.csum_passed) {
        s = "partial checksum handed to the port (NEEDS_CSUM: the receiver finishes it)";
    } else if (a.csum_sw_l4 > b.csum_sw_l4) {
        s = "checksum completed in software (the port cannot finish it)";
    } else if (a.verified_kept > b.verified_kept) {
        s = "sent marked verified (DATA_VALID: it was checked)";
    } else if (a.verified_unmarked > b.verified_unmarked) {
        s = "sent unmarked (the port cannot carry the verified mark)";
    } else {
        s = "sent as it is (nothing to finish; unchecked, so the receiver checks it)";
    }
    return s;
}

}  // namespace sy::datapath
