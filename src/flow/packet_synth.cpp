#include "flow/packet_synth.hpp"

#include <fmt/format.h>

#include <cstring>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"
#include "offload/crc32c.hpp"

namespace sy::flow {
namespace {

constexpr std::uint16_t kLaterFragmentOffset = 100;  // in 8-byte units, as ofproto/trace uses

class Writer {
  public:
    std::size_t at() const { return b_.size(); }
    void u8(std::uint8_t v) { b_.push_back(v); }
    void u16(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v >> 8));
        u8(static_cast<std::uint8_t>(v));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v >> 16));
        u16(static_cast<std::uint16_t>(v));
    }
    void bytes(const std::uint8_t* p, std::size_t n) { b_.insert(b_.end(), p, p + n); }
    void zeros(std::size_t n) { b_.insert(b_.end(), n, 0); }
    std::uint8_t* ptr(std::size_t off) { return b_.data() + off; }
    std::vector<std::uint8_t>& out() { return b_; }

  private:
    std::vector<std::uint8_t> b_;
};

// The L4 header for nw_proto (nothing for other protocols); returns its length.
std::size_t l4_header(Writer& w, const FlowKey& k, bool ipv6) {
    switch (k.nw_proto) {
        case net::kIpProtoTcp:
            w.u16(k.tp_src);
            w.u16(k.tp_dst);
            w.u32(0);  // seq
            w.u32(0);  // ack
            w.u16(static_cast<std::uint16_t>(5u << 12 | (k.tcp_flags & 0x0fff)));
            w.u16(65535);  // window
            w.u16(0);      // checksum
            w.u16(0);      // urgent
            return 20;
        case net::kIpProtoUdp:
            w.u16(k.tp_src);
            w.u16(k.tp_dst);
            w.u16(0);  // length, set later
            w.u16(0);
            return 8;
        case net::kIpProtoSctp:
            w.u16(k.tp_src);
            w.u16(k.tp_dst);
            w.u32(0);  // verification tag
            w.u32(0);  // checksum
            return 12;
        case net::kIpProtoIcmp:
        case net::kIpProtoIcmpv6:
            // ICMP belongs over IPv4 and ICMPv6 over IPv6; the other way round it is just
            // an unknown protocol.
            if (k.nw_proto != (ipv6 ? net::kIpProtoIcmpv6 : net::kIpProtoIcmp)) return 0;
            w.u8(static_cast<std::uint8_t>(k.tp_src));
            w.u8(static_cast<std::uint8_t>(k.tp_dst));
            w.u16(0);
            w.u32(0);
            return 8;
        default:
            return 0;
    }
}

void finish_checksums(std::vector<std::uint8_t>& frame, std::size_t l4, std::size_t l4_len,
                      std::uint8_t proto) {
    const net::ParsedHeaders parsed = net::parse(frame, {.parse_tunnels = false});
    if (proto == net::kIpProtoUdp && l4_len != 0) {
        store_be16(frame.data() + l4 + 4, static_cast<std::uint16_t>(frame.size() - l4));
    }
    if (parsed.outer.l3_kind == net::L3Kind::ipv4)
        net::write_ipv4_header_checksum(frame, parsed.outer);
    if (l4_len == 0) return;
    if (proto == net::kIpProtoSctp) {
        const std::uint32_t crc = offload::crc32c({frame.data() + l4, frame.size() - l4});
        for (int i = 0; i < 4; ++i)
            frame[l4 + 8 + i] = static_cast<std::uint8_t>(crc >> (8 * i));  // LE
        return;
    }
    if (!parsed.outer.is_fragment) {
        net::write_l4_checksum(frame, parsed.outer);
        return;
    }
    // A first fragment: the sum over what it carries, so a receiver can at least check
    // this piece (write_l4_checksum refuses fragments).
    const std::uint32_t csum_field = net::l4_checksum_field_offset(proto);
    if (csum_field == net::kAbsent) return;
    std::uint32_t sum = net::raw_sum({frame.data() + l4, frame.size() - l4});
    if (proto != net::kIpProtoIcmp) sum += net::l4_pseudo_sum(frame, parsed.outer);
    std::uint16_t c = net::finish(sum);
    if (proto == net::kIpProtoUdp && c == 0) c = 0xffff;
    store_be16(frame.data() + l4 + csum_field, c);
}

}  // namespace

