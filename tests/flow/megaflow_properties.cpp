// Property (the megaflow contract the caches rely on): for random flow tables and a random
// key k, every key that agrees with k on translate(k).megaflow translates to the same
// program, visits the same flows, and is cacheable alike.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "flow/translate.hpp"
#include "flow_gen.hpp"

namespace sy::flow {
namespace {

bool same_walk(const Translation& a, const Translation& b) {
    if (!(a.program == b.program) || a.n_visits != b.n_visits || a.cacheable != b.cacheable)
        return false;
    for (std::size_t i = 0; i < a.n_visits; ++i) {
        if (!(a.visits[i] == b.visits[i])) return false;
    }
    return true;
}

RC_GTEST_PROP(MegaflowProperty, EveryCoveredKeyTranslatesTheSame, ()) {
    FlowTables tables;
    const int n_tables = *rc::gen::inRange(1, 4);
    const int n = *rc::gen::inRange(1, 30);
    int installed = 0;
    // A catch-all in some tables, so that most packets get somewhere and gotos often land.
    for (int t = 0; t < n_tables; ++t) {
        if (!gen::coin(3)) continue;
        tables.apply(gen::flow(static_cast<std::uint8_t>(t), n_tables, true), 0);
    }
    for (int i = 0; i < n; ++i) {
        const auto table = static_cast<std::uint8_t>(*rc::gen::inRange(0, n_tables));
        const FlowModOutcome o = tables.apply(gen::flow(table, n_tables), 0);
        installed += o ? 1 : 0;
    }
    RC_CLASSIFY(installed * 2 < n, "most flows refused");
    int sent = 0;
    const std::vector<FlowStats> flows = tables.dump({}, 0);
    for (int i = 0; i < 25; ++i) {
        // Half the keys aimed at a flow (they match it, whatever else they are), so that
        // deep walks happen often, not once in a thousand cases.
        FlowKey k = gen::key();
        if (!flows.empty() && gen::coin()) {
            const Match& m = flows[*rc::gen::inRange<std::size_t>(0, flows.size())].match;
            k = gen::agreeing(m.key, k, m.mask);
        }
        const Translation t = translate(tables, k);
        sent += t.program.count > 0 ? 1 : 0;
        for (int j = 0; j < 6; ++j) {
            const FlowKey other = gen::agreeing(k, gen::key(), t.megaflow);
            const Translation u = translate(tables, other);
            RC_ASSERT(same_walk(t, u));
        }
    }
    RC_CLASSIFY(sent == 0, "no key sent anywhere");
    RC_CLASSIFY(sent > 12, "most keys sent somewhere");
}

}  // namespace
}  // namespace sy::flow
