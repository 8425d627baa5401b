// The caches in front of translation: hits, invalidation on every flow change, eviction,
// and counters that reach the right flows however a packet was classified.
#include "flow/flow_cache.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "testlib/flow_builders.hpp"

namespace sy::flow {
namespace {

namespace fb = testlib::fb;

FlowKey pkt(unsigned dst_last, std::uint16_t sport = 1000, std::uint32_t in_port = 1) {
    return fb::tcp_key(in_port, fb::ipv4(10, 0, 0, 1), fb::ipv4(10, 0, 0, dst_last), sport, 80);
}
Match dst(unsigned last) {
    Match m = fb::ip();
    m.set(FieldId::nw_dst, fb::ipv4(10, 0, 0, last));
    return m;
}

FlowCacheConfig always_emc() {
    FlowCacheConfig c;
    c.emc_insert_one_in = 1;
    return c;
}

TEST(FlowCache, SecondPacketOfAFlowHitsTheEmcAndAnotherFlowTheMegaflow) {
    auto t = make_bridge_tables(0);
    t->apply(fb::add(0, 10, dst(2), {fb::output(2)}), 0);
    FlowCache c(always_emc());
    const CacheEntry* a = c.lookup_or_translate(*t, pkt(2, 1000));
    const CacheEntry* b = c.lookup_or_translate(*t, pkt(2, 1000));
    const CacheEntry* d = c.lookup_or_translate(*t, pkt(2, 2000));  // other port, same megaflow
    EXPECT_EQ(a, b);
    EXPECT_EQ(a, d);
    ASSERT_EQ(a->program.count, 1);
    EXPECT_EQ(a->program.ops[0].port, 2u);
    const FlowCacheStats s = c.stats();
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.emc_hits, 1u);
    EXPECT_EQ(s.megaflow_hits, 1u);
    EXPECT_EQ(s.megaflows, 1u);
    // 10.0.0.3 misses the /32 and gets NORMAL: the same lookups, but NORMAL does not
    // depend on in_port where output:2 did (it is skipped for packets from port 2).
    const CacheEntry* normal = c.lookup_or_translate(*t, pkt(3));
    EXPECT_TRUE(normal->program.is_plain_normal());
    EXPECT_EQ(c.stats().megaflows, 2u);
    EXPECT_EQ(c.stats().masks, 2u);
}

TEST(FlowCache, ALongFlowGetsIntoTheEmcSoonAShortOneRarely) {
    auto t = make_bridge_tables(0);
    t->apply(fb::add(0, 10, dst(9), {fb::output(2)}), 0);  // something to look at
    FlowCache c;                                           // admission one in 100, as OVS
    for (int i = 0; i < 1000; ++i) c.lookup_or_translate(*t, pkt(2));
    EXPECT_GT(c.stats().emc_hits, 900u);
    FlowCache d;
    for (std::uint16_t sport = 0; sport < 1000; ++sport) d.lookup_or_translate(*t, pkt(2, sport));
    EXPECT_EQ(d.stats().emc_hits, 0u);
    EXPECT_EQ(d.stats().megaflow_hits, 999u);
}

TEST(FlowCache, ATranslationThatReadNoKeyBitAnswersForEveryPacket) {
    auto t = make_bridge_tables(0);
    FlowCache c(always_emc());
    const CacheEntry* a = c.lookup_or_translate(*t, pkt(2));
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(3, 5, 2)), a);
    FlowKey arp;
    arp.dl_type = 0x0806;
    EXPECT_EQ(c.lookup_or_translate(*t, arp), a);
    EXPECT_EQ(c.stats().misses, 1u);
    EXPECT_EQ(c.stats().emc_hits, 0u);  // not even hashed
    t->apply(fb::add(0, 10, dst(2), {fb::output(2)}), 0);
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(2))->program.ops[0].port, 2u);
    EXPECT_TRUE(c.lookup_or_translate(*t, pkt(3))->program.is_plain_normal());
}

