// Property: the classifier answers what a brute-force scan of the same rules answers (the
// highest priority, then the smallest seq), after any inserts and removals; and any key that
// agrees with a looked-up key on the masks the lookup consulted gets the same answer.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <vector>

#include "flow/classifier.hpp"
#include "flow_gen.hpp"

namespace sy::flow {
namespace {

const FlowRule* brute_force(const std::vector<FlowRule*>& rules, const FlowKey& k) {
    const FlowRule* best = nullptr;
    for (const FlowRule* r : rules) {
        if (!r->match.matches(k)) continue;
        if (best == nullptr || r->priority > best->priority ||
            (r->priority == best->priority && r->seq < best->seq))
            best = r;
    }
    return best;
}

RC_GTEST_PROP(ClassifierProperty, AgreesWithALinearScan, ()) {
    std::vector<std::unique_ptr<FlowRule>> owned;
    std::vector<FlowRule*> live;
    Classifier c;
    const int n = *rc::gen::inRange(1, 60);
    for (int i = 0; i < n; ++i) {
        auto r = std::make_unique<FlowRule>();
        r->match = gen::match();
        r->priority = static_cast<std::uint16_t>(*rc::gen::inRange(0, 4));
        r->seq = static_cast<std::uint64_t>(i + 1);
        const bool dup = c.find_exact(r->match, r->priority) != nullptr;
        RC_ASSERT(c.insert(r.get()) == !dup);
        if (!dup) live.push_back(r.get());
        owned.push_back(std::move(r));
        if (!live.empty() && gen::coin(5)) {  // remove one now and then
            const std::size_t victim =
                static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, live.size()));
            RC_ASSERT(c.remove(live[victim]));
            live.erase(live.begin() + static_cast<long>(victim));
        }
    }
    RC_ASSERT(c.size() == live.size());
    for (int i = 0; i < 40; ++i) {
        FlowKey k = gen::key();
        if (!live.empty() && gen::coin()) {  // aimed at a rule: ties and shadows get exercised
            const Match& m = live[*rc::gen::inRange<std::size_t>(0, live.size())]->match;
            k = gen::agreeing(m.key, k, m.mask);
        }
        FlowMask consulted;
        const FlowRule* got = c.lookup(k, consulted);
        RC_ASSERT(got == brute_force(live, k));
        for (int j = 0; j < 4; ++j) {
            const FlowKey other = gen::agreeing(k, gen::key(), consulted);
            FlowMask ignored;
            RC_ASSERT(c.lookup(other, ignored) == got);
        }
    }
}

}  // namespace
}  // namespace sy::flow
