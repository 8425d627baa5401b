// FLOW_MOD semantics of FlowTables against OpenFlow 1.3.5 section 6.4 and OVS's ofproto.c.
#include "flow/flow_tables.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/translate.hpp"
#include "testlib/flow_builders.hpp"

namespace sy::flow {
namespace {

namespace fb = testlib::fb;
constexpr std::uint64_t kSec = 1'000'000'000ull;

Match dst(unsigned last_octet) {
    Match m = fb::ip();
    m.set(FieldId::nw_dst, fb::ipv4(10, 0, 0, last_octet));
    return m;
}
Match dst_net(unsigned second_octet) {  // 10.x.0.0/16
    Match m = fb::ip();
    m.set(FieldId::nw_dst, fb::ipv4(10, second_octet, 0, 0), 0xffff0000u);
    return m;
}

// Credits `packets` packets of 100 bytes to whatever `key` hits, as the datapath would.
void traffic(const FlowTables& t, const FlowKey& key, std::uint64_t packets, std::uint64_t now) {
    const Translation tr = translate(t, key);
    credit(t, tr.visited(), packets, packets * 100, now);
}
FlowKey to(unsigned a, unsigned b, unsigned c, unsigned d) {
    return fb::tcp_key(1, fb::ipv4(10, 9, 9, 9), fb::ipv4(a, b, c, d), 1000, 80);
}

std::vector<FlowStats> all(const FlowTables& t, std::uint64_t now = 0) {
    return t.dump({}, now);
}

TEST(FlowTables, NewBridgeHasOnlyTheNormalFlow) {
    auto t = make_bridge_tables(5);
    ASSERT_EQ(t->flow_count(), 1u);
    EXPECT_TRUE(t->is_default());
    const FlowStats f = all(*t)[0];
    EXPECT_EQ(f.table, 0);
    EXPECT_EQ(f.priority, 0);
    EXPECT_EQ(f.match, Match{});
    ASSERT_EQ(f.instructions.apply.size(), 1u);
    EXPECT_EQ(f.instructions.apply[0], fb::normal());
    EXPECT_TRUE(translate(*t, to(10, 0, 0, 1)).program.is_plain_normal());
    EXPECT_TRUE(t->apply(fb::add(0, 10, dst(1), {fb::output(2)}), 6));
    EXPECT_FALSE(t->is_default());
}

// ---- add ----

TEST(FlowTables, AddReplacesSameMatchAndPriorityKeepingCountsNotDuration) {
    FlowTables t;
    ASSERT_TRUE(t.apply(fb::add(0, 100, dst(1), {fb::output(1)}, 0x11), 10 * kSec));
    traffic(t, to(10, 0, 0, 1), 3, 11 * kSec);
    const std::uint64_t gen = t.generation();
    FlowMod again = fb::add(0, 100, dst(1), {fb::output(2)}, 0x22);
    again.idle_timeout = 30;
    const FlowModOutcome out = t.apply(again, 20 * kSec);
    ASSERT_TRUE(out) << out.status.message();
    EXPECT_TRUE(out.removed.empty());  // no FLOW_REMOVED for a replaced flow
    EXPECT_EQ(out.added, 1u);
    EXPECT_NE(t.generation(), gen);
    const auto flows = all(t, 25 * kSec);
    ASSERT_EQ(flows.size(), 1u);
    EXPECT_EQ(flows[0].cookie, 0x22u);
    EXPECT_EQ(flows[0].idle_timeout, 30);
    EXPECT_EQ(flows[0].instructions.apply[0], fb::output(2));
    EXPECT_EQ(flows[0].n_packets, 3u);
    EXPECT_EQ(flows[0].n_bytes, 300u);
    EXPECT_EQ(flows[0].duration_ns, 5 * kSec);  // a new flow: duration from the re-add
    EXPECT_EQ(flows[0].idle_ns, 5 * kSec);
}

TEST(FlowTables, AddWithResetCountsStartsFromZero) {
    FlowTables t;
    t.apply(fb::add(0, 100, dst(1), {fb::output(1)}), 0);
    traffic(t, to(10, 0, 0, 1), 3, 1);
    FlowMod again = fb::add(0, 100, dst(1), {fb::output(1)});
    again.flags = kResetCounts;
    ASSERT_TRUE(t.apply(again, 2));
    EXPECT_EQ(all(t)[0].n_packets, 0u);
}

TEST(FlowTables, SameMatchOtherPriorityIsAnotherFlow) {
    FlowTables t;
    t.apply(fb::add(0, 100, dst(1), {fb::output(1)}), 0);
    t.apply(fb::add(0, 101, dst(1), {fb::output(2)}), 0);
    t.apply(fb::add(1, 100, dst(1), {fb::output(3)}), 0);
    EXPECT_EQ(t.flow_count(), 3u);
}

TEST(FlowTables, AddToTableAllGoesToTableZero) {
    FlowTables t;
    ASSERT_TRUE(t.apply(fb::add(kAllTables, 5, dst(1), {fb::output(1)}), 0));
    EXPECT_EQ(all(t)[0].table, 0);
}

TEST(FlowTables, CheckOverlap) {
    struct Case {
        const char* name;
        Match match;
        std::uint16_t priority;
        bool ok;
    };
    const Case cases[] = {
        {"overlapping, same priority", dst_net(0), 100, false},
        {"overlapping, other priority", dst_net(0), 99, true},
        {"disjoint, same priority", dst_net(1), 100, true},
        {"identical: replaced, not an overlap", dst(1), 100, true},
        {"wider, same priority", fb::ip(), 100, false},
    };
    for (const Case& c : cases) {
        FlowTables t;
        t.apply(fb::add(0, 100, dst(1), {fb::output(1)}), 0);
        const std::uint64_t gen = t.generation();
        FlowMod m = fb::add(0, c.priority, c.match, {fb::output(2)});
        m.flags = kCheckOverlap;
        const FlowModOutcome out = t.apply(m, 0);
        EXPECT_EQ(bool(out), c.ok) << c.name;
        if (!c.ok) {
            EXPECT_EQ(out.error, FlowModError::overlap) << c.name;
            EXPECT_EQ(out.status.code(), Errc::already_exists);
            EXPECT_NE(out.status.message().find("overlaps"), std::string::npos);
            EXPECT_EQ(t.generation(), gen) << c.name;
            EXPECT_EQ(t.flow_count(), 1u) << c.name;
        }
    }
}

// ---- modify ----

// Flows: A 10.0.0.1 prio 100 cookie 0x1 (table 0), B 10.0.0.2 prio 200 cookie 0x2, C ip prio
// 100 cookie 0x12, D 10.0.0.1 prio 100 in table 1 cookie 0x1.
struct Fixture {
    FlowTables t;
    Fixture() {
        t.apply(fb::add(0, 100, dst(1), {fb::output(1)}, 0x1), 0);
        t.apply(fb::add(0, 200, dst(2), {fb::output(1)}, 0x2), 0);
        t.apply(fb::add(0, 100, fb::ip(), {fb::output(1)}, 0x12), 0);
        t.apply(fb::add(1, 100, dst(1), {fb::output(1)}, 0x1), 0);
    }
    // Cookies of the flows whose first action is output:9, sorted.
    std::vector<std::uint64_t> changed() const {
        std::vector<std::uint64_t> out;
        for (const FlowStats& f : t.dump({}, 0)) {
            if (f.instructions.apply[0] == fb::output(9)) out.push_back(f.cookie + 0x100 * f.table);
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::vector<std::uint64_t> present() const {
        std::vector<std::uint64_t> out;
        for (const FlowStats& f : t.dump({}, 0)) out.push_back(f.cookie + 0x100 * f.table);
        std::sort(out.begin(), out.end());
        return out;
    }
};

struct SelectCase {
    const char* name;
    Match match;
    bool strict;
    std::uint8_t table;
    std::uint16_t priority;
    std::uint64_t cookie, cookie_mask;
    std::vector<std::uint64_t> selected;  // cookie + 0x100 * table
};

// The selection modify and delete share (out_port aside).
std::vector<SelectCase> selection_cases() {
    return {
        {"loose, match all, all tables",
         Match{},
         false,
         kAllTables,
         0,
         0,
         0,
         {0x1, 0x2, 0x12, 0x101}},
        {"loose, ip: every flow at least as specific",
         fb::ip(),
         false,
         kAllTables,
         0,
         0,
         0,
         {0x1, 0x2, 0x12, 0x101}},
        {"loose, 10.0.0.1: not the wider ip flow",
         dst(1),
         false,
         kAllTables,
         0,
         0,
         0,
         {0x1, 0x101}},
        {"loose, one table", dst(1), false, 1, 0, 0, 0, {0x101}},
        {"loose ignores priority", dst(2), false, kAllTables, 7, 0, 0, {0x2}},
        {"strict: same match and priority", dst(1), true, kAllTables, 100, 0, 0, {0x1, 0x101}},
        {"strict: other priority selects nothing", dst(1), true, kAllTables, 200, 0, 0, {}},
        {"strict: a wider match selects only itself",
         fb::ip(),
         true,
         kAllTables,
         100,
         0,
         0,
         {0x12}},
        {"cookie exact", Match{}, false, kAllTables, 0, 0x1, ~0ull, {0x1, 0x101}},
        {"cookie masked", Match{}, false, kAllTables, 0, 0x2, 0xf, {0x2, 0x12}},
        {"cookie mask 0: any cookie", Match{}, false, 0, 0, 0x55, 0, {0x1, 0x2, 0x12}},
    };
}

TEST(FlowTables, ModifySelection) {
    for (const SelectCase& c : selection_cases()) {
        Fixture f;
        FlowMod m = fb::modify(c.match, {fb::output(9)}, c.strict, c.table, c.priority);
        m.cookie = c.cookie;
        m.cookie_mask = c.cookie_mask;
        const FlowModOutcome out = f.t.apply(m, 0);
        ASSERT_TRUE(out) << c.name << ": " << out.status.message();
        EXPECT_EQ(f.changed(), c.selected) << c.name;
        EXPECT_EQ(out.modified, c.selected.size()) << c.name;
        EXPECT_EQ(f.t.flow_count(), 4u) << c.name << ": modify never adds (OpenFlow 1.3)";
    }
}

TEST(FlowTables, DeleteSelection) {
    for (const SelectCase& c : selection_cases()) {
        Fixture f;
        FlowMod m = fb::del(c.match, c.strict, c.table, c.priority);
        m.cookie = c.cookie;
        m.cookie_mask = c.cookie_mask;
        const FlowModOutcome out = f.t.apply(m, 3 * kSec);
        ASSERT_TRUE(out) << c.name;
        std::vector<std::uint64_t> removed;
        for (const RemovedFlow& r : out.removed) {
            EXPECT_EQ(r.reason, RemovedReason::del);
            EXPECT_EQ(r.stats.duration_ns, 3 * kSec);
            removed.push_back(r.stats.cookie + 0x100 * r.stats.table);
        }
        std::sort(removed.begin(), removed.end());
        EXPECT_EQ(removed, c.selected) << c.name;
        EXPECT_EQ(f.t.flow_count(), 4u - c.selected.size()) << c.name;
    }
}

TEST(FlowTables, ModifyKeepsCookieTimeoutsFlagsCountsAndDuration) {
    FlowTables t;
    FlowMod a = fb::add(0, 100, dst(1), {fb::output(1)}, 0x77);
    a.idle_timeout = 10;
    a.hard_timeout = 20;
    a.flags = kSendFlowRem;
    t.apply(a, 1 * kSec);
    traffic(t, to(10, 0, 0, 1), 4, 2 * kSec);
    FlowMod m = fb::modify(dst(1), {fb::output(5)});
    m.cookie = 0x99;  // a filter in OpenFlow 1.3 (mask 0: any); it does not set the cookie
    m.idle_timeout = 1;
    m.flags = kNoPktCounts;
    ASSERT_TRUE(t.apply(m, 5 * kSec));
    const FlowStats f = all(t, 6 * kSec)[0];
    EXPECT_EQ(f.instructions.apply[0], fb::output(5));
    EXPECT_EQ(f.cookie, 0x77u);
    EXPECT_EQ(f.idle_timeout, 10);
    EXPECT_EQ(f.hard_timeout, 20);
    EXPECT_EQ(f.flags, kSendFlowRem);
    EXPECT_EQ(f.n_packets, 4u);
    EXPECT_EQ(f.duration_ns, 5 * kSec);
    EXPECT_EQ(f.hard_age_ns, 1 * kSec);  // OVS: the hard timeout counts from the modify
    EXPECT_EQ(f.idle_ns, 4 * kSec);      // a modify is not a packet
}

TEST(FlowTables, ModifyWithResetCountsClearsThem) {
    FlowTables t;
    t.apply(fb::add(0, 100, dst(1), {fb::output(1)}), 0);
    traffic(t, to(10, 0, 0, 1), 4, 1);
    FlowMod m = fb::modify(dst(1), {fb::output(5)});
    m.flags = kResetCounts;
    ASSERT_TRUE(t.apply(m, 2));
    EXPECT_EQ(all(t)[0].n_packets, 0u);
    EXPECT_EQ(all(t)[0].n_bytes, 0u);
}

TEST(FlowTables, ModifyIgnoresOutPort) {
    Fixture f;
    FlowMod m = fb::modify(dst(1), {fb::output(9)});
    m.out_port = 77;  // no flow outputs there; OpenFlow 1.3 modify ignores it
    ASSERT_TRUE(f.t.apply(m, 0));
    EXPECT_EQ(f.changed(), (std::vector<std::uint64_t>{0x1, 0x101}));
}

TEST(FlowTables, DeleteByOutPortLooksAtApplyAndWriteActions) {
    FlowTables t;
    t.apply(fb::add(0, 1, dst(1), {fb::output(3)}, 1), 0);
    FlowMod w = fb::add(0, 2, dst(2), {}, 2);
    w.instructions.write_actions = ActionList{fb::output(3)};
    t.apply(w, 0);
    t.apply(fb::add(0, 3, dst(3), {fb::output(4)}, 3), 0);
    t.apply(fb::add(0, 4, dst(4), {fb::controller()}, 4), 0);
    t.apply(fb::add(0, 5, dst(5), {fb::output(kOfpFlood)}, 5), 0);
    FlowMod d = fb::del(Match{});
    d.out_port = 3;
    const FlowModOutcome out = t.apply(d, 0);
    ASSERT_EQ(out.removed.size(), 2u);
    EXPECT_EQ(out.removed[0].stats.cookie, 2u);  // dump order: priority 2 before 1
    EXPECT_EQ(out.removed[1].stats.cookie, 1u);
    d.out_port = kOfpController;
    EXPECT_EQ(t.apply(d, 0).removed.size(), 1u);
    d.out_port = 4;
    EXPECT_EQ(t.apply(d, 0).removed.size(), 1u);
    EXPECT_EQ(t.flow_count(), 1u);  // FLOOD is no port number
}

TEST(FlowTables, ModifyChecksGotoAgainstEachFlowsTable) {
    Fixture f;  // flows in tables 0 and 1
    FlowMod m = fb::modify(dst(1), {});
    m.instructions.goto_table = 1;  // forward for table 0, not for table 1
    const FlowModOutcome out = f.t.apply(m, 0);
    EXPECT_FALSE(out);
    EXPECT_EQ(out.error, FlowModError::bad_goto_table);
    EXPECT_EQ(f.changed(), std::vector<std::uint64_t>{});
    m.table = 0;
    EXPECT_TRUE(f.t.apply(m, 0));
}

// ---- validation: one precise line, nothing changed ----

TEST(FlowTables, RefusesBadFlowsWithPreciseMessages) {
    struct Case {
        const char* name;
        FlowMod mod;
        FlowModError error;
        const char* says;
    };
    FlowMod back = fb::add(3, 1, Match{}, {});
    back.instructions.goto_table = 2;
    FlowMod same = fb::add(3, 1, Match{}, {});
    same.instructions.goto_table = 3;
    FlowMod past = fb::add(3, 1, Match{}, {});
    past.instructions.goto_table = 255;
    FlowMod ctl_set = fb::add(0, 1, Match{}, {});
    ctl_set.instructions.write_actions = ActionList{fb::controller()};
    Match no_l4 = fb::ip();
    no_l4.set(FieldId::tp_dst, 80);
    Action wide = fb::set(FieldId::nw_ttl, 0);
    wide.value = 0x1ff;
    Action bad_vid = fb::mod_vlan_vid(4096);
    const Case cases[] = {
        {"goto backwards", back, FlowModError::bad_goto_table,
         "goto_table:2 in table 3: goto_table must name a later table"},
        {"goto itself", same, FlowModError::bad_goto_table, "goto_table:3 in table 3"},
        {"goto past the last table", past, FlowModError::bad_goto_table, "the last table is 254"},
        {"output:ANY", fb::add(0, 1, Match{}, {fb::output(kOfpAny)}), FlowModError::bad_out_port,
         "output:ANY: ANY is not a port a flow can output to"},
        {"output to a reserved number", fb::add(0, 1, Match{}, {fb::output(0xfffffff0)}),
         FlowModError::bad_out_port, "4294967280 is not a port"},
        {"controller in an action set", ctl_set, FlowModError::bad_action,
         "controller is not allowed in an action set"},
        {"set_field without its prerequisite",
         fb::add(0, 1, Match{}, {fb::set(FieldId::nw_src, 1)}), FlowModError::match_inconsistent,
         "nw_src needs a match on ip or arp"},
        {"l4 set_field needs the protocol",
         fb::add(0, 1, fb::ip(), {fb::set(FieldId::tp_dst, 8080)}),
         FlowModError::match_inconsistent, "tp_dst needs a match on tcp, udp or sctp"},
        {"set_field on a read-only field",
         fb::add(0, 1, Match{}, {fb::set(FieldId::dl_type, 0x86dd)}), FlowModError::bad_set_field,
         "dl_type cannot be written"},
        {"value wider than the field", fb::add(0, 1, fb::ip(), {wide}), FlowModError::bad_set_field,
         "does not fit in nw_ttl (8 bits)"},
        {"move of unequal widths", fb::add(0, 1, Match{}, {[] {
                                               Action a =
                                                   fb::move(FieldId::reg0, 0, 16, FieldId::reg1, 0);
                                               a.dst.n_bits = 8;
                                               return a;
                                           }()}),
         FlowModError::bad_argument, "the source has 16 bits but the destination 8"},
        {"move outside the field",
         fb::add(0, 1, Match{}, {fb::move(FieldId::reg0, 20, 16, FieldId::reg1, 0)}),
         FlowModError::bad_argument, "reg0[20..35] is outside reg0 (32 bits)"},
        {"push_vlan ethertype", fb::add(0, 1, Match{}, {fb::push_vlan(0x0800)}),
         FlowModError::bad_argument, "must be 0x8100 or 0x88a8"},
        {"VLAN ID range", fb::add(0, 1, Match{}, {bad_vid}), FlowModError::bad_argument,
         "a VLAN ID is 0 to 4095"},
        {"match prerequisite", fb::add(0, 1, no_l4, {}), FlowModError::bad_match_prereq,
         "tp_src/tp_dst need tcp, udp or sctp"},
    };
    for (const Case& c : cases) {
        auto t = make_bridge_tables(0);
        const std::uint64_t gen = t->generation();
        const FlowModOutcome out = t->apply(c.mod, 0);
        EXPECT_FALSE(out) << c.name;
        EXPECT_EQ(out.error, c.error) << c.name << ": " << to_string(out.error);
        EXPECT_NE(out.status.message().find(c.says), std::string::npos)
            << c.name << ": " << out.status.message();
        EXPECT_EQ(out.status.message().find('\n'), std::string::npos) << c.name;
        EXPECT_EQ(t->generation(), gen) << c.name;
        EXPECT_TRUE(t->is_default()) << c.name;
    }
}

TEST(FlowTables, ABatchIsAllOrNothing) {
    auto t = make_bridge_tables(0);
    traffic(*t, to(10, 0, 0, 1), 2, 1);
    const std::uint64_t gen = t->generation();
    FlowMod bad = fb::add(1, 1, Match{}, {});
    bad.instructions.goto_table = 0;
    const FlowMod mods[] = {
        fb::add(0, 100, dst(1), {fb::output(1)}),
        fb::del(Match{}, true, 0, 0),             // the NORMAL flow goes...
        fb::add(0, 0, Match{}, {fb::output(2)}),  // ...and comes back changed
        fb::modify(dst(1), {fb::output(3)}),
        bad,
    };
    const FlowModOutcome out = t->apply(mods, 2);
    EXPECT_FALSE(out);
    EXPECT_EQ(out.index, 4u);
    EXPECT_EQ(t->generation(), gen);
    ASSERT_TRUE(t->is_default());
    EXPECT_EQ(all(*t)[0].n_packets, 2u);  // the same flow, counters and all
    EXPECT_TRUE(t->apply(std::span(mods, 4), 3));
    EXPECT_EQ(t->flow_count(), 2u);
}

TEST(FlowTables, GenerationMovesOnEveryChangeOnly) {
    FlowTables a, b;
    EXPECT_NE(a.generation(), b.generation());  // unique across tables
    std::uint64_t g = a.generation();
    a.apply(fb::add(0, 1, dst(1), {}), 0);
    EXPECT_GT(a.generation(), g);
    g = a.generation();
    a.apply(fb::modify(dst(7), {}), 0);  // selects nothing
    a.apply(fb::del(dst(7)), 0);
    EXPECT_EQ(a.generation(), g);
    a.apply(fb::modify(dst(1), {fb::output(1)}), 0);
    EXPECT_GT(a.generation(), g);
    g = a.generation();
    a.apply(fb::del(dst(1)), 0);
    EXPECT_GT(a.generation(), g);
}

// ---- timeouts, with the clock in the test's hands ----

TEST(FlowTables, IdleTimeoutCountsFromTheLastPacket) {
    FlowTables t;
    FlowMod m = fb::add(0, 100, dst(1), {fb::output(1)});
    m.idle_timeout = 10;
    t.apply(m, 0);
    EXPECT_TRUE(t.expire(10 * kSec).empty());  // exactly 10 s: not yet (OVS: "more than")
    traffic(t, to(10, 0, 0, 1), 1, 8 * kSec);
    EXPECT_TRUE(t.expire(15 * kSec).empty());
    const std::uint64_t gen = t.generation();
    const auto gone = t.expire(18 * kSec + 1);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].reason, RemovedReason::idle_timeout);
    EXPECT_EQ(gone[0].stats.n_packets, 1u);
    EXPECT_EQ(gone[0].stats.duration_ns, 18 * kSec + 1);
    EXPECT_EQ(t.flow_count(), 0u);
    EXPECT_NE(t.generation(), gen);
}

TEST(FlowTables, HardTimeoutIgnoresTrafficButRestartsOnModify) {
    FlowTables t;
    FlowMod m = fb::add(0, 100, dst(1), {fb::output(1)});
    m.hard_timeout = 10;
    m.idle_timeout = 10;
    t.apply(m, 0);
    traffic(t, to(10, 0, 0, 1), 1, 9 * kSec);
    t.apply(fb::modify(dst(1), {fb::output(2)}), 5 * kSec);
    EXPECT_TRUE(t.expire(14 * kSec).empty());
    traffic(t, to(10, 0, 0, 1), 1, 14 * kSec);
    EXPECT_TRUE(t.expire(15 * kSec).empty());  // exactly 10 s after the modify: not yet
    const auto gone = t.expire(15 * kSec + 1);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].reason, RemovedReason::hard_timeout);
}

