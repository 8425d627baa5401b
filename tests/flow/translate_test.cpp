// The OpenFlow 1.3 pipeline walk: what program, megaflow and visits a key gets.
#include "flow/translate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testlib/flow_builders.hpp"

namespace sy::flow {
namespace {

namespace fb = testlib::fb;

FlowKey pkt(std::uint32_t in_port = 1) {
    return fb::tcp_key(in_port, fb::ipv4(10, 0, 0, 1), fb::ipv4(10, 0, 0, 2), 1000, 80);
}

struct Tables {
    FlowTables t;
    void add(const FlowMod& m) { ASSERT_TRUE(t.apply(m, 0)) << t.apply(m, 0).status.message(); }
    Translation run(const FlowKey& k) { return translate(t, k); }
};

Op out(OfPort p) {
    Op o;
    o.type = OpType::output;
    o.port = p;
    return o;
}
Op op(OpType type) {
    Op o;
    o.type = type;
    return o;
}
Op setop(FieldId f, FieldValue v) {
    Op o;
    o.type = OpType::set_field;
    o.field = f;
    o.value = v;
    return o;
}
std::vector<Op> ops(const Program& p) {
    return {p.ops.begin(), p.ops.begin() + p.count};
}

TEST(Translate, DefaultFlowIsPlainNormalForEveryPacket) {
    auto t = make_bridge_tables(0);
    const Translation tr = translate(*t, pkt());
    EXPECT_TRUE(tr.program.is_plain_normal());
    EXPECT_EQ(tr.program.drop, ProgramDrop::none);
    EXPECT_EQ(tr.megaflow, FlowMask{});  // depends on nothing: one megaflow for all traffic
    ASSERT_EQ(tr.n_visits, 1);
    EXPECT_EQ(tr.visits[0].table, 0);
    EXPECT_NE(tr.visits[0].rule, nullptr);
}

TEST(Translate, TableMissDropsAndSaysWhere) {
    Tables x;
    Translation tr = x.run(pkt());
    EXPECT_EQ(tr.program.count, 0);
    EXPECT_EQ(tr.program.drop, ProgramDrop::no_match);
    EXPECT_EQ(tr.program.drop_table, 0);
    ASSERT_EQ(tr.n_visits, 1);
    EXPECT_EQ(tr.visits[0].rule, nullptr);

    x.add(fb::with_goto(fb::add(0, 1, Match{}, {}), 3));
    tr = x.run(pkt());
    EXPECT_EQ(tr.program.drop, ProgramDrop::no_match);
    EXPECT_EQ(tr.program.drop_table, 3);
    EXPECT_EQ(tr.n_visits, 2);
}

TEST(Translate, ActionsDropIsNotAMiss) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::set(FieldId::reg0, 5)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(tr.program.count, 0);
    EXPECT_EQ(tr.program.drop, ProgramDrop::actions_drop);
}

TEST(Translate, GotoWriteMetadataAndTheActionSetInSpecOrder) {
    Tables x;
    FlowMod t0 = fb::with_goto(fb::add(0, 1, Match{}, {}), 1);
    t0.instructions.write_metadata = WriteMetadata{0xab00, 0xff00};
    t0.instructions.write_actions =
        ActionList{fb::output(7), fb::set(FieldId::dl_vlan_pcp, 5), fb::push_vlan()};
    x.add(t0);
    Match meta;
    meta.set(FieldId::metadata, 0xab00, 0xff00);
    FlowMod t1 = fb::add(1, 1, meta, {});
    t1.instructions.write_actions = ActionList{fb::output(9), fb::pop_vlan()};  // later wins
    x.add(t1);
    const Translation tr = x.run(pkt());
    // Slots (pop, push), then sets, then the output; the later output won. The packet is
    // untagged: pop_vlan does nothing, push_vlan makes a tag, the PCP goes into it.
    Op push = op(OpType::push_vlan);
    push.arg = 0x8100;
    push.value = kVlanPresent | 5u << 13;
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{push, out(9)}));
    EXPECT_EQ(tr.megaflow.metadata, 0xff00u);
    EXPECT_EQ(tr.n_visits, 2);
}

