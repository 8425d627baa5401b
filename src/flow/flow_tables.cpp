#include "flow/flow_tables.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "flow/flow_tables_detail.hpp"

namespace sy::flow {
namespace {

// Generations are unique across every FlowTables of the process, so a cache that meets
// another bridge's tables (or new tables at a reused address) cannot mistake them.
std::atomic<std::uint64_t> g_generation{0};

constexpr std::uint64_t kNsPerSec = 1'000'000'000ull;

}  // namespace

namespace detail {

Match normalized(const Match& m) {
    Match out = m;
    out.key = masked(m.key, m.mask);
    return out;
}

bool dump_order(const FlowRule* a, const FlowRule* b) {
    if (a->table != b->table) return a->table < b->table;
    if (a->priority != b->priority) return a->priority > b->priority;
    return a->seq < b->seq;
}

FlowModOutcome failure(const Rejection& r, std::size_t index) {
    FlowModOutcome out;
    out.status =
        Status(r.error == FlowModError::overlap ? Errc::already_exists : Errc::invalid_argument,
               r.message);
    out.error = r.error;
    out.index = index;
    return out;
}

std::unique_ptr<FlowRule> new_rule(const FlowMod& mod, std::uint8_t table, const Match& match,
                                   std::uint64_t now, std::uint64_t seq) {
    auto r = std::make_unique<FlowRule>();
    r->table = table;
    r->priority = mod.priority;
    r->match = match;
    r->cookie = mod.cookie;
    r->idle_timeout = mod.idle_timeout;
    r->hard_timeout = mod.hard_timeout;
    r->flags = mod.flags;
    r->instructions = mod.instructions;
    r->created_ns = r->modified_ns = now;
    r->seq = seq;
    r->counters.set(0, 0, now);
    return r;
}

void carry_counters(FlowRule& to, const FlowRule& from, const FlowMod& mod, std::uint64_t now) {
    if (mod.flags & kResetCounts) return;
    to.counters.set(from.counters.packets(), from.counters.bytes(), now);
}

}  // namespace detail

using detail::normalized;

// ---- selection -------------------------------------------------------------------------

bool FlowFilter::selects(const FlowRule& r) const {
    if (table != kAllTables && r.table != table) return false;
    if (((r.cookie ^ cookie) & cookie_mask) != 0) return false;
    if (out_port != kOfpAny && !r.instructions.outputs_to(out_port)) return false;
    if (strict) return r.priority == priority && r.match == match;
    return r.match.is_subset_of(match);
}

FlowFilter FlowFilter::of(const FlowMod& mod) {
    FlowFilter f;
    f.table = mod.table;
    f.match = normalized(mod.match);
    f.strict =
        mod.command == FlowModCommand::modify_strict || mod.command == FlowModCommand::del_strict;
    f.priority = mod.priority;
    f.cookie = mod.cookie;
    f.cookie_mask = mod.cookie_mask;
    const bool del =
        mod.command == FlowModCommand::del || mod.command == FlowModCommand::del_strict;
    f.out_port = del ? mod.out_port : kOfpAny;  // OF 1.3: modify ignores out_port
    return f;
}

template <typename Fn>
void FlowTables::for_each_selected(const FlowFilter& f, Fn&& fn) const {
    const unsigned first = f.table == kAllTables ? 0 : f.table;
    const unsigned last = f.table == kAllTables ? kNumTables - 1 : f.table;
    for (unsigned t = first; t <= last; ++t) {
        if (f.strict) {
            if (FlowRule* r = tables_[t].find_exact(f.match, f.priority); r && f.selects(*r)) fn(r);
        } else {
            tables_[t].for_each([&](FlowRule& r) {
                if (f.selects(r)) fn(&r);
            });
        }
    }
}

// ---- transactions ----------------------------------------------------------------------

// The undo log of a batch: every primitive change, so a failure part-way through puts the
// tables back exactly (rules, counters, timestamps) before anyone sees them.
struct FlowTables::Txn {
    enum class Kind { inserted, removed, modified };
    struct Undo {
        Kind kind;
        FlowRule* rule;
        std::unique_ptr<FlowRule> owned;  // removed: kept alive until commit
        Instructions instructions;        // modified: what it had
        std::uint64_t modified_ns = 0, packets = 0, bytes = 0, used = 0;
    };
    std::vector<Undo> log;
    std::vector<RemovedFlow> removed;
    std::size_t added = 0, modified = 0;
};

FlowTables::FlowTables() : generation_(g_generation.fetch_add(1) + 1) {}
FlowTables::~FlowTables() = default;

void FlowTables::bump() {
    generation_.store(g_generation.fetch_add(1) + 1, std::memory_order_release);
}

void FlowTables::insert(std::unique_ptr<FlowRule> rule) {
    FlowRule* r = rule.get();
    tables_[r->table].insert(r);
    if (r->idle_timeout != 0 || r->hard_timeout != 0) timed_.insert(r);
    owned_.emplace(r, std::move(rule));
}

std::unique_ptr<FlowRule> FlowTables::take(FlowRule* r) {
    tables_[r->table].remove(r);
    timed_.erase(r);
    auto it = owned_.find(r);
    std::unique_ptr<FlowRule> out = std::move(it->second);
    owned_.erase(it);
    return out;
}

FlowModOutcome FlowTables::apply(const FlowMod& mod, std::uint64_t now_ns) {
    return apply(std::span<const FlowMod>(&mod, 1), now_ns);
}

FlowModOutcome FlowTables::apply(std::span<const FlowMod> mods, std::uint64_t now_ns) {
    Txn txn;
    for (std::size_t i = 0; i < mods.size(); ++i) {
        if (auto r = apply_one(mods[i], now_ns, txn)) {
            for (auto u = txn.log.rbegin(); u != txn.log.rend(); ++u) {
                switch (u->kind) {
                    case Txn::Kind::inserted:
                        take(u->rule);  // and drop it
                        break;
                    case Txn::Kind::removed:
                        insert(std::move(u->owned));
                        break;
                    case Txn::Kind::modified:
                        u->rule->instructions = std::move(u->instructions);
                        u->rule->modified_ns = u->modified_ns;
                        u->rule->counters.set(u->packets, u->bytes, u->used);
                        break;
                }
            }
            return detail::failure(*r, i);
        }
    }
    if (!txn.log.empty()) bump();
    FlowModOutcome out;
    out.removed = std::move(txn.removed);
    out.added = txn.added;
    out.modified = txn.modified;
    return out;
}

std::optional<Rejection> FlowTables::apply_one(const FlowMod& mod, std::uint64_t now, Txn& txn) {
    switch (mod.command) {
        case FlowModCommand::add:
            return add(mod, now, txn);
        case FlowModCommand::modify:
        case FlowModCommand::modify_strict:
            return modify(mod, now, txn);
        case FlowModCommand::del:
        case FlowModCommand::del_strict:
            return del(mod, now, txn);
    }
    return Rejection{FlowModError::bad_command, "unknown flow_mod command"};
}

std::optional<Rejection> FlowTables::add(const FlowMod& mod, std::uint64_t now, Txn& txn) {
    const std::uint8_t table = mod.table == kAllTables ? 0 : mod.table;
    const Match match = normalized(mod.match);
    if (auto r = check_match(match)) return r;
    if (auto r = check_instructions(mod.instructions, table, match)) return r;
    FlowRule* old = tables_[table].find_exact(match, mod.priority);
    if (old == nullptr && (mod.flags & kCheckOverlap) &&
        tables_[table].overlaps(match, mod.priority)) {
        return Rejection{FlowModError::overlap,
                         fmt::format("check_overlap: the flow overlaps another flow of priority "
                                     "{} in table {}",
                                     mod.priority, unsigned(table))};
    }
    std::unique_ptr<FlowRule> rule = detail::new_rule(mod, table, match, now, next_seq_++);
    if (old != nullptr) {
        detail::carry_counters(*rule, *old, mod, now);
        txn.log.push_back({Txn::Kind::removed, old, take(old), {}});
    }
    FlowRule* r = rule.get();
    insert(std::move(rule));
    txn.log.push_back({Txn::Kind::inserted, r, nullptr, {}});
    ++txn.added;
    return std::nullopt;
}

std::optional<Rejection> FlowTables::modify(const FlowMod& mod, std::uint64_t now, Txn& txn) {
    const FlowFilter filter = FlowFilter::of(mod);
    if (auto r = check_match(filter.match)) return r;
    // Actions are checked even when nothing is selected (OVS checks them on decoding); a
    // goto_table is checked against the table of every flow it would land in.
    const std::uint8_t base = mod.table == kAllTables ? 0 : mod.table;
    if (auto r = check_instructions(mod.instructions, base, filter.match)) return r;
    std::vector<FlowRule*> selected;
    for_each_selected(filter, [&](FlowRule* r) { selected.push_back(r); });
    for (FlowRule* r : selected) {
        if (auto bad = check_instructions(mod.instructions, r->table, filter.match)) return bad;
    }
    for (FlowRule* r : selected) {
        txn.log.push_back({Txn::Kind::modified, r, nullptr, r->instructions, r->modified_ns,
                           r->counters.packets(), r->counters.bytes(), r->counters.last_used_ns()});
        r->instructions = mod.instructions;
        r->modified_ns = now;
        if (mod.flags & kResetCounts) r->counters.set(0, 0, r->counters.last_used_ns());
        ++txn.modified;
    }
    return std::nullopt;
}

std::optional<Rejection> FlowTables::del(const FlowMod& mod, std::uint64_t now, Txn& txn) {
    const FlowFilter filter = FlowFilter::of(mod);
    std::vector<FlowRule*> selected;
    for_each_selected(filter, [&](FlowRule* r) { selected.push_back(r); });
    std::sort(selected.begin(), selected.end(), detail::dump_order);
    for (FlowRule* r : selected) {
        txn.removed.push_back({r->stats(now), RemovedReason::del});
        txn.log.push_back({Txn::Kind::removed, r, take(r), {}});
    }
    return std::nullopt;
}

// ---- timeouts --------------------------------------------------------------------------

std::vector<RemovedFlow> FlowTables::expire(std::uint64_t now_ns) {
    std::vector<std::pair<FlowRule*, RemovedReason>> due;
    for (FlowRule* r : timed_) {
        if (r->hard_timeout != 0 && now_ns > r->modified_ns + r->hard_timeout * kNsPerSec) {
            due.emplace_back(r, RemovedReason::hard_timeout);
        } else if (r->idle_timeout != 0 &&
                   now_ns > r->counters.last_used_ns() + r->idle_timeout * kNsPerSec) {
            due.emplace_back(r, RemovedReason::idle_timeout);
        }
    }
    std::sort(due.begin(), due.end(),
              [](const auto& a, const auto& b) { return detail::dump_order(a.first, b.first); });
    std::vector<RemovedFlow> out;
    for (auto& [r, reason] : due) {
        out.push_back({r->stats(now_ns), reason});
        take(r);
    }
    if (!out.empty()) bump();
    return out;
}

// ---- reading ---------------------------------------------------------------------------

std::vector<FlowStats> FlowTables::dump(const FlowFilter& filter, std::uint64_t now_ns) const {
    std::vector<FlowRule*> rules;
    for_each_selected(filter, [&](FlowRule* r) { rules.push_back(r); });
    std::sort(rules.begin(), rules.end(), detail::dump_order);
    std::vector<FlowStats> out;
    out.reserve(rules.size());
    for (const FlowRule* r : rules) out.push_back(r->stats(now_ns));
    return out;
}

AggregateStats FlowTables::aggregate(const FlowFilter& filter) const {
    AggregateStats s;
    for_each_selected(filter, [&](FlowRule* r) {
        s.packets += r->counters.packets();
        s.bytes += r->counters.bytes();
        ++s.flows;
    });
    return s;
}

TableStats FlowTables::table_stats(std::uint8_t table) const {
    TableStats s;
    s.table = table;
    s.active = static_cast<std::uint32_t>(tables_[table].size());
    s.lookups = counters_[table].lookups();
    s.matched = counters_[table].matched();
    return s;
}

std::vector<TableStats> FlowTables::table_stats() const {
    std::vector<TableStats> out;
    for (unsigned t = 0; t < kNumTables; ++t)
        out.push_back(table_stats(static_cast<std::uint8_t>(t)));
    return out;
}

bool FlowTables::is_default() const {
    if (owned_.size() != 1) return false;
    const FlowRule& r = *owned_.begin()->second;
    const FlowMod d = default_flow();
    return r.table == d.table && r.priority == d.priority && r.match == d.match &&
           r.cookie == d.cookie && r.idle_timeout == 0 && r.hard_timeout == 0 &&
           r.instructions == d.instructions;
}

FlowMod default_flow() {
    FlowMod m;
    m.command = FlowModCommand::add;
    m.table = 0;
    m.priority = 0;
    Action normal;
    normal.type = ActionType::output;
    normal.port = kOfpNormal;
    m.instructions.apply.push_back(normal);
    return m;
}

bool only_the_default_flow(const std::vector<FlowStats>& flows) {
    if (flows.size() != 1) return false;
    const FlowMod d = default_flow();
    const FlowStats& f = flows[0];
    return f.table == d.table && f.priority == d.priority && f.match == d.match &&
           f.cookie == d.cookie && f.idle_timeout == 0 && f.hard_timeout == 0 &&
           f.flags == d.flags && f.instructions == d.instructions;
}

std::unique_ptr<FlowTables> make_bridge_tables(std::uint64_t now_ns) {
    auto t = std::make_unique<FlowTables>();
    t->apply(default_flow(), now_ns);
    return t;
}

}  // namespace sy::flow