TEST(FlowTables, HardIsReportedWhenBothAreDue) {
    FlowTables t;
    FlowMod m = fb::add(0, 100, dst(1), {});
    m.hard_timeout = 5;
    m.idle_timeout = 5;
    t.apply(m, 0);
    t.apply(fb::add(0, 100, dst(2), {}), 0);  // no timeouts: stays forever
    const auto gone = t.expire(100 * kSec);
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].reason, RemovedReason::hard_timeout);
    EXPECT_EQ(t.flow_count(), 1u);
}

TEST(FlowTables, ReAddRestartsTheIdleTime) {
    FlowTables t;
    FlowMod m = fb::add(0, 100, dst(1), {});
    m.idle_timeout = 10;
    t.apply(m, 0);
    t.apply(m, 9 * kSec);
    EXPECT_TRUE(t.expire(15 * kSec).empty());
    EXPECT_EQ(t.expire(20 * kSec).size(), 1u);
}

// ---- dump-flows, aggregate, table stats ----

TEST(FlowTables, DumpOrderAndFilters) {
    Fixture f;
    const auto flows = f.t.dump({}, 0);
    ASSERT_EQ(flows.size(), 4u);
    EXPECT_EQ(flows[0].cookie, 0x2u);   // table 0, priority 200
    EXPECT_EQ(flows[1].cookie, 0x1u);   // table 0, priority 100, added first
    EXPECT_EQ(flows[2].cookie, 0x12u);  // table 0, priority 100, added later
    EXPECT_EQ(flows[3].table, 1);
    FlowFilter filter;
    filter.match = dst(1);
    EXPECT_EQ(f.t.dump(filter, 0).size(), 2u);
    filter.table = 1;
    EXPECT_EQ(f.t.dump(filter, 0).size(), 1u);
    filter = {};
    filter.cookie = 0x2;
    filter.cookie_mask = 0xf;
    EXPECT_EQ(f.t.dump(filter, 0).size(), 2u);
    filter = {};
    filter.strict = true;
    filter.match = fb::ip();
    filter.priority = 100;
    EXPECT_EQ(f.t.dump(filter, 0).size(), 1u);
    filter = {};
    filter.out_port = 1;
    EXPECT_EQ(f.t.dump(filter, 0).size(), 4u);
    filter.out_port = 2;
    EXPECT_EQ(f.t.dump(filter, 0).size(), 0u);
}