TEST(Translate, ClearActionsEmptiesTheSetAndASetWithoutOutputDoesNothing) {
    Tables x;
    FlowMod t0 = fb::with_goto(fb::add(0, 1, Match{}, {}), 1);
    t0.instructions.write_actions = ActionList{fb::output(7)};
    x.add(t0);
    FlowMod t1 = fb::add(1, 1, Match{}, {});
    t1.instructions.clear_actions = true;
    t1.instructions.write_actions = ActionList{fb::set(FieldId::dl_dst, 1)};
    x.add(t1);
    const Translation tr = x.run(pkt());
    EXPECT_EQ(tr.program.count, 0);
    EXPECT_EQ(tr.program.drop, ProgramDrop::actions_drop);
}

TEST(Translate, GotoMissKeepsOutputsAlreadyMadeAndDiscardsTheSet) {
    Tables x;
    FlowMod t0 = fb::with_goto(fb::add(0, 1, Match{}, {fb::output(2)}), 1);
    t0.instructions.write_actions = ActionList{fb::output(3)};
    x.add(t0);
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});
    EXPECT_EQ(tr.program.drop, ProgramDrop::none);
}

TEST(Translate, ResubmitRunsTheOtherTableAndComesBack) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::output(2), fb::resubmit(5), fb::output(4)}));
    x.add(fb::add(5, 1, Match{}, {fb::output(3)}));
    Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{out(2), out(3), out(4)}));
    EXPECT_EQ(tr.n_visits, 2);
    // A resubmit that matches nothing is not a drop.
    x.add(fb::add(0, 2, fb::match({{FieldId::in_port, 7}}), {fb::resubmit(6), fb::output(5)}));
    tr = x.run(pkt(7));
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(5)});
}

TEST(Translate, ResubmitWithAPortLooksUpAsIfFromThere) {
    Tables x;
    x.add(fb::add(0, 1, fb::match({{FieldId::in_port, 1}}), {fb::resubmit(1, 9)}));
    x.add(fb::add(1, 1, fb::match({{FieldId::in_port, 9}}), {fb::output(kOfpInPort)}));
    const Translation tr = x.run(pkt(1));
    // in_port 9 was only for the lookup: IN_PORT is still the real ingress.
    EXPECT_EQ(ops(tr.program), std::vector<Op>{op(OpType::in_port)});
}