// The datapath's way into the signature level (a signing callback), for signatures made
// beforehand. A whole-batch answer is spread over `out` (and returned).
const CacheEntry* lookup_signatures(FlowCache& c, const FlowTables& t,
                                    std::span<const HeaderSignature* const> in,
                                    std::span<const CacheEntry*> out, OfPort in_port = 1) {
    HeaderSignature sigs[64];
    const HeaderSignature* has[64];
    auto sign = [&](std::size_t i, HeaderSignature& s) {
        if (!in[i]) return false;
        s = *in[i];
        return true;
    };
    const CacheEntry* all = c.lookup_signatures(t, in_port, in.size(), sign, sigs, has, out.data());
    if (all) std::fill(out.begin(), out.begin() + static_cast<long>(in.size()), all);
    return all;
}

// The entry that answers a whole batch of `n` packets from `port`, if any.
const CacheEntry* whole_port(FlowCache& c, const FlowTables& t, OfPort port, std::size_t n) {
    std::vector<const HeaderSignature*> none(n, nullptr);
    std::vector<const CacheEntry*> out(n, nullptr);
    return lookup_signatures(c, t, none, out, port);
}

// Port-to-port steering: flows that look at in_port alone translate to entries that answer
// every packet from that port, so a batch from it is looked up once.
TEST(FlowCache, FlowsThatReadOnlyInPortAnswerAWholeBatchFromThatPort) {
    auto t = make_bridge_tables(0);
    t->apply(fb::add(0, 10, fb::match({{FieldId::in_port, 1}}), {fb::output(2)}), 0);
    t->apply(fb::add(0, 10, fb::match({{FieldId::in_port, 2}}), {}), 0);
    FlowCache c;
    EXPECT_EQ(whole_port(c, *t, 1, 32), nullptr);  // nothing translated yet
    const CacheEntry* from1 = c.lookup_or_translate(*t, pkt(2, 1000, 1));
    ASSERT_EQ(from1->program.count, 1);
    EXPECT_EQ(whole_port(c, *t, 1, 32), from1);
    EXPECT_EQ(whole_port(c, *t, 2, 32), nullptr);  // port 2's own translation is needed
    const CacheEntry* from2 = c.lookup_or_translate(*t, pkt(7, 5, 2));
    EXPECT_EQ(from2->program.drop, ProgramDrop::actions_drop);
    EXPECT_EQ(whole_port(c, *t, 2, 32), from2);
    // Port 3 misses both flows and gets NORMAL: that translation read in_port only too.
    const CacheEntry* from3 = c.lookup_or_translate(*t, pkt(2, 1000, 3));
    EXPECT_TRUE(from3->program.is_plain_normal());
    EXPECT_EQ(whole_port(c, *t, 3, 32), from3);
    EXPECT_EQ(c.stats().megaflow_hits, 96u);  // three batches of 32
    // A flow that reads more than in_port: ports' entries made from now on are not whole-port
    // answers (and the old ones died with the flow change).
    Match web = fb::tcp();
    web.set(FieldId::tp_dst, 80);
    t->apply(fb::add(0, 20, web, {fb::output(3)}), 1);
    EXPECT_EQ(whole_port(c, *t, 1, 32), nullptr);
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(2, 1000, 1))->program.ops[0].port, 3u);
    EXPECT_EQ(whole_port(c, *t, 1, 32), nullptr);
    FlowKey udp = pkt(2, 1000, 1);
    udp.nw_proto = 17;
    EXPECT_EQ(c.lookup_or_translate(*t, udp)->program.ops[0].port, 2u);
    EXPECT_EQ(whole_port(c, *t, 1, 32), nullptr);
    // Flushed: gone.
    t->apply(fb::del(web), 2);
    const CacheEntry* again = c.lookup_or_translate(*t, pkt(2, 1000, 1));
    EXPECT_EQ(whole_port(c, *t, 1, 32), again);
    c.flush();
    EXPECT_EQ(whole_port(c, *t, 1, 32), nullptr);
}

