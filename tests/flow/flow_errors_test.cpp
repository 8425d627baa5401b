// Every malformed flow gets one line naming the token and why: the exact messages.
#include <gtest/gtest.h>

#include "flow/flow_syntax.hpp"
#include "flow/test_port_names.hpp"

namespace sy::flow {
namespace {

struct Case {
    FlowParseMode mode;
    const char* text;
    const char* message;
};

constexpr FlowParseMode A = FlowParseMode::add;
constexpr FlowParseMode M = FlowParseMode::modify;
constexpr FlowParseMode D = FlowParseMode::del;
constexpr FlowParseMode S = FlowParseMode::dump;

const Case kCases[] = {
    // fields and values
    {A, "ip,nw_dst=10.0.0.300,actions=drop",
     "\"nw_dst=10.0.0.300\": 10.0.0.300 is not an IPv4 address"},
    {A, "ip,nw_dst=10.0.0.0/33,actions=drop",
     "\"nw_dst=10.0.0.0/33\": /33: an IPv4 prefix length is 0 to 32"},
    {A, "ip,nw_dst=10.0.0.0/255.0.x.0,actions=drop",
     "\"nw_dst=10.0.0.0/255.0.x.0\": 255.0.x.0 is not an IPv4 mask or prefix length"},
    {A, "ipv6,ipv6_src=fe80::g,actions=drop",
     "\"ipv6_src=fe80::g\": fe80::g is not an IPv6 address"},
    {A, "dl_src=00:11:22:33:44,actions=drop",
     "\"dl_src=00:11:22:33:44\": 00:11:22:33:44 is not an Ethernet address"},
    {A, "nw_bogus=1,actions=drop", "unknown field \"nw_bogus\""},
    {A, "tp_dst=80,actions=drop", "\"tp_dst=80\": tp_dst requires tcp, udp or sctp (add tcp,)"},
    {A, "ipv6,tp_dst=80,actions=drop",
     "\"tp_dst=80\": tp_dst requires tcp6, udp6 or sctp6 (add tcp6,)"},
    {A, "udp,tcp_dst=80,actions=drop", "\"tcp_dst=80\": tcp_dst requires tcp (add tcp,)"},
    {A, "nw_src=10.0.0.1,actions=drop", "\"nw_src=10.0.0.1\": nw_src requires ip or arp (add ip,)"},
    {A, "ip,arp_sha=00:00:00:00:00:01,actions=drop",
     "\"arp_sha=00:00:00:00:00:01\": arp_sha requires arp (add arp,)"},
    {A, "ip,icmp_type=3,actions=drop",
     "\"icmp_type=3\": icmp_type requires icmp or icmp6 (add icmp,)"},
    {A, "ip,nw_proto=6/0xf,actions=drop", "\"nw_proto=6/0xf\": nw_proto cannot be masked"},
    {A, "in_port=1/1,actions=drop", "\"in_port=1/1\": in_port cannot be masked"},
    {A, "tcp,tp_dst=65536,actions=drop",
     "\"tp_dst=65536\": 65536 does not fit in tp_dst (16 bits)"},
    {A, "tcp,tp_dst=http,actions=drop", "\"tp_dst=http\": http is not a number"},
    {A, "ip,nw_tos=13,actions=drop",
     "\"nw_tos=13\": 13 is not a valid nw_tos: its low 2 bits must be 0"},
    {A, "dl_vlan=4096,actions=drop",
     "\"dl_vlan=4096\": 4096 does not fit in dl_vlan (12 bits) (0 to 4095, or 0xffff for no tag)"},
    {A, "ip,nw_frag=maybe,actions=drop",
     "\"nw_frag=maybe\": maybe is not a fragment type (no, yes, first, later or not_later)"},
    {A, "tcp,tcp_flags=+syn+fin+syn,actions=drop",
     "\"tcp_flags=+syn+fin+syn\": TCP flag syn given twice"},
    {A, "tcp,tcp_flags=+bogus,actions=drop",
     "\"tcp_flags=+bogus\": unknown TCP flag (the flags are fin, syn, rst, psh, ack, urg, ece, cwr "
     "and ns)"},
    {A, "in_port=eth9,actions=drop", "\"in_port=eth9\": no port named eth9 on this bridge"},
    {A, "in_port=70000,actions=drop",
     "\"in_port=70000\": 70000 is not a valid port number (1 to 65279, or a reserved port "
     "0xffffff00 to "
     "0xffffffff)"},
    {A, "nw_src,actions=drop", "\"nw_src\": nw_src needs a value (nw_src=VALUE)"},
    {A, "rarp,actions=drop", "\"rarp\": rarp is not supported by switchyard"},
    {A, "reg0[0..40]=1,actions=drop",
     "\"reg0[0..40]=1\": reg0[0..40]: reg0 has only 32 bits (0..31)"},
    // keywords
    {A, "table=all,actions=drop",
     "\"table=all\": add-flow puts a flow in one table (0 to 254), not all"},
    {A, "table=255x,actions=drop", "\"table=255x\": 255x is not a table (0 to 254)"},
    {A, "priority=65536,actions=drop",
     "\"priority=65536\": 65536 is not a valid priority (0 to 65535)"},
    {A, "idle_timeout=,actions=drop", "\"idle_timeout=\": idle_timeout needs a value"},
    {A, "cookie=1/1,actions=drop", "\"cookie=1/1\": add-flow cannot use a cookie mask"},
    {A, "cookie=zz,actions=drop", "\"cookie=zz\": zz is not a valid cookie (a 64-bit number)"},
    {A, "out_port=1,actions=drop", "\"out_port=1\": add-flow takes no out_port"},
    {A, "importance=5,actions=drop", "\"importance=5\": importance is not supported by switchyard"},
    {A, "ip", "add-flow needs actions (e.g. \"...,actions=drop\"; actions= comes last)"},
    {M, "cookie=5,actions=drop",
     "\"cookie=5\": mod-flows selects flows by cookie with a mask: write cookie=5/-1 (switchyard "
     "does not "
     "rewrite cookies)"},
    {D, "ip,actions=drop", "\"actions=drop\": del-flows takes no actions"},
    {D, "ip,actions=drop\nx",
     "\"actions=drop\\nx\": del-flows takes no actions"},  // one printable line
    {D, "priority=5", "\"priority=5\": del-flows takes no priority (only with --strict)"},
    {D, "idle_timeout=5", "\"idle_timeout=5\": del-flows takes no timeouts"},
    {D, "send_flow_rem", "\"send_flow_rem\": del-flows takes no flags"},
    {S, "out_port=eth9", "\"out_port=eth9\": no port named eth9 on this bridge"},
    {S, "table=300", "\"table=300\": 300 is not a table (0 to 254, or all)"},
    // actions
    {A, "ip,actions=output:foo", "\"output:foo\": no port named foo on this bridge"},
    {A, "actions=foo", "\"foo\": unknown action, and no port named foo on this bridge"},
    {A, "actions=frobnicate:3", "unknown action \"frobnicate\""},
    {A, "actions=70000",
     "\"70000\": 70000 is not a valid port number (1 to 65279, or a reserved port 0xffffff00 "
     "to 0xffffffff)"},
    {A, "actions=drop,output:1",
     "\"drop\": drop must not be accompanied by any other action or instruction"},
    {A, "actions=output:TABLE", "\"output:TABLE\": output to TABLE is only valid in a packet-out"},
    {A, "actions=output:ANY", "\"output:ANY\": ANY is not a port to send to"},
    {A, "actions=mod_nw_dst:10.0.0.1",
     "\"mod_nw_dst:10.0.0.1\": mod_nw_dst requires ip (add ip, to the match)"},
    {A, "ip,actions=mod_tp_dst:80",
     "\"mod_tp_dst:80\": mod_tp_dst requires tcp, udp or sctp (add tcp, to the match)"},
    {A, "actions=dec_ttl", "\"dec_ttl\": dec_ttl requires ip or ipv6 (add ip, to the match)"},
    {A, "actions=pop_vlan",
     "\"pop_vlan\": pop_vlan requires a VLAN tag (match one with dl_vlan= or "
     "vlan_tci=0x1000/0x1000, or "
     "push_vlan first)"},
    {A, "actions=set_field:5->vlan_vid",
     "\"set_field:5->vlan_vid\": vlan_vid requires a VLAN tag (match one with dl_vlan= or "
     "vlan_tci=0x1000/0x1000, or push_vlan first)"},
    {A, "ip,actions=mod_nw_tos:3",
     "\"mod_nw_tos:3\": 3 is not a valid TOS: its low 2 bits (ECN) must be 0 (use mod_nw_ecn)"},
    {A, "ip,actions=mod_nw_ecn:4", "\"mod_nw_ecn:4\": 4 is not a valid ECN (0 to 3)"},
    {A, "actions=mod_vlan_vid:4096",
     "\"mod_vlan_vid:4096\": 4096 is not a valid VLAN VID (0 to 4095)"},
    {A, "actions=push_vlan:0x0800",
     "\"push_vlan:0x0800\": 0x0800 is not a VLAN ethertype (0x8100 or 0x88a8)"},
    {A, "actions=set_field:6->nw_proto", "\"set_field:6->nw_proto\": nw_proto cannot be written"},
    {A, "actions=set_field:1->nw_bogus", "\"set_field:1->nw_bogus\": unknown field \"nw_bogus\""},
    {A, "actions=set_field:5", "\"set_field:5\": write set_field:VALUE->FIELD"},
    {A, "actions=load:0x10->reg0[0..3]", "\"load:0x10->reg0[0..3]\": 0x10 does not fit in 4 bits"},
    {A, "actions=load:1->reg0[3..1]",
     "\"load:1->reg0[3..1]\": reg0[3..1]: start bit 3 is after end bit 1"},
    {A, "actions=move:reg0[0..15]->reg1[0..7]",
     "\"move:reg0[0..15]->reg1[0..7]\": the source has 16 bits and the destination 8: they must be "
     "the same"},
    {A, "actions=move:reg0[0..15]->NXM_OF_ETH_TYPE[]",
     "\"move:reg0[0..15]->NXM_OF_ETH_TYPE[]\": dl_type cannot be written"},
    {A, "actions=resubmit(,)", "\"resubmit(,)\": resubmit needs a port or a table"},
    {A, "actions=resubmit(1,2,ct)",
     "\"resubmit(1,2,ct)\": resubmit(PORT,TABLE) takes two arguments (ct is not supported)"},
    {A, "table=2,actions=goto_table:2",
     "\"goto_table:2\": goto_table must go to a later table than this flow's (table 2)"},
    {A, "actions=goto_table:255", "\"goto_table:255\": 255 is not a table (0 to 254)"},
    {A, "actions=clear_actions,output:1",
     "\"output:1\": an action cannot follow clear_actions (the order is: actions, clear_actions, "
     "write_actions, "
     "write_metadata, goto_table)"},
    {A, "table=1,actions=goto_table:4,clear_actions",
     "\"clear_actions\": clear_actions must come before goto_table (the order is: actions, "
     "clear_actions, "
     "write_actions, write_metadata, goto_table)"},
    {A, "actions=write_metadata:1,write_metadata:2",
     "\"write_metadata:2\": write_metadata given twice"},
    {A, "actions=write_actions(clear_actions)",
     "\"clear_actions\": clear_actions is an instruction, not allowed inside write_actions(...)"},
    {A, "actions=write_metadata:0x1/zz",
     "\"write_metadata:0x1/zz\": write_metadata needs VALUE or VALUE/MASK (64-bit numbers)"},
    {A, "actions=apply_actions(output:1)",
     "\"apply_actions(output:1)\": apply_actions is the default instruction: write the actions "
     "without it"},
    {A, "actions=controller(reason=no_match)",
     "\"controller(reason=no_match)\": controller(reason=no_match) is not supported (only "
     "max_len=N)"},
    {A, "actions=CONTROLLER:70000",
     "\"CONTROLLER:70000\": 70000 is not a valid max_len (0 to 65535)"},
    {A, "ip,actions=dec_ttl(1,2)",
     "\"dec_ttl(1,2)\": dec_ttl with controller ids is not supported"},
};

TEST(FlowErrors, EachMalformedFlowGetsItsExactMessage) {
    const test::TestPorts ports;
    for (const Case& c : kCases) {
        auto fm = parse_flow(c.text, c.mode, ports);
        ASSERT_FALSE(fm) << c.text;
        EXPECT_EQ(fm.status().code(), Errc::invalid_argument) << c.text;
        EXPECT_EQ(fm.status().message(), c.message) << c.text;
        EXPECT_EQ(fm.status().message().find('\n'), std::string::npos) << c.text;
    }
}

}  // namespace
}  // namespace sy::flow