TEST(Translate, ResubmitLoopsAreCut) {
    Tables x;
    x.add(fb::add(0, 2, fb::match({{FieldId::reg0, 0}}),
                  {fb::set(FieldId::reg0, 1), fb::output(2), fb::resubmit(0)}));
    x.add(fb::add(0, 1, Match{}, {fb::resubmit(0)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(tr.program.count, 0);  // nothing at all is sent
    EXPECT_EQ(tr.program.drop, ProgramDrop::too_many_resubmits);
    EXPECT_FALSE(tr.cacheable);  // more visits than a cache entry keeps
}

TEST(Translate, TooManyOpsDropsThePacket) {
    Tables x;
    ActionList many;
    for (OfPort p = 2; p < 2 + Program::kMaxOps + 1; ++p) many.push_back(fb::output(p));
    x.add(fb::add(0, 1, Match{}, many));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(tr.program.count, 0);
    EXPECT_EQ(tr.program.drop, ProgramDrop::too_many_ops);
}

TEST(Translate, SetFieldEmitsTheWholeValueAndLaterLookupsSeeIt) {
    Tables x;
    x.add(fb::add(0, 1, fb::tcp(),
                  {fb::set(FieldId::nw_dst, fb::ipv4(10, 0, 0, 9)), fb::set(FieldId::tcp_dst, 8080),
                   fb::resubmit(1)}));
    Match rewritten = fb::tcp();
    rewritten.set(FieldId::nw_dst, fb::ipv4(10, 0, 0, 9));
    rewritten.set(FieldId::tp_dst, 8080);
    x.add(fb::add(1, 1, rewritten, {fb::output(3)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{setop(FieldId::nw_dst, fb::ipv4(10, 0, 0, 9)),
                                                setop(FieldId::tp_dst, 8080), out(3)}));
}

TEST(Translate, MaskedSetFieldResolvesAgainstTheOldValueAndUnwildcardsIt) {
    Tables x;
    x.add(fb::add(0, 1, fb::ip(),
                  {fb::set_masked(FieldId::nw_src, 0x00000099, 0x000000ff), fb::output(2)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program),
              (std::vector<Op>{setop(FieldId::nw_src, fb::ipv4(10, 0, 0, 0x99)), out(2)}));
    EXPECT_EQ(tr.megaflow.nw_src, 0xffffff00u);  // the bits it kept
    EXPECT_EQ(tr.megaflow.dl_type, 0xffff);      // the prerequisite it checked
}

TEST(Translate, RegistersAndMetadataChangeOnlyTheKey) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::set(FieldId::reg3, 42), fb::resubmit(1)}));
    x.add(fb::add(1, 1, fb::match({{FieldId::reg3, 42}}), {fb::output(2)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});
}

TEST(Translate, MoveReadsItsSourceAndResolvesToAConcreteSet) {
    Tables x;
    x.add(fb::add(0, 1, fb::ip(),
                  {fb::move(FieldId::nw_src, 0, 32, FieldId::reg0, 0),
                   fb::move(FieldId::reg0, 0, 8, FieldId::nw_dst, 8), fb::output(2)}));
    const Translation tr = x.run(pkt());  // 10.0.0.1 -> 10.0.0.2
    EXPECT_EQ(ops(tr.program),
              (std::vector<Op>{setop(FieldId::nw_dst, fb::ipv4(10, 0, 1, 2)), out(2)}));
    EXPECT_EQ(tr.megaflow.nw_src, 0xffffffffu);  // read
    EXPECT_EQ(tr.megaflow.nw_dst, 0xffff00ffu);  // the destination bits it kept
}

TEST(Translate, SetFieldThePacketLacksIsIgnored) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::set(FieldId::vlan_pcp, 3), fb::output(2)}));
    const Translation tr = x.run(pkt());  // untagged: vlan_pcp needs a tag (OVS)
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});

    FlowKey later = pkt();
    later.nw_frag = kFragAny | kFragLater;
    later.tp_src = later.tp_dst = 0;
    Tables y;
    y.add(fb::add(0, 1, fb::tcp(), {fb::set(FieldId::tp_dst, 1), fb::output(2)}));
    const Translation tf = y.run(later);
    EXPECT_EQ(ops(tf.program), std::vector<Op>{out(2)});  // no L4 header to rewrite
    EXPECT_EQ(tf.megaflow.nw_frag, kFragLater);
}

TEST(Translate, CanonicalFieldsInOps) {
    Tables x;
    x.add(fb::add(0, 1, fb::tcp(),
                  {fb::set(FieldId::tcp_src, 7), fb::set(FieldId::ip_dscp, 46), fb::output(2)}));
    Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{setop(FieldId::tp_src, 7),
                                                setop(FieldId::nw_tos, 46 << 2), out(2)}));
    Tables y;
    Match arp = fb::match({{FieldId::dl_type, 0x0806}});
    y.add(fb::add(0, 1, arp, {fb::set(FieldId::nw_src, fb::ipv4(1, 2, 3, 4)), fb::output(2)}));
    FlowKey k;
    k.dl_type = 0x0806;
    tr = y.run(k);
    EXPECT_EQ(ops(tr.program),
              (std::vector<Op>{setop(FieldId::arp_spa, fb::ipv4(1, 2, 3, 4)), out(2)}));
}

TEST(Translate, ConsecutiveSetsOfOneFieldMerge) {
    Tables x;
    x.add(fb::add(
        0, 1, fb::ip(),
        {fb::set(FieldId::nw_dst, 1), fb::set(FieldId::dl_dst, 5), fb::set(FieldId::nw_dst, 2),
         fb::output(2), fb::set(FieldId::nw_dst, 3), fb::output(3), fb::set(FieldId::dl_src, 9)}));
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program),
              (std::vector<Op>{setop(FieldId::nw_dst, 2), setop(FieldId::dl_dst, 5), out(2),
                               setop(FieldId::nw_dst, 3), out(3)}));  // trailing set cut
}

