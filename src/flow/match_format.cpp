// The order and forms here are ovs-ofctl's (lib/match.c, match_format), so that our
// dump-flows reads like theirs; the oracle test compares them field by field.
#include "flow/match_format.hpp"

#include <fmt/format.h>

#include "flow/field_syntax.hpp"
#include "flow/flow_mod.hpp"
#include "flow/syntax_ports.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

class Items {
  public:
    explicit Items(std::vector<MatchItem>& out) : out_(out) {}
    void put(std::string name, std::string value = {}) {
        out_.push_back({std::move(name), std::move(value)});
    }

    // "%#x" forms: registers, metadata, tun_id.
    void hex_masked(const char* name, std::uint64_t v, std::uint64_t m, std::uint64_t all) {
        if (m == 0) return;
        put(name, m == all ? c_hex(v) : c_hex(v) + "/" + c_hex(m));
    }
    // Ports and ICMP type/code: decimal, or hex value/mask.
    void be16_masked(const char* name, std::uint16_t v, std::uint16_t m) {
        if (m == 0) return;
        put(name, m == 0xffff ? fmt::format("{}", v) : fmt::format("{:#x}/{:#x}", v, m));
    }
    void ip_masked(const char* name, std::uint32_t v, std::uint32_t m) {
        if (m == 0) return;
        std::string s = ipv4_to_string(v);
        if (m != 0xffffffffu) {
            const auto p = prefix_length(m, 32);
            s += p ? fmt::format("/{}", *p) : "/" + ipv4_to_string(m);
        }
        put(name, s);
    }
    void bytes_masked(const char* name, FieldId field, const Match& match) {
        const FieldValue m = match.mask_of(field);
        if (m == 0) return;
        put(name, format_field_value(field, match.value(field), m, NoPortNames{}));
    }

  private:
    std::vector<MatchItem>& out_;
};

}  // namespace

