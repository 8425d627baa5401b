// replace-flows: the tables become exactly a given set of flows, keeping what did not change.
#include <algorithm>
#include <unordered_set>

#include <fmt/core.h>

#include "flow/flow_tables.hpp"
#include "flow/flow_tables_detail.hpp"

namespace sy::flow {
namespace {

const char* command_name(FlowModCommand c) {
    switch (c) {
        case FlowModCommand::add:
            return "add";
        case FlowModCommand::modify:
            return "modify";
        case FlowModCommand::modify_strict:
            return "modify_strict";
        case FlowModCommand::del:
            return "delete";
        case FlowModCommand::del_strict:
            return "delete_strict";
    }
    return "?";
}

// What ovs-ofctl replace-flows compares (fte_version_equals), plus the flags it forgets.
bool unchanged(const FlowRule& r, const FlowMod& m) {
    return r.cookie == m.cookie && r.idle_timeout == m.idle_timeout &&
           r.hard_timeout == m.hard_timeout && r.flags == m.flags &&
           r.instructions == m.instructions;
}

}  // namespace

FlowModOutcome FlowTables::replace_all(std::span<const FlowMod> flows, std::uint64_t now_ns) {
    for (std::size_t i = 0; i < flows.size(); ++i) {
        const FlowMod& m = flows[i];
        if (m.command != FlowModCommand::add) {
            return detail::failure(
                {FlowModError::bad_command,
                 fmt::format("replace-flows takes flows to add, not {}", command_name(m.command))},
                i);
        }
        const std::uint8_t table = m.table == kAllTables ? 0 : m.table;
        const Match match = detail::normalized(m.match);
        if (auto r = check_match(match)) return detail::failure(*r, i);
        if (auto r = check_instructions(m.instructions, table, match))
            return detail::failure(*r, i);
    }

    // Build the new tables beside the old ones; nothing visible changes until the swap.
    auto next = std::make_unique<std::array<Classifier, kNumTables>>();
    std::vector<std::unique_ptr<FlowRule>> created;
    std::unordered_set<const FlowRule*> kept;      // old flows carried over as they are
    std::unordered_set<const FlowRule*> replaced;  // old flows replaced as by add
    for (std::size_t i = 0; i < flows.size(); ++i) {
        const FlowMod& m = flows[i];
        const std::uint8_t t = m.table == kAllTables ? 0 : m.table;
        const Match match = detail::normalized(m.match);
        Classifier& cls = (*next)[t];
        FlowRule* prev = cls.find_exact(match, m.priority);  // an earlier line, same flow
        if (prev == nullptr && (m.flags & kCheckOverlap) && cls.overlaps(match, m.priority)) {
            return detail::failure(
                {FlowModError::overlap,
                 fmt::format("check_overlap: the flow overlaps another flow of priority {} in "
                             "table {}",
                             m.priority, unsigned(t))},
                i);
        }
        FlowRule* old = prev ? nullptr : tables_[t].find_exact(match, m.priority);
        FlowRule* base = prev ? prev : old;
        if (base != nullptr && unchanged(*base, m)) {
            if (prev == nullptr) {
                cls.insert(old);
                kept.insert(old);
            }
            continue;
        }
        std::unique_ptr<FlowRule> rule = detail::new_rule(m, t, match, now_ns, next_seq_++);
        if (base != nullptr) detail::carry_counters(*rule, *base, m, now_ns);
        if (prev != nullptr) {
            cls.remove(prev);
            if (kept.erase(prev) != 0) replaced.insert(prev);
        } else if (old != nullptr) {
            replaced.insert(old);
        }
        cls.insert(rule.get());
        created.push_back(std::move(rule));
    }

    // Commit: cannot fail from here on.
    FlowModOutcome out;
    std::vector<const FlowRule*> gone;
    for (const auto& [r, owner] : owned_) {
        if (!kept.count(r) && !replaced.count(r)) gone.push_back(r);
    }
    std::sort(gone.begin(), gone.end(), detail::dump_order);
    for (const FlowRule* r : gone) out.removed.push_back({r->stats(now_ns), RemovedReason::del});

    std::unordered_set<const FlowRule*> live;
    for (const Classifier& c : *next) c.for_each([&](FlowRule& r) { live.insert(&r); });
    std::unordered_map<const FlowRule*, std::unique_ptr<FlowRule>> owned;
    for (const FlowRule* r : kept) owned.emplace(r, std::move(owned_.at(r)));
    for (auto& r : created) {
        if (live.count(r.get())) {
            ++out.added;
            owned.emplace(r.get(), std::move(r));
        }
    }
    tables_.swap(*next);
    owned_.swap(owned);  // the old flows not kept are destroyed with `owned`
    timed_.clear();
    for (const auto& [r, owner] : owned_) {
        if (r->idle_timeout != 0 || r->hard_timeout != 0) timed_.insert(owner.get());
    }
    bump();
    return out;
}

}  // namespace sy::flow