TEST(Translate, DecTtl) {
    Tables x;
    x.add(fb::add(0, 1, fb::ip(), {fb::dec_ttl(), fb::output(2)}));
    Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{op(OpType::dec_ttl), out(2)}));
    EXPECT_EQ(tr.megaflow.nw_ttl, 0xff);
    FlowKey k = pkt();
    for (std::uint8_t ttl : {0, 1}) {
        k.nw_ttl = ttl;
        tr = x.run(k);
        EXPECT_EQ(tr.program.count, 0);
        EXPECT_EQ(tr.program.drop, ProgramDrop::ttl_expired);
    }
    Tables y;
    y.add(fb::add(0, 1, Match{}, {fb::dec_ttl(), fb::output(2)}));
    FlowKey arp;
    arp.dl_type = 0x0806;
    tr = y.run(arp);
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});  // not IP: nothing to decrement
}

TEST(Translate, TtlExpiryKeepsOutputsAlreadyMade) {
    Tables x;
    x.add(fb::add(0, 1, fb::ip(), {fb::output(2), fb::dec_ttl(), fb::output(3)}));
    FlowKey k = pkt();
    k.nw_ttl = 1;
    const Translation tr = x.run(k);
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});
}

TEST(Translate, OutputToTheIngressPortNeedsInPort) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::output(1), fb::output(2), fb::output(kOfpInPort)}));
    const Translation tr = x.run(pkt(1));
    EXPECT_EQ(ops(tr.program), (std::vector<Op>{out(2), op(OpType::in_port)}));
    EXPECT_EQ(tr.megaflow.in_port, 0xffffffffu);
}

TEST(Translate, ReservedPortsBecomeTheirOps) {
    Tables x;
    x.add(fb::add(0, 1, Match{}, {fb::output(kOfpFlood), fb::output(kOfpAll), fb::controller(64)},
                  0xc0c0));
    const Translation tr = x.run(pkt());
    ASSERT_EQ(tr.program.count, 3);
    EXPECT_EQ(tr.program.ops[0].type, OpType::flood);
    EXPECT_EQ(tr.program.ops[1].type, OpType::all);
    const Op& c = tr.program.ops[2];
    EXPECT_EQ(c.type, OpType::controller);
    EXPECT_EQ(c.arg, 64);
    EXPECT_EQ(c.cookie, 0xc0c0u);
    EXPECT_EQ(c.table, 0);
    EXPECT_EQ(c.reason, PacketInReason::action);
}

TEST(Translate, TableMissFlowReportsNoMatch) {
    Tables x;
    x.add(fb::add(0, 0, Match{}, {fb::controller(0xffff)}));
    x.add(fb::add(0, 5, fb::match({{FieldId::reg0, 1}}), {fb::controller(0xffff)}));
    const Translation tr = x.run(pkt());
    ASSERT_EQ(tr.program.count, 1);
    EXPECT_EQ(tr.program.ops[0].reason, PacketInReason::no_match);  // OF 1.3.5 5.4
}

TEST(Translate, OutputTableRunsTableZero) {
    Tables x;
    x.add(fb::add(0, 1, fb::match({{FieldId::reg0, 0}}),
                  {fb::set(FieldId::reg0, 1), fb::output(kOfpTable)}));
    x.add(fb::add(0, 2, fb::match({{FieldId::reg0, 1}}), {fb::output(5)}));
    EXPECT_EQ(ops(x.run(pkt()).program), std::vector<Op>{out(5)});
}

TEST(Translate, VlanChangesAreWholeOps) {
    Tables x;
    x.add(
        fb::add(0, 1, fb::match({{FieldId::in_port, 1}}), {fb::mod_vlan_vid(100), fb::output(2)}));
    x.add(fb::add(0, 1, fb::match({{FieldId::in_port, 2}}), {fb::pop_vlan(), fb::output(1)}));
    x.add(fb::add(
        0, 1, fb::match({{FieldId::in_port, 3}}),
        {fb::push_vlan(0x88a8), fb::set(FieldId::vlan_vid, kVlanPresent | 7), fb::output(4)}));
    x.add(fb::add(0, 1, fb::match({{FieldId::in_port, 4}}), {fb::mod_vlan_vid(5), fb::output(3)}));

    Op push = op(OpType::push_vlan);
    push.arg = 0x8100;
    push.value = kVlanPresent | 100;
    EXPECT_EQ(ops(x.run(pkt(1)).program), (std::vector<Op>{push, out(2)}));

    FlowKey tagged = pkt(2);
    tagged.vlan_tci = kVlanPresent | 3u << 13 | 100;
    EXPECT_EQ(ops(x.run(tagged).program), (std::vector<Op>{op(OpType::pop_vlan), out(1)}));

    push.arg = 0x88a8;
    push.value = kVlanPresent | 7;  // the set merged into the push
    EXPECT_EQ(ops(x.run(pkt(3)).program), (std::vector<Op>{push, out(4)}));

    tagged.in_port = 4;
    const Translation tr = x.run(tagged);
    EXPECT_EQ(ops(tr.program),
              (std::vector<Op>{setop(FieldId::vlan_tci, kVlanPresent | 3u << 13 | 5), out(3)}));
    EXPECT_EQ(tr.megaflow.vlan_tci, 0xffff);

    FlowKey untagged = pkt(2);  // pop_vlan on an untagged packet: nothing
    EXPECT_EQ(ops(x.run(untagged).program), std::vector<Op>{out(1)});
}