TEST(FlowCache, EveryFlowChangeInvalidatesBothCaches) {
    auto t = make_bridge_tables(0);
    FlowCache c;
    EXPECT_TRUE(c.lookup_or_translate(*t, pkt(2))->program.is_plain_normal());
    EXPECT_TRUE(c.lookup_or_translate(*t, pkt(2))->program.is_plain_normal());
    t->apply(fb::add(0, 10, dst(2), {}), 1);  // drop it now
    const CacheEntry* e = c.lookup_or_translate(*t, pkt(2));
    EXPECT_EQ(e->program.count, 0);
    EXPECT_EQ(e->program.drop, ProgramDrop::actions_drop);
    EXPECT_EQ(c.stats().invalidations, 1u);
    EXPECT_EQ(c.stats().misses, 2u);
    t->apply(fb::modify(dst(2), {fb::output(4)}), 2);
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(2))->program.ops[0].port, 4u);
    t->apply(fb::del(dst(2)), 3);
    EXPECT_TRUE(c.lookup_or_translate(*t, pkt(2))->program.is_plain_normal());
    FlowMod timed = fb::add(0, 10, dst(2), {});
    timed.hard_timeout = 1;
    t->apply(timed, 4);
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(2))->program.count, 0);
    ASSERT_EQ(t->expire(3'000'000'000ull).size(), 1u);
    EXPECT_TRUE(c.lookup_or_translate(*t, pkt(2))->program.is_plain_normal());
    const FlowMod only_drop[] = {fb::add(0, 0, Match{}, {})};
    t->replace_all(only_drop, 5);
    EXPECT_EQ(c.lookup_or_translate(*t, pkt(2))->program.count, 0);
    EXPECT_EQ(c.stats().invalidations, 6u);
}

TEST(FlowCache, AnotherBridgesTablesAreNotMistakenForThese) {
    auto a = make_bridge_tables(0);
    auto b = make_bridge_tables(0);
    b->apply(fb::add(0, 10, Match{}, {fb::output(9)}), 0);
    FlowCache c;
    EXPECT_TRUE(c.lookup_or_translate(*a, pkt(2))->program.is_plain_normal());
    EXPECT_EQ(c.lookup_or_translate(*b, pkt(2))->program.ops[0].port, 9u);
}

// dump-flows counts through the caches equal what translating every packet would give.
TEST(FlowCache, CountersReachTheRightFlowsThroughEveryPath) {
    FlowTables t;
    t.apply(fb::with_goto(fb::add(0, 1, fb::ip(), {}), 1), 0);             // every IP packet
    t.apply(fb::add(1, 20, dst(2), {fb::output(2), fb::resubmit(2)}), 0);  // to .2
    t.apply(fb::add(1, 10, fb::ip(), {fb::output(3)}), 0);                 // the rest
    t.apply(fb::add(2, 1, fb::tcp(), {}), 0);                              // counted on resubmit
    FlowCache c;
    std::mt19937 rng(3);
    std::uint64_t to2 = 0, other = 0;
    for (int batch = 0; batch < 200; ++batch) {
        // A batch: look every packet up first, then credit the groups, as the datapath does.
        std::vector<std::pair<const CacheEntry*, FlowKey>> got;
        for (int i = 0; i < 32; ++i) {
            const unsigned d = 2 + rng() % 3;
            const FlowKey k = pkt(d, static_cast<std::uint16_t>(rng() % 50));
            got.emplace_back(c.lookup_or_translate(t, k), k);
            (d == 2 ? to2 : other) += 1;
        }
        for (std::size_t i = 0; i < got.size();) {
            std::size_t j = i;
            while (j < got.size() && got[j].first == got[i].first) ++j;
            c.credit(*got[i].first, j - i, (j - i) * 64, 1000 + batch);
            i = j;
        }
    }
    const auto flows = t.dump({}, 2000);
    ASSERT_EQ(flows.size(), 4u);
    EXPECT_EQ(flows[0].n_packets, to2 + other);  // table 0
    EXPECT_EQ(flows[1].n_packets, to2);          // table 1, priority 20
    EXPECT_EQ(flows[1].n_bytes, to2 * 64);
    EXPECT_EQ(flows[2].n_packets, other);  // table 1, priority 10
    EXPECT_EQ(flows[3].n_packets, to2);    // table 2, through the resubmit
    EXPECT_EQ(flows[0].idle_ns, 2000u - 1199u);
    EXPECT_EQ(t.table_stats(0).lookups, to2 + other);
    EXPECT_EQ(t.table_stats(2).matched, to2);
    const FlowCacheStats s = c.stats();
    EXPECT_EQ(s.emc_hits + s.megaflow_hits + s.misses, to2 + other);
    EXPECT_GT(s.emc_hits, s.misses);
}

TEST(FlowCache, FullCacheEvictsButNeverAnEntryJustHandedOut) {
    auto t = make_bridge_tables(0);
    for (unsigned d = 0; d < 250; ++d) t->apply(fb::add(0, 10, dst(d), {fb::output(d + 2)}), 0);
    FlowCacheConfig cfg;
    cfg.megaflows = 2 * FlowCache::kStableLookups + 2;  // the smallest allowed
    cfg.emc_entries = 0;                                // every packet through the megaflows
    FlowCache c(cfg);
    std::vector<const CacheEntry*> batch;
    std::vector<unsigned> wanted;
    for (unsigned round = 0; round < 20; ++round) {
        batch.clear();
        wanted.clear();
        for (unsigned i = 0; i < FlowCache::kStableLookups; ++i) {
            const unsigned d = (round * 37 + i * 11) % 250;
            batch.push_back(c.lookup_or_translate(*t, pkt(d)));
            wanted.push_back(d + 2);
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {  // all still what they were
            ASSERT_EQ(batch[i]->program.count, 1);
            ASSERT_EQ(batch[i]->program.ops[0].port, wanted[i]) << "round " << round;
        }
    }
    EXPECT_GT(c.stats().evictions, 0u);
    EXPECT_LE(c.stats().megaflows, cfg.megaflows);
}

TEST(FlowCache, TheClockHandSkipsPinnedEntries) {
    auto t = make_bridge_tables(0);
    for (unsigned d = 0; d < 250; ++d) t->apply(fb::add(0, 10, dst(d), {fb::output(d + 2)}), 0);
    FlowCacheConfig cfg;
    cfg.megaflows = 2 * FlowCache::kStableLookups + 2;
    cfg.emc_entries = 0;
    FlowCache c(cfg);
    for (unsigned d = 0; d < cfg.megaflows; ++d) c.lookup_or_translate(*t, pkt(d));  // full
    // The first entry is hit, then misses sweep the clock over every entry: without the pin
    // the hand clears its reference bit, comes round again and reuses it.
    const CacheEntry* first = c.lookup_or_translate(*t, pkt(0));
    for (unsigned d = 0; d + 1 < FlowCache::kStableLookups; ++d) {
        c.lookup_or_translate(*t, pkt(1000 + d));  // 10.0.3.232 and on: new keys
        ASSERT_EQ(first->program.ops[0].port, 2u) << "after " << d + 1 << " misses";
    }
}

TEST(FlowCache, MoreMasksThanSlotsStillAnswersRight) {
    FlowTables t;
    // tp_src picks one of 120 tables, each matching under a mask of its own: 120 megaflow
    // masks, more than the cache keeps.
    for (unsigned v = 0; v < 120; ++v) {
        Match pick = fb::tcp();
        pick.set(FieldId::tp_src, v);
        t.apply(fb::add(0, 1, pick, {fb::resubmit(static_cast<std::uint8_t>(v + 1))}), 0);
        Match m = fb::tcp();
        m.set(FieldId::nw_src, 0, ~0u << (31 - v % 32));
        m.set(FieldId::tp_dst, 0, 0xfu >> (v / 32));
        t.apply(fb::add(static_cast<std::uint8_t>(v + 1), 1, m, {fb::output(2)}), 0);
    }
    FlowCacheConfig cfg;
    cfg.max_masks = 4;  // raised to kStableLookups + 1 by the cache
    FlowCache c(cfg);
    std::mt19937 rng(1);
    for (int i = 0; i < 20000; ++i) {
        const FlowKey k = fb::tcp_key(1, rng() % 4, 2, static_cast<std::uint16_t>(rng() % 120),
                                      static_cast<std::uint16_t>(rng() % 4));
        ASSERT_EQ(c.lookup_or_translate(t, k)->program, translate(t, k).program);
    }
    EXPECT_LE(c.stats().masks, FlowCache::kStableLookups + 1);
    EXPECT_GT(c.stats().mask_evictions, 0u);
}

TEST(FlowCache, UncacheableWalksAreTranslatedEveryTimeAndStillCredited) {
    FlowTables t;
    for (std::uint8_t tb = 0; tb < 20; ++tb) {
        FlowMod m = fb::add(tb, 1, Match{}, tb == 19 ? ActionList{fb::output(2)} : ActionList{});
        if (tb < 19) m.instructions.goto_table = tb + 1;
        t.apply(m, 0);
    }
    FlowCache c;
    const CacheEntry* a = c.lookup_or_translate(t, pkt(2));
    const CacheEntry* b = c.lookup_or_translate(t, pkt(2));
    EXPECT_NE(a, b);  // each its own scratch entry, valid for the next kStableLookups
    EXPECT_EQ(a->program, b->program);
    EXPECT_EQ(c.stats().misses, 2u);
    EXPECT_EQ(c.stats().uncacheable, 2u);
    c.credit(*a, 1, 64, 5);
    EXPECT_EQ(t.dump({}, 5)[0].n_packets, 1u);
}

// Random flows, random packets, random changes now and then: whatever the caches answer is
// what a fresh translation answers.
TEST(FlowCache, AlwaysAnswersWhatTranslationAnswers) {
    std::mt19937 rng(11);
    auto t = make_bridge_tables(0);
    FlowCacheConfig cfg;
    cfg.megaflows = 300;
    cfg.emc_entries = 64;
    cfg.emc_insert_one_in = 1;
    FlowCache c(cfg);
    auto random_flow = [&] {
        Match m = fb::ip();
        if (rng() % 2)
            m.set(FieldId::nw_dst, fb::ipv4(10, 0, 0, rng() % 8), 0xfffffff0u | (rng() % 16));
        if (rng() % 2) m.set(FieldId::in_port, 1 + rng() % 3);
        if (rng() % 3 == 0) {
            m = fb::tcp();
            m.set(FieldId::tp_src, rng() % 4, 0x3);
        }
        ActionList a;
        if (rng() % 4) a.push_back(fb::output(1 + rng() % 4));
        if (rng() % 3 == 0) a.push_back(fb::set(FieldId::nw_dst, fb::ipv4(10, 0, 0, rng() % 8)));
        if (rng() % 3 == 0) a.push_back(fb::resubmit(1));
        return fb::add(static_cast<std::uint8_t>(rng() % 2),
                       static_cast<std::uint16_t>(1 + rng() % 4), m, a);
    };
    for (int i = 0; i < 30; ++i) t->apply(random_flow(), 0);
    for (int i = 0; i < 20000; ++i) {
        if (i % 1000 == 999) {
            if (rng() % 2) {
                t->apply(random_flow(), i);
            } else {
                t->apply(fb::del(dst(rng() % 8)), i);
            }
        }
        const FlowKey k = fb::tcp_key(1 + rng() % 3, 1, fb::ipv4(10, 0, 0, rng() % 8),
                                      static_cast<std::uint16_t>(rng() % 8), 80);
        const CacheEntry* e = c.lookup_or_translate(*t, k);
        const Translation fresh = translate(*t, k);
        ASSERT_EQ(e->program, fresh.program) << i;
        ASSERT_EQ(e->n_visits, fresh.n_visits) << i;
        for (std::size_t v = 0; v < e->n_visits; ++v) ASSERT_EQ(e->visits[v], fresh.visits[v]);
    }
    EXPECT_GT(c.stats().emc_hits, 0u);
    EXPECT_GT(c.stats().megaflow_hits, 0u);
    EXPECT_GT(c.stats().invalidations, 5u);
}

// The same oracle for whole-port answers: tables of port-only flows (outputs, rewrites,
// resubmits), now and then a flow that reads more; wherever a whole-port answer exists for a
// packet's port, it answers what translating that packet gives.
TEST(FlowCache, WholePortAnswersAreWhatTranslationAnswers) {
    std::mt19937 rng(12);
    auto t = make_bridge_tables(0);
    FlowCache c;
    auto port_flow = [&] {
        const Match m = fb::match({{FieldId::in_port, 1 + rng() % 4}});
        ActionList a;
        if (rng() % 3 == 0) a.push_back(fb::set(FieldId::nw_dst, fb::ipv4(10, 0, 0, rng() % 8)));
        if (rng() % 4) a.push_back(fb::output(1 + rng() % 4));
        if (rng() % 3 == 0) a.push_back(fb::resubmit(1));
        return fb::add(static_cast<std::uint8_t>(rng() % 2),
                       static_cast<std::uint16_t>(1 + rng() % 4), m, a);
    };
    for (int i = 0; i < 8; ++i) t->apply(port_flow(), 0);
    Match web = fb::tcp();
    web.set(FieldId::tp_dst, 80);
    int answered = 0;
    for (int i = 0; i < 20000; ++i) {
        if (i % 500 == 499) {
            switch (rng() % 3) {
                case 0:
                    t->apply(port_flow(), i);
                    break;
                case 1:
                    t->apply(fb::add(static_cast<std::uint8_t>(rng() % 2), 3, web,
                                     {fb::output(1 + rng() % 4)}),
                             i);
                    break;
                default:
                    t->apply(fb::del(web), i);
                    break;
            }
        }
        FlowKey k = fb::tcp_key(1 + rng() % 4, 1, fb::ipv4(10, 0, 0, rng() % 8),
                                static_cast<std::uint16_t>(rng() % 8),
                                static_cast<std::uint16_t>(rng() % 2 ? 80 : 443));
        if (rng() % 4 == 0) k.nw_proto = 17;
        const Translation fresh = translate(*t, k);
        if (const CacheEntry* p = whole_port(c, *t, k.in_port, 1)) {
            ++answered;
            ASSERT_EQ(p->program, fresh.program) << i;
            ASSERT_EQ(p->n_visits, fresh.n_visits) << i;
            for (std::size_t v = 0; v < p->n_visits; ++v) ASSERT_EQ(p->visits[v], fresh.visits[v]);
        }
        ASSERT_EQ(c.lookup_or_translate(*t, k)->program, fresh.program) << i;
    }
    EXPECT_GT(answered, 1000);
}

// The signature level: a signature remembered with an entry finds it without a key; it dies
// with the entry when the tables change; without a signature a packet goes by its key.
TEST(FlowCache, ASignatureRememberedWithItsEntryFindsItAndDiesWithIt) {
    auto t = make_bridge_tables(0);
    t->apply(fb::add(0, 10, dst(2), {fb::output(2)}), 0);
    FlowCache c(always_emc());
    HeaderSignature sig;
    sig.w[0] = 0x1234;
    const HeaderSignature* sigs[1] = {&sig};
    const CacheEntry* got[1] = {nullptr};
    lookup_signatures(c, *t, sigs, got);
    EXPECT_EQ(got[0], nullptr);  // nothing remembered yet
    const FlowKey k = pkt(2);
    const FlowKey* keys[1] = {&k};
    const CacheEntry* by_key[1] = {nullptr};
    c.lookup_or_translate(*t, keys, by_key, sigs);
    ASSERT_NE(by_key[0], nullptr);
    lookup_signatures(c, *t, sigs, got);
    EXPECT_EQ(got[0], by_key[0]);
    EXPECT_EQ(c.stats().signature_hits, 1u);
    // Another signature is not found; no signature is not looked at.
    HeaderSignature other = sig;
    other.w[3] = 1;
    const HeaderSignature* others[2] = {&other, nullptr};
    const CacheEntry* got2[2] = {by_key[0], by_key[0]};
    lookup_signatures(c, *t, others, got2);
    EXPECT_EQ(got2[0], nullptr);
    EXPECT_EQ(got2[1], nullptr);
    // A flow change: the remembered entry is gone, so is the signature's slot.
    t->apply(fb::add(0, 20, dst(2), {fb::output(3)}), 0);
    lookup_signatures(c, *t, sigs, got);
    EXPECT_EQ(got[0], nullptr);
    c.lookup_or_translate(*t, keys, by_key, sigs);
    EXPECT_EQ(by_key[0]->program.ops[0].port, 3u);
    lookup_signatures(c, *t, sigs, got);
    EXPECT_EQ(got[0], by_key[0]);
    EXPECT_EQ(c.stats().signature_hits, 2u);
}

TEST(FlowCache, TheDefaultTableAnswersSignaturesWithoutLookingThemUp) {
    auto t = make_bridge_tables(0);
    FlowCache c(always_emc());
    const CacheEntry* normal = c.lookup_or_translate(*t, pkt(2));
    HeaderSignature sig;
    const HeaderSignature* sigs[2] = {&sig, nullptr};
    const CacheEntry* got[2] = {nullptr, nullptr};
    lookup_signatures(c, *t, sigs, got);
    EXPECT_EQ(got[0], normal);
    EXPECT_EQ(got[1], normal);
    EXPECT_EQ(c.stats().signature_hits, 0u);
}

}  // namespace
}  // namespace sy::flow