TEST(FlowTables, AggregateAndTableStatsFollowTheCredits) {
    Fixture f;
    traffic(f.t, to(10, 0, 0, 1), 3, 1);  // flow 0x1 (ties with "ip" at 100, added first)
    traffic(f.t, to(10, 0, 0, 2), 2, 1);  // flow 0x2
    traffic(f.t, to(10, 0, 0, 9), 1, 1);  // flow 0x12
    FlowTables empty;
    traffic(empty, to(10, 0, 0, 9), 1, 1);
    const AggregateStats a = f.t.aggregate({});
    EXPECT_EQ(a.flows, 4u);
    EXPECT_EQ(a.packets, 6u);
    EXPECT_EQ(a.bytes, 600u);
    FlowFilter only1;
    only1.cookie = 0x1;
    only1.cookie_mask = ~0ull;
    EXPECT_EQ(f.t.aggregate(only1).packets, 3u);
    const TableStats s0 = f.t.table_stats(0);
    EXPECT_EQ(s0.active, 3u);
    EXPECT_EQ(s0.lookups, 6u);
    EXPECT_EQ(s0.matched, 6u);
    EXPECT_EQ(f.t.table_stats(1).lookups, 0u);
    EXPECT_EQ(empty.table_stats(0).lookups, 1u);
    EXPECT_EQ(empty.table_stats(0).matched, 0u);
    EXPECT_EQ(f.t.table_stats().size(), std::size_t(kNumTables));
}

