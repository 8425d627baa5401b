#pragma once
// One flow table's classifier: tuple space search, as OVS's lib/classifier.c. Rules are
// grouped into subtables by mask; each subtable is a hash from the masked key to the rules
// with that exact match (one per priority). A lookup hashes the packet's key under each
// subtable's mask, visiting subtables in order of the highest priority they hold, and stops
// as soon as no remaining subtable can hold a better rule.
//
// Which rule wins: the highest priority; among matching rules of equal priority (OpenFlow
// leaves overlapping equal-priority flows undefined), the one with the smallest FlowRule::seq,
// i.e. the flow added first. The choice depends only on the set of rules, not on the order
// subtables were made in or the hash layout, so a trace, the caches and a brute-force scan
// always agree.
//
// The megaflow contract: lookup() ORs into `consulted` the mask of every subtable it looked
// in. Any key that agrees with the looked-up key on those bits gets the same answer: the
// subtables visited hash it to the same buckets, and the ones skipped hold nothing better
// than the winner (whose own mask is among those consulted).
//
// Lookups are const, allocation-free and safe from several threads at once. insert/remove
// are not, and must not run concurrently with lookups (flow/flow_tables.hpp, "Threads").
// The classifier does not own its rules.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "flow/flow_rule.hpp"

namespace sy::flow {

class Classifier {
  public:
    Classifier();
    ~Classifier();
    Classifier(Classifier&&) noexcept;
    Classifier& operator=(Classifier&&) noexcept;
    Classifier(const Classifier&) = delete;
    Classifier& operator=(const Classifier&) = delete;

    // Adds `rule` (not owned; it must outlive its membership). Its match key must be masked
    // (Match's invariant) and no rule with the same match and priority may be present:
    // returns false and changes nothing if one is.
    bool insert(FlowRule* rule);
    // Removes `rule`; false if it is not here.
    bool remove(const FlowRule* rule);
    // The rule with exactly this match and priority (OpenFlow "strict"), or nullptr.
    FlowRule* find_exact(const Match& match, std::uint16_t priority) const;
    // Is there a rule of priority `priority`, other than one with exactly `match`, that some
    // packet could match together with `match`? (OFPFF_CHECK_OVERLAP.)
    bool overlaps(const Match& match, std::uint16_t priority) const;

    // The best rule for `key` (see above), or nullptr; `consulted` gains the masks looked at.
    const FlowRule* lookup(const FlowKey& key, FlowMask& consulted) const;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t subtable_count() const { return order_.size(); }

    // Every rule, in no particular order. `fn(FlowRule&)`; must not insert or remove.
    template <typename Fn>
    void for_each(Fn&& fn) const;

  private:
    struct Subtable;
    Subtable* find_subtable(const FlowMask& mask) const;
    void reorder();

    std::vector<std::unique_ptr<Subtable>> subtables_;
    std::vector<const Subtable*> order_;                         // by max priority, highest first
    std::unordered_multimap<std::uint64_t, Subtable*> by_mask_;  // hash of the mask
    std::size_t size_ = 0;
    std::uint64_t next_subtable_id_ = 0;  // orders subtables of equal max priority

    // for_each's access to the rules without exposing Subtable's layout.
    std::size_t subtable_node_count(std::size_t subtable) const;
    const std::vector<FlowRule*>& subtable_node(std::size_t subtable, std::size_t node) const;
};

template <typename Fn>
void Classifier::for_each(Fn&& fn) const {
    for (std::size_t s = 0; s < subtables_.size(); ++s) {
        const std::size_t n = subtable_node_count(s);
        for (std::size_t i = 0; i < n; ++i) {
            for (FlowRule* r : subtable_node(s, i)) fn(*r);
        }
    }
}

}  // namespace sy::flow