std::vector<MatchItem> match_items(const Match& match, const PortNamer& ports) {
    std::vector<MatchItem> out;
    Items it(out);
    const FlowKey& k = match.key;
    const FlowMask& m = match.mask;
    const std::uint16_t dl_type = k.dl_type;
    bool skip_type = false, skip_proto = false;

    if (m.dl_type != 0) {
        skip_type = true;
        const bool proto = m.nw_proto != 0;
        auto shorthand = [&](const char* plain, const char* icmp, std::uint8_t icmp_proto,
                             const char* tcp, const char* udp, const char* sctp) {
            if (proto) {
                skip_proto = true;
                if (k.nw_proto == icmp_proto) return it.put(icmp);
                if (k.nw_proto == 6) return it.put(tcp);
                if (k.nw_proto == 17) return it.put(udp);
                if (k.nw_proto == 132) return it.put(sctp);
                skip_proto = false;
            }
            it.put(plain);
        };
        if (dl_type == 0x0800) {
            shorthand("ip", "icmp", 1, "tcp", "udp", "sctp");
        } else if (dl_type == 0x86dd) {
            shorthand("ipv6", "icmp6", 58, "tcp6", "udp6", "sctp6");
        } else if (dl_type == 0x0806) {
            it.put("arp");
        } else {
            skip_type = false;
        }
    }
    for (int i = 0; i < kNumRegs; ++i) {
        it.hex_masked(fmt::format("reg{}", i).c_str(), k.regs[i], m.regs[i], 0xffffffffu);
    }
    it.hex_masked("tun_id", k.tun_id, m.tun_id, ~0ull);
    it.ip_masked("tun_src", k.tun_src, m.tun_src);
    it.ip_masked("tun_dst", k.tun_dst, m.tun_dst);
    it.bytes_masked("tun_ipv6_src", FieldId::tun_ipv6_src, match);
    it.bytes_masked("tun_ipv6_dst", FieldId::tun_ipv6_dst, match);
    it.hex_masked("metadata", k.metadata, m.metadata, ~0ull);
    if (m.in_port != 0) it.put("in_port", format_port(k.in_port, ports));

    if (m.vlan_tci != 0) {
        constexpr std::uint16_t kVid = 0x0fff, kPcp = 0xe000;
        const std::uint16_t vid_mask = m.vlan_tci & kVid;
        const std::uint16_t pcp_mask = m.vlan_tci & kPcp;
        const bool cfi = (m.vlan_tci & kVlanPresent) != 0;
        if (cfi && (k.vlan_tci & kVlanPresent) && (vid_mask == 0 || vid_mask == kVid) &&
            (pcp_mask == 0 || pcp_mask == kPcp) && (vid_mask || pcp_mask)) {
            if (vid_mask) it.put("dl_vlan", fmt::format("{}", k.vlan_tci & kVid));
            if (pcp_mask) it.put("dl_vlan_pcp", fmt::format("{}", k.vlan_tci >> 13));
        } else if (m.vlan_tci == 0xffff) {
            it.put("vlan_tci", fmt::format("0x{:04x}", k.vlan_tci));
        } else {
            it.put("vlan_tci", fmt::format("0x{:04x}/0x{:04x}", k.vlan_tci, m.vlan_tci));
        }
    }
    it.bytes_masked("dl_src", FieldId::dl_src, match);
    it.bytes_masked("dl_dst", FieldId::dl_dst, match);
    if (!skip_type && m.dl_type != 0) it.put("dl_type", fmt::format("0x{:04x}", dl_type));

    const bool arp = dl_type == 0x0806;
    if (dl_type == 0x86dd) {
        it.bytes_masked("ipv6_src", FieldId::ipv6_src, match);
        it.bytes_masked("ipv6_dst", FieldId::ipv6_dst, match);
        if (m.ipv6_label != 0) {
            it.put("ipv6_label", m.ipv6_label == 0xfffff ? fmt::format("0x{:05x}", k.ipv6_label)
                                                         : fmt::format("0x{:05x}/0x{:05x}",
                                                                       k.ipv6_label, m.ipv6_label));
        }
    } else if (arp) {
        it.ip_masked("arp_spa", k.nw_src, m.nw_src);
        it.ip_masked("arp_tpa", k.nw_dst, m.nw_dst);
    } else {
        it.ip_masked("nw_src", k.nw_src, m.nw_src);
        it.ip_masked("nw_dst", k.nw_dst, m.nw_dst);
    }
    if (!skip_proto && m.nw_proto != 0)
        it.put(arp ? "arp_op" : "nw_proto", fmt::format("{}", k.nw_proto));
    if (arp) {
        it.bytes_masked("arp_sha", FieldId::arp_sha, match);
        it.bytes_masked("arp_tha", FieldId::arp_tha, match);
    }
    if (m.nw_tos & 0xfc) it.put("nw_tos", fmt::format("{}", k.nw_tos & 0xfc));
    if (m.nw_tos & 0x03) it.put("nw_ecn", fmt::format("{}", k.nw_tos & 0x03));
    if (m.nw_ttl != 0) it.put("nw_ttl", fmt::format("{}", k.nw_ttl));
    if (m.nw_frag & (kFragAny | kFragLater)) {
        it.put("nw_frag", format_field_value(FieldId::nw_frag, k.nw_frag, m.nw_frag, ports));
    }
    const bool icmp =
        (dl_type == 0x0800 && k.nw_proto == 1) || (dl_type == 0x86dd && k.nw_proto == 58);
    // icmp_type/icmp_code are the low 8 bits of tp_src/tp_dst (the high ones are 0 in every
    // ICMP key): matching all 8 is the exact match ovs-ofctl prints as a plain number.
    const auto l4_mask = [icmp](std::uint16_t mask) -> std::uint16_t {
        return icmp && mask == 0x00ff ? 0xffff : mask;
    };
    it.be16_masked(icmp ? "icmp_type" : "tp_src", k.tp_src, l4_mask(m.tp_src));
    it.be16_masked(icmp ? "icmp_code" : "tp_dst", k.tp_dst, l4_mask(m.tp_dst));
    if ((dl_type == 0x0800 || dl_type == 0x86dd) && k.nw_proto == 6 && (m.tcp_flags & 0x0fff)) {
        it.put("tcp_flags", format_tcp_flags(k.tcp_flags, m.tcp_flags));
    }
    return out;
}

std::string format_match(const Match& match, const PortNamer& ports) {
    std::string s;
    for (const MatchItem& item : match_items(match, ports)) {
        if (!s.empty()) s += ',';
        s += item.name;
        if (!item.value.empty()) {
            s += '=';
            s += item.value;
        }
    }
    return s;
}

std::string format_match(const Match& match, const PortNamer& ports, std::uint16_t priority) {
    std::string m = format_match(match, ports);
    if (priority == kDefaultPriority) return m;
    return m.empty() ? fmt::format("priority={}", priority)
                     : fmt::format("priority={},{}", priority, m);
}

}  // namespace sy::flow