TEST(Translate, VisitsBeyondCapacityMakeItUncacheable) {
    Tables x;
    // 20 tables in a goto chain: 20 lookups, more than a cache entry credits.
    for (std::uint8_t t = 0; t < 20; ++t) {
        FlowMod m = fb::add(t, 1, Match{}, t == 19 ? ActionList{fb::output(2)} : ActionList{});
        if (t < 19) m.instructions.goto_table = t + 1;
        x.add(m);
    }
    const Translation tr = x.run(pkt());
    EXPECT_EQ(ops(tr.program), std::vector<Op>{out(2)});
    EXPECT_EQ(tr.n_visits, Translation::kMaxVisits);
    EXPECT_FALSE(tr.cacheable);
}

TEST(Translate, CreditGoesToEveryVisitedFlowAndTable) {
    Tables x;
    x.add(fb::with_goto(fb::add(0, 1, Match{}, {}), 1));
    x.add(fb::add(1, 1, Match{}, {fb::resubmit(2), fb::output(3)}));
    const Translation tr = x.run(pkt());
    credit(x.t, tr.visited(), 2, 200, 7);
    const auto flows = x.t.dump({}, 7);
    ASSERT_EQ(flows.size(), 2u);
    for (const FlowStats& f : flows) {
        EXPECT_EQ(f.n_packets, 2u);
        EXPECT_EQ(f.n_bytes, 200u);
        EXPECT_EQ(f.idle_ns, 0u);
    }
    EXPECT_EQ(x.t.table_stats(2).lookups, 2u);  // the resubmit's miss
    EXPECT_EQ(x.t.table_stats(2).matched, 0u);
    EXPECT_EQ(x.t.table_stats(1).matched, 2u);
}

struct Recorder : TraceObserver {
    std::vector<std::string> seen;
    void on_event(const TraceEvent& e) override {
        switch (e.kind) {
            case TraceEvent::Kind::lookup:
                seen.push_back("lookup " + std::to_string(e.table) + (e.rule ? " hit" : " miss"));
                break;
            case TraceEvent::Kind::action:
                seen.push_back("action");
                break;
            case TraceEvent::Kind::skipped:
                seen.push_back(std::string("skipped: ") + e.note);
                break;
            case TraceEvent::Kind::instruction:
                seen.push_back(e.note);
                break;
            case TraceEvent::Kind::action_set:
                seen.push_back("action set");
                break;
            case TraceEvent::Kind::stop:
                seen.push_back(std::string("stop ") + to_string(e.drop));
                break;
        }
    }
};

TEST(Translate, TraceSeesEveryStep) {
    Tables x;
    FlowMod t0 = fb::with_goto(fb::add(0, 1, Match{}, {fb::output(1)}), 1);
    t0.instructions.write_actions = ActionList{fb::output(2)};
    x.add(t0);
    x.add(fb::add(1, 1, Match{}, {fb::resubmit(4)}));
    Recorder r;
    TranslateOptions o;
    o.observer = &r;
    translate(x.t, pkt(1), o);
    EXPECT_EQ(r.seen, (std::vector<std::string>{"lookup 0 hit",
                                                "skipped: output to the ingress port (use IN_PORT)",
                                                "write_actions", "goto_table", "lookup 1 hit",
                                                "lookup 4 miss", "action set", "action"}));
}

}  // namespace
}  // namespace sy::flow
