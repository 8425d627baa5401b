#include <gtest/gtest.h>

#include "flow/action_format.hpp"
#include "flow/flow_format.hpp"
#include "flow/flow_syntax.hpp"
#include "flow/match_format.hpp"
#include "flow/test_port_names.hpp"

namespace sy::flow {
namespace {

const NoPortNames kNumbers;

FlowMod parse_ok(std::string_view text) {
    auto fm = parse_flow(text, FlowParseMode::add, test::TestPorts{});
    EXPECT_TRUE(fm) << text << ": " << fm.status().message();
    return fm ? *fm : FlowMod{};
}

std::string match_of(std::string_view text) {
    return format_match(parse_ok(text).match, kNumbers);
}
std::string actions_of(std::string_view text) {
    return format_instructions(parse_ok(text).instructions, kNumbers);
}

FlowStats stats_of(std::string_view text) {
    const FlowMod fm = parse_ok(text);
    FlowStats st;
    st.table = fm.table;
    st.priority = fm.priority;
    st.cookie = fm.cookie;
    st.idle_timeout = fm.idle_timeout;
    st.hard_timeout = fm.hard_timeout;
    st.flags = fm.flags;
    st.match = fm.match;
    st.instructions = fm.instructions;
    return st;
}

TEST(FlowFormat, MatchInOvsOfctlOrderAndForms) {
    EXPECT_EQ(match_of("tp_dst=80,nw_dst=10.0.0.0/24,in_port=1,tcp,actions=drop"),
              "tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80");
    EXPECT_EQ(match_of("dl_type=0x0800,nw_proto=17,actions=drop"), "udp");
    EXPECT_EQ(match_of("ip,nw_proto=47,actions=drop"), "ip,nw_proto=47");
    EXPECT_EQ(match_of("dl_type=0x88cc,actions=drop"), "dl_type=0x88cc");
    EXPECT_EQ(match_of("ip,nw_src=10.0.0.0/255.0.255.0,actions=drop"),
              "ip,nw_src=10.0.0.0/255.0.255.0");
    EXPECT_EQ(match_of("ip,nw_src=10.0.0.7/0,actions=drop"), "ip");
    EXPECT_EQ(match_of("icmp6,icmpv6_type=135,actions=drop"), "icmp6,icmp_type=135");
    EXPECT_EQ(match_of("arp,nw_src=10.0.0.1,nw_proto=2,actions=drop"),
              "arp,arp_spa=10.0.0.1,arp_op=2");
    EXPECT_EQ(match_of("ipv6,ipv6_label=5,actions=drop"), "ipv6,ipv6_label=0x00005");
    EXPECT_EQ(match_of("reg0=0/0xff,metadata=0,tun_id=0x5/0xf,actions=drop"),
              "reg0=0/0xff,tun_id=0x5/0xf,metadata=0");
    EXPECT_EQ(match_of("tcp,tp_src=0/0xff00,actions=drop"), "tcp,tp_src=0x0/0xff00");
    EXPECT_EQ(match_of("ip,ip_dscp=46,nw_ecn=1,actions=drop"), "ip,nw_tos=184,nw_ecn=1");
    EXPECT_EQ(match_of("tcp,tcp_flags=-ack+syn,actions=drop"), "tcp,tcp_flags=+syn-ack");
    EXPECT_EQ(match_of("tcp,tcp_flags=ack|syn,actions=drop"), "tcp,tcp_flags=syn|ack");
    EXPECT_EQ(match_of("ip,nw_frag=yes,actions=drop"), "ip,nw_frag=yes");
    EXPECT_EQ(match_of("dl_src=00:11:22:33:44:55/ff:ff:ff:ff:ff:ff,actions=drop"),
              "dl_src=00:11:22:33:44:55");
    EXPECT_EQ(match_of("actions=drop"), "");
}

TEST(FlowFormat, ActionsAsOvsOfctlWritesThem) {
    EXPECT_EQ(actions_of("actions=drop"), "drop");
    EXPECT_EQ(actions_of("ip,actions=set_field:10.0.0.2->ip_dst,2"),
              "mod_nw_dst:10.0.0.2,output:2");
    EXPECT_EQ(actions_of("actions=normal,flood,all,in_port,local,controller"),
              "NORMAL,FLOOD,ALL,IN_PORT,LOCAL,CONTROLLER:65535");
    EXPECT_EQ(actions_of("actions=resubmit(2),resubmit(,3),resubmit(1,4)"),
              "resubmit:2,resubmit(,3),resubmit(1,4)");
    EXPECT_EQ(actions_of("actions=set_field:0x1f0f/0xff0f->reg1"),
              "load:0xf->NXM_NX_REG1[0..3],load:0x1f->NXM_NX_REG1[8..15]");
    EXPECT_EQ(actions_of("actions=load:0x5->reg0[]"), "set_field:0x5->reg0");
    EXPECT_EQ(actions_of("dl_vlan=1,actions=set_field:4106->vlan_vid"), "set_field:4106->vlan_vid");
    EXPECT_EQ(actions_of("ip,actions=load:0xa->NXM_OF_IP_DST[24..31]"),
              "load:0xa->NXM_OF_IP_DST[24..31]");
    EXPECT_EQ(actions_of("ip,actions=set_field:46->ip_dscp"), "mod_nw_tos:184");
    EXPECT_EQ(actions_of("actions=move:in_port[]->reg0[]"), "move:OXM_OF_IN_PORT[]->NXM_NX_REG0[]");
    EXPECT_EQ(actions_of("actions=push_vlan:0x88a8,mod_vlan_vid:5,mod_vlan_pcp:2"),
              "push_vlan:0x88a8,mod_vlan_vid:5,mod_vlan_pcp:2");
    EXPECT_EQ(actions_of("table=2,actions=clear_actions,write_actions(output:1),write_metadata:0x1,"
                         "goto_table:3"),
              "clear_actions,write_actions(output:1),write_metadata:0x1,goto_table:3");
}

TEST(FlowFormat, DumpFlowsLineAsOvsOfctlPrintsIt) {
    FlowStats st = stats_of("priority=100,tcp,nw_dst=10.0.0.1,idle_timeout=10,actions=output:1");
    st.duration_ns = 1'234'000'000;
    EXPECT_EQ(format_flow_stats(st, kNumbers),
              " cookie=0x0, duration=1.234s, table=0, n_packets=0, n_bytes=0, idle_timeout=10, "
              "priority=100,tcp,nw_dst=10.0.0.1 actions=output:1");
    EXPECT_EQ(format_flow_stats(st, kNumbers, false),
              " idle_timeout=10, priority=100,tcp,nw_dst=10.0.0.1 actions=output:1");

    FlowStats d =
        stats_of("cookie=0x12,table=1,hard_timeout=20,send_flow_rem,check_overlap,actions=drop");
    d.n_packets = 7;
    d.n_bytes = 420;
    d.duration_ns = 5'000'000'000;
    EXPECT_EQ(format_flow_stats(d, kNumbers),
              " cookie=0x12, duration=5s, table=1, n_packets=7, n_bytes=420, hard_timeout=20, "
              "send_flow_rem "
              "check_overlap actions=drop");
    EXPECT_EQ(format_flow_stats(d, kNumbers, false),
              " cookie=0x12, table=1, hard_timeout=20, send_flow_rem check_overlap actions=drop");
    d.duration_ns = 2'000'000'100;
    EXPECT_NE(format_flow_stats(d, kNumbers).find("duration=2.0000001s,"), std::string::npos);
    d.duration_ns = 999'000'000;
    EXPECT_NE(format_flow_stats(d, kNumbers).find("duration=0.999s,"), std::string::npos);

    FlowStats z = stats_of("priority=0,actions=NORMAL");
    EXPECT_EQ(format_flow_stats(z, kNumbers, false), " priority=0 actions=NORMAL");
}

TEST(FlowFormat, DumpFlowsJson) {
    FlowStats st = stats_of(
        "cookie=0x12,table=3,priority=100,send_flow_rem,tcp,in_port=1,nw_dst=10.0.0.0/24,"
        "actions=mod_nw_dst:10.0.0.2,output:2");
    st.n_packets = 4;
    st.n_bytes = 256;
    st.duration_ns = 1'500'000'000;
    st.idle_ns = 2'000'000'000;
    const nlohmann::json j = flow_stats_json(st, kNumbers);
    EXPECT_EQ(j["cookie"], "0x12");
    EXPECT_EQ(j["table"], 3);
    EXPECT_EQ(j["priority"], 100);
    EXPECT_EQ(j["n_packets"], 4);
    EXPECT_EQ(j["n_bytes"], 256);
    EXPECT_DOUBLE_EQ(j["duration"].get<double>(), 1.5);
    EXPECT_EQ(j["idle_age"], 2);
    EXPECT_EQ(j["flags"], nlohmann::json::array({"send_flow_rem"}));
    EXPECT_EQ(j["match"],
              (nlohmann::json{{"protocol", "tcp"}, {"in_port", "1"}, {"nw_dst", "10.0.0.0/24"}}));
    EXPECT_EQ(j["actions"], nlohmann::json::array({"mod_nw_dst:10.0.0.2", "output:2"}));
    EXPECT_EQ(flow_stats_json(stats_of("actions=drop"), kNumbers)["actions"],
              nlohmann::json::array());
}

}  // namespace
}  // namespace sy::flow
