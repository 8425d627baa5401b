#pragma once
// The frame shape nearly all traffic has: untagged Ethernet, IPv4 with a sane header, not a
// fragment, a whole TCP or UDP header inside the datagram, UDP not to a tunnel port. Told
// apart in one straight line, without the general parse: the parser's shortcut (parse_into
// gives the same result as the general parse for these frames). The flow cache's header
// signature (flow/header_signature.hpp) recognises the narrower shape without IPv4 options
// on its own, on whole words, because it runs before any parse.

#include <cstdint>
#include <span>

#include "base/bytes.hpp"
#include "net/ethernet.hpp"
#include "net/geneve.hpp"
#include "net/ipv4.hpp"
#include "net/parse.hpp"
#include "net/tcp.hpp"
#include "net/udp.hpp"
#include "net/vxlan.hpp"

namespace sy::net {

struct CommonCase {
    std::uint32_t l4 = 0;       // offset of the TCP/UDP header (14 + IHL)
    std::uint32_t payload = 0;  // offset of the L4 payload
    std::uint32_t l3_end = 0;   // where the datagram ends (14 + IPv4 total length)
    std::uint8_t ip_proto = 0;  // kIpProtoTcp or kIpProtoUdp
};

// True, with the layout, when `frame` has the common shape; false for anything else. Inline:
// it runs for every packet the parser sees.
inline bool recognize_common_case(std::span<const std::uint8_t> f, CommonCase& out) {
    const std::size_t len = f.size();
    if (len < ethernet::kHeaderLen + ipv4::kMinHeaderLen) return false;
    const std::uint8_t* b = f.data();
    if (load_be16(b + ethernet::kTypeOffset) != ethernet::kTypeIpv4) return false;
    const std::uint8_t* ip = b + ethernet::kHeaderLen;
    if (ipv4::version(ip) != 4) return false;
    const std::uint32_t ihl = ipv4::header_len(ip);
    const std::uint32_t total = ipv4::total_length(ip);
    if (ihl < ipv4::kMinHeaderLen || total < ihl) return false;
    if (ipv4::more_fragments(ip) || ipv4::fragment_offset(ip) != 0) return false;
    const std::uint8_t proto = ipv4::protocol(ip);
    const std::uint32_t l4 = ethernet::kHeaderLen + ihl;
    const std::uint32_t l3_end = ethernet::kHeaderLen + total;
    const std::size_t room = l3_end - l4;  // total >= ihl
    std::uint32_t payload;
    if (proto == kIpProtoTcp) {
        if (len < l4 + tcp::kMinHeaderLen || room < tcp::kMinHeaderLen) return false;
        const std::uint32_t hlen = tcp::header_len(b + l4);
        if (hlen < tcp::kMinHeaderLen || len < l4 + hlen || room < hlen) return false;
        payload = l4 + hlen;
    } else if (proto == kIpProtoUdp) {
        if (len < l4 + udp::kHeaderLen || room < udp::kHeaderLen) return false;
        const std::uint16_t ulen = udp::length(b + l4);
        const std::uint16_t dport = udp::dst_port(b + l4);
        if (ulen < udp::kHeaderLen || ulen > room) return false;
        if (dport == vxlan::kUdpPort || dport == geneve::kUdpPort) return false;
        payload = l4 + udp::kHeaderLen;
    } else {
        return false;
    }
    out.l4 = l4;
    out.payload = payload;
    out.l3_end = l3_end;
    out.ip_proto = proto;
    return true;
}

}  // namespace sy::net
