#include "flow/flow_syntax.hpp"

#include <gtest/gtest.h>

#include "flow/action_format.hpp"
#include "flow/flow_format.hpp"
#include "flow/match_format.hpp"
#include "flow/test_port_names.hpp"

namespace sy::flow {
namespace {

const test::TestPorts kPorts;

FlowMod parse_ok(std::string_view text, FlowParseMode mode = FlowParseMode::add) {
    auto fm = parse_flow(text, mode, kPorts);
    EXPECT_TRUE(fm) << text << ": " << fm.status().message();
    return fm ? *fm : FlowMod{};
}

TEST(FlowSyntax, AddFlowFieldsAndActions) {
    const FlowMod fm = parse_ok(
        "table=3, priority=100,cookie=0x12 idle_timeout=10,hard_timeout=20,send_flow_rem,"
        "tcp,in_port=web0,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_nw_dst:10.0.0.2,output:web1");
    EXPECT_EQ(fm.command, FlowModCommand::add);
    EXPECT_EQ(fm.table, 3);
    EXPECT_EQ(fm.priority, 100);
    EXPECT_EQ(fm.cookie, 0x12u);
    EXPECT_EQ(fm.idle_timeout, 10);
    EXPECT_EQ(fm.hard_timeout, 20);
    EXPECT_EQ(fm.flags, kSendFlowRem);
    EXPECT_EQ(fm.match.value(FieldId::in_port), 1u);
    EXPECT_EQ(fm.match.key.nw_dst, 0x0a000000u);
    EXPECT_EQ(fm.match.mask.nw_dst, 0xffffff00u);
    EXPECT_EQ(fm.match.key.tp_dst, 80);
    ASSERT_EQ(fm.instructions.apply.size(), 2u);
    EXPECT_EQ(fm.instructions.apply[0].type, ActionType::set_field);
    EXPECT_EQ(fm.instructions.apply[0].field, FieldId::nw_dst);
    EXPECT_EQ(fm.instructions.apply[0].value, 0x0a000002u);
    EXPECT_EQ(fm.instructions.apply[1].port, 2u);
}

TEST(FlowSyntax, DefaultsFollowTheVerb) {
    EXPECT_EQ(parse_ok("actions=drop").table, 0);
    EXPECT_EQ(parse_ok("actions=drop").priority, kDefaultPriority);
    EXPECT_EQ(parse_ok("ip", FlowParseMode::del).table, kAllTables);
    EXPECT_EQ(parse_ok("ip", FlowParseMode::dump).table, kAllTables);
    EXPECT_EQ(parse_ok("ip,actions=drop", FlowParseMode::modify).table, kAllTables);
    EXPECT_EQ(parse_ok("", FlowParseMode::dump).command, FlowModCommand::del);
    EXPECT_EQ(parse_ok("", FlowParseMode::del_strict).command, FlowModCommand::del_strict);
    EXPECT_EQ(parse_ok("table=all", FlowParseMode::del).table, kAllTables);
    EXPECT_EQ(parse_ok("table=4", FlowParseMode::dump).table, 4);
}

TEST(FlowSyntax, CookieMasksSelectFlows) {
    const FlowMod del = parse_ok("cookie=0x1f/0xf0,out_port=db0", FlowParseMode::del);
    EXPECT_EQ(del.cookie, 0x10u);
    EXPECT_EQ(del.cookie_mask, 0xf0u);
    EXPECT_EQ(del.out_port, 3u);
    EXPECT_EQ(parse_ok("cookie=5/-1,actions=drop", FlowParseMode::modify).cookie_mask, ~0ull);
    EXPECT_EQ(parse_ok("cookie=5/-1", FlowParseMode::dump).cookie, 5u);
}

TEST(FlowSyntax, StrictVerbsTakePriority) {
    EXPECT_EQ(parse_ok("priority=7,ip", FlowParseMode::del_strict).priority, 7);
    EXPECT_EQ(parse_ok("priority=7,ip,actions=drop", FlowParseMode::modify_strict).priority, 7);
    EXPECT_FALSE(parse_flow("priority=7,ip", FlowParseMode::del, kPorts));
    EXPECT_FALSE(parse_flow("priority=7,ip", FlowParseMode::dump, kPorts));
}

TEST(FlowSyntax, OvsPortNumbersAndNames) {
    EXPECT_EQ(parse_ok("in_port=LOCAL,actions=drop").match.value(FieldId::in_port), kOfpLocal);
    EXPECT_EQ(parse_ok("in_port=local,actions=drop").match.value(FieldId::in_port), kOfpLocal);
    EXPECT_EQ(parse_ok("in_port=65534,actions=drop").match.value(FieldId::in_port), kOfpLocal);
    EXPECT_EQ(parse_ok("in_port=\"veth-a.1\",actions=drop").match.value(FieldId::in_port), 7u);
    EXPECT_EQ(parse_ok("actions=web1").instructions.apply[0].port, 2u);
    EXPECT_EQ(parse_ok("actions=NORMAL").instructions.apply[0].port, kOfpNormal);
    EXPECT_EQ(parse_ok("actions=output:CONTROLLER").instructions.apply[0].type,
              ActionType::controller);
    // Printed back with names where the bridge has them, quoted when not a plain word.
    const FlowMod fm = parse_ok("in_port=7,actions=output:1,resubmit(3,2)");
    EXPECT_EQ(format_match(fm.match, kPorts), "in_port=\"veth-a.1\"");
    EXPECT_EQ(format_instructions(fm.instructions, kPorts), "output:web0,resubmit(db0,2)");
    EXPECT_EQ(format_instructions(fm.instructions, NoPortNames{}), "output:1,resubmit(3,2)");
}

TEST(FlowSyntax, VlanViews) {
    const Match none = parse_ok("dl_vlan=0xffff,actions=drop").match;
    EXPECT_EQ(none.mask.vlan_tci, 0x1fff);  // untagged: VID and present bit all zero
    EXPECT_EQ(none.key.vlan_tci, 0);
    const Match vid = parse_ok("dl_vlan=5,dl_vlan_pcp=3,actions=drop").match;
    EXPECT_EQ(vid.key.vlan_tci, 0x1000 | 5 | (3 << 13));
    EXPECT_EQ(vid.mask.vlan_tci, 0xffff);
    EXPECT_EQ(format_match(vid, kPorts), "dl_vlan=5,dl_vlan_pcp=3");
    const Match tagged = parse_ok("vlan_tci=0x1000/0x1000,actions=drop").match;
    EXPECT_EQ(format_match(tagged, kPorts), "vlan_tci=0x1000/0x1000");
}

TEST(FlowSyntax, FragmentsAndTcpFlags) {
    const Match later = parse_ok("ip,nw_frag=later,actions=drop").match;
    EXPECT_EQ(later.key.nw_frag, kFragAny | kFragLater);
    EXPECT_EQ(parse_ok("ip,nw_frag=not_later,actions=drop").match.mask.nw_frag, kFragLater);
    const Match flags = parse_ok("tcp,tcp_flags=+syn-ack,actions=drop").match;
    EXPECT_EQ(flags.key.tcp_flags, 0x002);
    EXPECT_EQ(flags.mask.tcp_flags, 0x012);
    EXPECT_EQ(parse_ok("tcp,tcp_flags=syn|ack,actions=drop").match.mask.tcp_flags, 0xfff);
    EXPECT_EQ(parse_ok("tcp,tcp_flags=0x12/0x16,actions=drop").match.key.tcp_flags, 0x12);
}

TEST(FlowSyntax, PrerequisitesDoNotDependOnOrder) {
    EXPECT_TRUE(parse_flow("tp_dst=80,tcp,actions=drop", FlowParseMode::add, kPorts));
    EXPECT_TRUE(parse_flow("nw_src=10.0.0.1,arp,actions=drop", FlowParseMode::add, kPorts));
    EXPECT_TRUE(parse_flow("icmp6,icmp_type=135,actions=drop", FlowParseMode::add, kPorts));
}

TEST(FlowSyntax, InstructionsInOpenFlowOrder) {
    const Instructions ins =
        parse_ok(
            "table=1,ip,actions=push_vlan:0x8100,mod_vlan_vid:10,clear_actions,"
            "write_actions(output:3,dec_ttl),write_metadata:0x5/0xff,goto_table:3")
            .instructions;
    EXPECT_EQ(ins.apply.size(), 2u);
    EXPECT_TRUE(ins.clear_actions);
    ASSERT_TRUE(ins.write_actions);
    EXPECT_EQ(ins.write_actions->size(), 2u);
    ASSERT_TRUE(ins.write_metadata);
    EXPECT_EQ(ins.write_metadata->value, 5u);
    EXPECT_EQ(ins.write_metadata->mask, 0xffu);
    EXPECT_EQ(ins.goto_table, 3);
    EXPECT_FALSE(
        parse_flow("table=1,actions=write_actions(output:3,dec_ttl)", FlowParseMode::add, kPorts))
        << "dec_ttl in the action set still needs ip";
}

TEST(FlowSyntax, LoadAndMoveAreSubfieldWrites) {
    const ActionList a = parse_ok(
                             "actions=load:0x5->NXM_NX_REG0[4..7],move:reg1[0..15]->reg2[16..31],"
                             "load:0x1f0f->reg3[],set_field:0x0f00f/0xff0ff->reg4")
                             .instructions.apply;
    ASSERT_EQ(a.size(), 5u);  // the non-contiguous mask became two writes
    EXPECT_EQ(a[0].value, 0x50u);
    EXPECT_EQ(a[0].mask, 0xf0u);
    EXPECT_EQ(a[1].src.field, FieldId::reg1);
    EXPECT_EQ(a[1].dst.ofs, 16);
    EXPECT_EQ(a[1].dst.n_bits, 16);
    EXPECT_EQ(a[2].mask, 0xffffffffu);
    EXPECT_EQ(a[3].mask, 0xffu);
    EXPECT_EQ(a[4].mask, 0xff000u);
}

TEST(FlowSyntax, SameMeaningSameModel) {
    // mod_tp_dst, set_field on tcp_dst and load on NXM_OF_TCP_DST all write tp_dst.
    const Instructions a = parse_ok("tcp,actions=mod_tp_dst:80").instructions;
    EXPECT_EQ(a, parse_ok("tcp,actions=set_field:80->tcp_dst").instructions);
    EXPECT_EQ(a, parse_ok("tcp,actions=load:80->NXM_OF_TCP_DST[]").instructions);
    // mod_nw_tos:8 is set_field:2->ip_dscp.
    EXPECT_EQ(parse_ok("ip,actions=mod_nw_tos:8").instructions,
              parse_ok("ip,actions=set_field:2->ip_dscp").instructions);
    // An empty action set is no write_actions at all.
    EXPECT_FALSE(parse_ok("actions=write_actions(drop)").instructions.write_actions);
}

TEST(FlowSyntax, DumpFlowsOutputFeedsBack) {
    const FlowMod fm = parse_ok(
        " cookie=0x12, duration=1.5s, table=1, n_packets=3, n_bytes=180, idle_timeout=10, "
        "send_flow_rem priority=5,ip,nw_src=10.0.0.0/16 actions=resubmit(,2),dec_ttl,goto_table:3");
    EXPECT_EQ(fm.cookie, 0x12u);
    EXPECT_EQ(fm.table, 1);
    EXPECT_EQ(fm.idle_timeout, 10);
    EXPECT_EQ(fm.flags, kSendFlowRem);
    EXPECT_EQ(fm.priority, 5);
    EXPECT_EQ(fm.instructions.goto_table, 3);
}

TEST(FlowSyntax, FlowFilesWithCommentsCommandsAndLineNumbers) {
    const std::string text =
        "# the web tier\n"
        "priority=10,tcp,tp_dst=80,actions=output:web0   # http\n"
        "\n"
        "   \t\n"
        "delete_strict priority=10,tcp,tp_dst=80\n"
        "modify ip actions=NORMAL\r\n";
    auto flows = parse_flow_file(text, FlowFileMode::add_flows, kPorts);
    ASSERT_TRUE(flows) << flows.status().message();
    ASSERT_EQ(flows->size(), 3u);
    EXPECT_EQ((*flows)[0].command, FlowModCommand::add);
    EXPECT_EQ((*flows)[1].command, FlowModCommand::del_strict);
    EXPECT_EQ((*flows)[1].priority, 10);
    EXPECT_EQ((*flows)[2].command, FlowModCommand::modify);

    auto bad = parse_flow_file("ip,actions=drop\n\n# x\ntp_dst=80,actions=drop\n",
                               FlowFileMode::add_flows, kPorts);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.status().message(),
              "line 4: \"tp_dst=80\": tp_dst requires tcp, udp or sctp (add tcp,)");
    // replace-flows files hold flows only.
    EXPECT_FALSE(parse_flow_file("delete ip\n", FlowFileMode::replace_flows, kPorts));
    auto empty = parse_flow_file("# nothing\n\n", FlowFileMode::replace_flows, kPorts);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(FlowSyntax, TraceFlowIsAPacket) {
    auto key = parse_trace_flow("in_port=web1,tcp,nw_dst=10.0.0.1,tp_dst=80", kPorts);
    ASSERT_TRUE(key) << key.status().message();
    EXPECT_EQ(key->in_port, 2u);
    EXPECT_EQ(key->dl_type, 0x0800);
    EXPECT_EQ(key->nw_proto, 6);
    EXPECT_EQ(key->tp_dst, 80);
    EXPECT_EQ(key->nw_ttl, 64);
    EXPECT_EQ(parse_trace_flow("ip,nw_ttl=1", kPorts)->nw_ttl, 1);
    EXPECT_FALSE(parse_trace_flow("ip,actions=drop", kPorts));
    EXPECT_FALSE(parse_trace_flow("tp_dst=80", kPorts));
}

}  // namespace
}  // namespace sy::flow