// ---- replace-flows ----

TEST(FlowTables, ReplaceAllKeepsWhatDidNotChange) {
    FlowTables t;
    t.apply(fb::add(0, 100, dst(1), {fb::output(1)}, 1), 0);  // unchanged
    t.apply(fb::add(0, 100, dst(2), {fb::output(1)}, 2), 0);  // actions change
    t.apply(fb::add(0, 100, dst(3), {fb::output(1)}, 3), 0);  // not in the new set
    traffic(t, to(10, 0, 0, 1), 5, 1 * kSec);
    traffic(t, to(10, 0, 0, 2), 6, 1 * kSec);
    traffic(t, to(10, 0, 0, 3), 7, 1 * kSec);
    const FlowMod next[] = {
        fb::add(0, 100, dst(1), {fb::output(1)}, 1),
        fb::add(0, 100, dst(2), {fb::output(2)}, 2),
        fb::add(0, 100, dst(4), {fb::output(1)}, 4),
    };
    const FlowModOutcome out = t.replace_all(next, 10 * kSec);
    ASSERT_TRUE(out) << out.status.message();
    ASSERT_EQ(out.removed.size(), 1u);
    EXPECT_EQ(out.removed[0].stats.cookie, 3u);
    EXPECT_EQ(out.removed[0].stats.n_packets, 7u);
    EXPECT_EQ(out.added, 2u);
    const auto flows = all(t, 12 * kSec);
    ASSERT_EQ(flows.size(), 3u);
    EXPECT_EQ(flows[0].cookie, 1u);
    EXPECT_EQ(flows[0].n_packets, 5u);
    EXPECT_EQ(flows[0].duration_ns, 12 * kSec);  // untouched
    EXPECT_EQ(flows[0].idle_ns, 11 * kSec);
    EXPECT_EQ(flows[1].cookie, 2u);
    EXPECT_EQ(flows[1].instructions.apply[0], fb::output(2));
    EXPECT_EQ(flows[1].n_packets, 6u);          // re-added as by add: counts carry over
    EXPECT_EQ(flows[1].duration_ns, 2 * kSec);  // ... duration restarts
    EXPECT_EQ(flows[2].cookie, 4u);
    EXPECT_EQ(flows[2].n_packets, 0u);
}

