#pragma once
// The match fields and set-field targets, by the names ovs-fields(7) gives them, and where
// each lives in a FlowKey. One table (field.cpp) answers everything about a field: its names,
// width, storage, prerequisites, whether it can be masked or written, how it is printed. The
// parser, the formatter, the classifier, translation and the OpenFlow codec's OXM mapping all
// read that table instead of knowing fields themselves.
//
// Values are unsigned 128-bit integers whatever the field (a MAC is its 48 bits, an IPv6
// address its 128, a port its 16), so masks and subfields (reg0[0..15]) are plain bit
// operations.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "flow/flow_key.hpp"

namespace sy::flow {

using FieldValue = unsigned __int128;

enum class FieldId : std::uint8_t {
    in_port,
    metadata,
    reg0,
    reg1,
    reg2,
    reg3,
    reg4,
    reg5,
    reg6,
    reg7,
    tun_id,
    tun_src,
    tun_dst,
    tun_ipv6_src,
    tun_ipv6_dst,
    dl_src,
    dl_dst,
    dl_type,
    vlan_tci,     // the whole 16-bit TCI with the present bit (ovs-fields "vlan_tci")
    dl_vlan,      // 12-bit VID of vlan_tci (OpenFlow 1.0 view)
    dl_vlan_pcp,  // 3-bit PCP of vlan_tci
    vlan_vid,     // OpenFlow 1.3 OXM view: VID | present bit (13 bits)
    vlan_pcp,     // OpenFlow 1.3 OXM view of the PCP
    nw_src,       // IPv4 source (ip) or ARP SPA (arp): one storage, as in OVS
    nw_dst,
    ipv6_src,
    ipv6_dst,
    ipv6_label,
    nw_proto,
    nw_tos,   // the DSCP bits in place (tos & 0xfc), as ovs-ofctl's nw_tos
    ip_dscp,  // DSCP as a 6-bit number (tos >> 2)
    nw_ecn,   // ECN, 2 bits (tos & 3)
    nw_ttl,
    nw_frag,
    tp_src,  // TCP/UDP/SCTP source port
    tp_dst,
    tcp_src,
    tcp_dst,  // tp_src/tp_dst with TCP as the prerequisite
    udp_src,
    udp_dst,
    sctp_src,
    sctp_dst,
    tcp_flags,
    icmp_type,
    icmp_code,  // ICMPv4: tp_src/tp_dst storage
    icmpv6_type,
    icmpv6_code,  // ICMPv6: the same storage
    arp_op,       // nw_proto storage
    arp_spa,
    arp_tpa,  // nw_src/nw_dst storage
    arp_sha,
    arp_tha,
    count_
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(FieldId::count_);

// What a packet must be for a field to make sense (ovs-fields(7) "Prerequisites"). A match on
// a field whose prerequisite the match does not establish is refused, as ovs-ofctl does.
enum class Prereq : std::uint8_t {
    none,
    ip_any,         // dl_type ip or ipv6
    ipv4,           // dl_type=0x0800
    ipv6,           // dl_type=0x86dd
    arp,            // dl_type=0x0806
    ipv4_or_arp,    // nw_src/nw_dst: IPv4 addresses or ARP SPA/TPA
    ip_any_or_arp,  // nw_proto: the IP protocol, or the ARP opcode
    l4_ports,       // ip_any and nw_proto tcp, udp or sctp
    tcp,            // ip_any and nw_proto=6
    udp,            // ip_any and nw_proto=17
    sctp,           // ip_any and nw_proto=132
    icmpv4,         // ipv4 and nw_proto=1
    icmpv6,         // ipv6 and nw_proto=58
};

// How a value is written and read in ovs-ofctl syntax.
enum class FieldFormat : std::uint8_t {
    decimal,    // 80
    hex,        // 0x1234 (decimal accepted on input)
    ethernet,   // 00:11:22:33:44:55
    ipv4,       // 10.0.0.1 (prefix or mask on input: 10.0.0.0/24, 10.0.0.0/255.255.255.0)
    ipv6,       // fe80::1 (prefix on input)
    ofport,     // a port number or name, or a reserved name (LOCAL, ...)
    frag,       // no, yes, first, later, not_later
    tcp_flags,  // +syn-ack, or a hex value/mask
};

struct FieldInfo {
    FieldId id;
    std::string_view name;       // the ovs-fields(7) name printed by dump-flows
    std::string_view alias;      // another accepted name ("" if none), e.g. "ip_proto"
    std::uint8_t n_bits;         // width of the field's value
    std::uint16_t storage;       // byte offset of its storage in FlowKey
    std::uint8_t storage_bytes;  // size of that storage (1, 2, 4, 6, 8 or 16)
    std::uint8_t shift;          // the field is bits [shift, shift + n_bits) of the storage
    bool in_place;               // its value keeps those bits in place (nw_tos = tos & 0xfc)
                                 //  instead of shifted down (ip_dscp = tos >> 2)
    Prereq prereq;
    bool maskable;      // arbitrary bit masks allowed in a match
    bool writable;      // a set_field / load / move destination
    bool packet_field;  // writing it changes the packet (its bytes, or the tunnel
                        //  metadata it leaves with); registers and metadata don't
    FieldFormat format;
};

const FieldInfo& field_info(FieldId id);
std::span<const FieldInfo> all_fields();
// By name or alias, as ovs-ofctl accepts them (also NXM/OXM names such as NXM_OF_IP_SRC,
// NXM_NX_REG0, OXM_OF_IPV4_SRC where they denote one of our fields).
std::optional<FieldId> find_field(std::string_view name);

// The all-ones value of the field's width.
FieldValue field_all_ones(FieldId id);

// Read / write a field of a key. set_field writes (old & ~mask) | (value & mask) within the
// field's bits and leaves every other bit of the storage alone (dl_vlan keeps the PCP).
FieldValue get_field(const FlowKey& key, FieldId id);
void set_field(FlowKey& key, FieldId id, FieldValue value, FieldValue mask);
inline void set_field(FlowKey& key, FieldId id, FieldValue value) {
    set_field(key, id, value, field_all_ones(id));
}

// Does `key` (or, for a match, the key and mask pair) establish the field's prerequisite?
bool prereq_met(Prereq prereq, const FlowKey& key, const FlowMask& mask);

}  // namespace sy::flow
