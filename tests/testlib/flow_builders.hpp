#pragma once
// Building flows and flow keys in tests and benchmarks without the ovs-ofctl parser:
// short constructors for the flow model's actions, matches, FLOW_MODs and packet keys.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "flow/flow_key.hpp"
#include "flow/flow_mod.hpp"

namespace sy::testlib {

namespace fb {

using namespace sy::flow;

inline Action output(OfPort port) {
    Action a;
    a.type = ActionType::output;
    a.port = port;
    return a;
}
inline Action normal() {
    return output(kOfpNormal);
}
inline Action controller(std::uint16_t max_len = 0xffff) {
    Action a;
    a.type = ActionType::controller;
    a.max_len = max_len;
    return a;
}
inline Action resubmit(std::uint8_t table, OfPort port = kOfpInPort) {
    Action a;
    a.type = ActionType::resubmit;
    a.table = table;
    a.port = port;
    return a;
}
inline Action set(FieldId f, FieldValue v) {
    Action a;
    a.type = ActionType::set_field;
    a.field = f;
    a.value = v;
    a.mask = field_all_ones(f);
    return a;
}
inline Action set_masked(FieldId f, FieldValue v, FieldValue m) {
    Action a = set(f, v & m);
    a.mask = m;
    return a;
}
inline Action move(FieldId src, unsigned src_ofs, unsigned n, FieldId dst, unsigned dst_ofs) {
    Action a;
    a.type = ActionType::move;
    a.src = {src, static_cast<std::uint8_t>(src_ofs), static_cast<std::uint8_t>(n)};
    a.dst = {dst, static_cast<std::uint8_t>(dst_ofs), static_cast<std::uint8_t>(n)};
    return a;
}
inline Action push_vlan(std::uint16_t ethertype = 0x8100) {
    Action a;
    a.type = ActionType::push_vlan;
    a.ethertype = ethertype;
    return a;
}
inline Action pop_vlan() {
    Action a;
    a.type = ActionType::pop_vlan;
    return a;
}
inline Action mod_vlan_vid(unsigned vid) {
    Action a;
    a.type = ActionType::mod_vlan_vid;
    a.value = vid;
    return a;
}
inline Action mod_vlan_pcp(unsigned pcp) {
    Action a;
    a.type = ActionType::mod_vlan_pcp;
    a.value = pcp;
    return a;
}
inline Action dec_ttl() {
    Action a;
    a.type = ActionType::dec_ttl;
    return a;
}

// field=value pairs, each an exact match of the whole field.
inline Match match(std::initializer_list<std::pair<FieldId, FieldValue>> fields) {
    Match m;
    for (const auto& [f, v] : fields) m.set(f, v);
    return m;
}
inline Match ip() {
    return match({{FieldId::dl_type, 0x0800}});
}
inline Match tcp() {
    return match({{FieldId::dl_type, 0x0800}, {FieldId::nw_proto, 6}});
}

inline FlowMod add(std::uint8_t table, std::uint16_t priority, const Match& m, ActionList apply,
                   std::uint64_t cookie = 0) {
    FlowMod f;
    f.command = FlowModCommand::add;
    f.table = table;
    f.priority = priority;
    f.match = m;
    f.cookie = cookie;
    f.instructions.apply = std::move(apply);
    return f;
}
inline FlowMod with_goto(FlowMod f, std::uint8_t table) {
    f.instructions.goto_table = table;
    return f;
}
inline FlowMod modify(const Match& m, ActionList apply, bool strict = false,
                      std::uint8_t table = kAllTables, std::uint16_t priority = kDefaultPriority) {
    FlowMod f;
    f.command = strict ? FlowModCommand::modify_strict : FlowModCommand::modify;
    f.table = table;
    f.priority = priority;
    f.match = m;
    f.instructions.apply = std::move(apply);
    return f;
}
inline FlowMod del(const Match& m, bool strict = false, std::uint8_t table = kAllTables,
                   std::uint16_t priority = kDefaultPriority) {
    FlowMod f;
    f.command = strict ? FlowModCommand::del_strict : FlowModCommand::del;
    f.table = table;
    f.priority = priority;
    f.match = m;
    return f;
}

inline std::uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// A TCP/IPv4 packet's key as extraction would make it (TTL 64, no VLAN).
inline FlowKey tcp_key(std::uint32_t in_port, std::uint32_t src, std::uint32_t dst,
                       std::uint16_t sport, std::uint16_t dport) {
    FlowKey k;
    k.in_port = in_port;
    const std::uint8_t smac[6] = {0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(src)};
    const std::uint8_t dmac[6] = {0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(dst)};
    std::copy(smac, smac + 6, k.dl_src);
    std::copy(dmac, dmac + 6, k.dl_dst);
    k.dl_type = 0x0800;
    k.nw_src = src;
    k.nw_dst = dst;
    k.nw_proto = 6;
    k.nw_ttl = 64;
    k.tp_src = sport;
    k.tp_dst = dport;
    return k;
}

}  // namespace fb

}  // namespace sy::testlib
