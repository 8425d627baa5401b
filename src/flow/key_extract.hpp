#pragma once
// The flow key of a received frame, from the offsets the ingress parse found (net::parse):
// what the classifier and the caches look up. On the per-packet path: no allocation, no
// exceptions, a handful of loads per layer.
//
// Only the outer headers count (a tunnel's inner frame is keyed after decapsulation, by
// the tunnel port). Conventions, as in Open vSwitch:
//  - vlan_tci is the outer tag's TCI with kVlanPresent set (its DEI bit is not kept); dl_type
//    is the EtherType after the tags; an 802.3 length field gives dl_type 0x05ff ("none",
//    SNAP is not decoded);
//  - IPv4/IPv6: addresses, nw_proto (IPv6: the final next header, the fragment header's for
//    a later fragment), nw_tos (DSCP and ECN), nw_ttl, ipv6_label, nw_frag; a fragment
//    other than the first has no L4 fields;
//  - ARP (Ethernet/IPv4 only): nw_proto = opcode (0 if above 255), nw_src/nw_dst = SPA/TPA,
//    arp_sha/arp_tha;
//  - TCP/UDP/SCTP: tp_src/tp_dst; TCP also tcp_flags (12 bits); ICMP/ICMPv6: tp_src = type,
//    tp_dst = code;
//  - a layer the frame lacks, or that is cut short, is zero (L3 fields need a whole IP/ARP
//    header, L4 fields a whole L4 header).

#include "flow/flow_key.hpp"
#include "flow/ofport.hpp"
#include "net/parse.hpp"
#include "packet/packet.hpp"

namespace sy::flow {

// With the packet's tunnel metadata (tun_id, tun_src/tun_dst or their IPv6 twins) too.
void extract_key(const Packet& packet, const net::ParsedHeaders& parsed, OfPort in_port,
                 FlowKey& key);
// The same for a frame in a plain buffer (tests, trace --pcap).
void extract_key(std::span<const std::uint8_t> frame, const net::ParsedHeaders& parsed,
                 OfPort in_port, FlowKey& key);

}  // namespace sy::flow