TEST(FlowTables, ReplaceAllIsAllOrNothing) {
    auto t = make_bridge_tables(0);
    const std::uint64_t gen = t->generation();
    FlowMod bad = fb::add(2, 1, Match{}, {});
    bad.instructions.goto_table = 1;
    const FlowMod next[] = {fb::add(0, 100, dst(1), {fb::output(1)}), bad};
    const FlowModOutcome out = t->replace_all(next, 1);
    EXPECT_FALSE(out);
    EXPECT_EQ(out.index, 1u);
    EXPECT_EQ(out.error, FlowModError::bad_goto_table);
    EXPECT_EQ(t->generation(), gen);
    EXPECT_TRUE(t->is_default());
    const FlowMod del_in_file[] = {fb::del(Match{})};
    EXPECT_EQ(t->replace_all(del_in_file, 1).error, FlowModError::bad_command);
}

TEST(FlowTables, ReplaceAllLaterLinesWinAndOverlapsAreChecked) {
    FlowTables t;
    t.apply(fb::add(0, 100, dst(1), {fb::output(1)}, 1), 0);
    traffic(t, to(10, 0, 0, 1), 5, 1);
    const FlowMod twice[] = {
        fb::add(0, 100, dst(1), {fb::output(1)}, 1),  // as it is...
        fb::add(0, 100, dst(1), {fb::output(3)}, 1),  // ...then changed by a later line
    };
    const FlowModOutcome out = t.replace_all(twice, 2);
    ASSERT_TRUE(out);
    EXPECT_TRUE(out.removed.empty());  // replaced, not removed
    ASSERT_EQ(t.flow_count(), 1u);
    EXPECT_EQ(all(t)[0].instructions.apply[0], fb::output(3));
    EXPECT_EQ(all(t)[0].n_packets, 5u);

    FlowMod overlapping = fb::add(0, 100, fb::ip(), {});
    overlapping.flags = kCheckOverlap;
    const FlowMod clash[] = {fb::add(0, 100, dst(1), {}), overlapping};
    EXPECT_EQ(t.replace_all(clash, 3).error, FlowModError::overlap);
}

TEST(FlowTables, ReplaceAllKeepsTimersOfKeptFlows) {
    FlowTables t;
    FlowMod m = fb::add(0, 100, dst(1), {});
    m.idle_timeout = 10;
    t.apply(m, 0);
    const FlowMod same[] = {m};
    ASSERT_TRUE(t.replace_all(same, 9 * kSec));
    EXPECT_EQ(t.expire(10 * kSec + 1).size(), 1u);  // still idle since 0
}

}  // namespace
}  // namespace sy::flow