Result<std::vector<std::uint8_t>> synthesize_packet(const FlowKey& k, const SynthOptions& options) {
    if (k.dl_type < 0x0600) {
        return Status(
            Errc::invalid_argument,
            fmt::format("dl_type 0x{:04x} is a length, not an EtherType: no frame to build",
                        k.dl_type));
    }
    if ((k.nw_frag & kFragLater) && !(k.nw_frag & kFragAny)) {
        return Status(Errc::invalid_argument, "nw_frag says a later fragment of no fragment");
    }
    Writer w;
    w.bytes(k.dl_dst, 6);
    w.bytes(k.dl_src, 6);
    if (k.vlan_tci & kVlanPresent) {
        w.u16(0x8100);
        w.u16(static_cast<std::uint16_t>(k.vlan_tci & ~kVlanPresent));
    }
    w.u16(k.dl_type);
    const std::size_t l3 = w.at();
    const bool frag = (k.nw_frag & kFragAny) != 0;
    const bool later = (k.nw_frag & kFragLater) != 0;
    std::size_t l4 = 0, l4_len = 0;

    if (k.dl_type == 0x0800) {
        w.u8(0x45);
        w.u8(k.nw_tos);
        w.u16(0);  // total length, set below
        w.u16(0);  // id
        w.u16(static_cast<std::uint16_t>((frag ? 0x2000 : 0) | (later ? kLaterFragmentOffset : 0)));
        w.u8(k.nw_ttl);
        w.u8(k.nw_proto);
        w.u16(0);
        w.u32(k.nw_src);
        w.u32(k.nw_dst);
        l4 = w.at();
        if (!later) l4_len = l4_header(w, k, false);
    } else if (k.dl_type == 0x86dd) {
        w.u32(6u << 28 | std::uint32_t{k.nw_tos} << 20 | (k.ipv6_label & 0xfffff));
        w.u16(0);  // payload length, set below
        w.u8(frag ? 44 : k.nw_proto);
        w.u8(k.nw_ttl);
        w.bytes(k.ipv6_src, 16);
        w.bytes(k.ipv6_dst, 16);
        if (frag) {
            w.u8(k.nw_proto);
            w.u8(0);
            w.u16(static_cast<std::uint16_t>((later ? kLaterFragmentOffset : 0) << 3 | 1));
            w.u32(0);  // identification
        }
        l4 = w.at();
        if (!later) l4_len = l4_header(w, k, true);
    } else if (k.dl_type == 0x0806) {
        w.u16(1);
        w.u16(0x0800);
        w.u8(6);
        w.u8(4);
        w.u16(k.nw_proto);
        w.bytes(k.arp_sha, 6);
        w.u32(k.nw_src);
        w.bytes(k.arp_tha, 6);
        w.u32(k.nw_dst);
    }
    w.zeros(options.payload_len);

    std::vector<std::uint8_t>& frame = w.out();
    if (k.dl_type == 0x0800) {
        if (frame.size() - l3 > 0xffff)
            return Status(Errc::invalid_argument, "IPv4 datagram over 65535 bytes");
        store_be16(w.ptr(l3 + 2), static_cast<std::uint16_t>(frame.size() - l3));
    } else if (k.dl_type == 0x86dd) {
        if (frame.size() - l3 - 40 > 0xffff)
            return Status(Errc::invalid_argument, "IPv6 payload over 65535 bytes");
        store_be16(w.ptr(l3 + 4), static_cast<std::uint16_t>(frame.size() - l3 - 40));
    }
    if (k.dl_type == 0x0800 || k.dl_type == 0x86dd) finish_checksums(frame, l4, l4_len, k.nw_proto);
    return std::move(frame);
}

}  // namespace sy::flow
