#pragma once
// The OpenFlow 1.3 action set that write_actions fills and the end of the pipeline runs
// (OF 1.3.5 5.10), as OVS keeps it (lib/ofp-actions.c, ofpacts_execute_action_set): one
// pop_vlan, one push_vlan, one dec_ttl (the last written of each), the set_field / move /
// mod_vlan_* actions in the order written, and a final action: the last output, or lacking
// one the last resubmit. Without a final action the set does nothing. It points into the
// flows' instructions, which outlive a translation. Fixed size: translation is on the
// per-packet path.

#include <array>
#include <cstdint>

#include "flow/action.hpp"

namespace sy::flow {

class ActionSet {
  public:
    static constexpr std::size_t kMaxSets = 32;

    void clear() { *this = ActionSet{}; }
    // Merges `list` (a write_actions instruction). False when the set-field part is full.
    bool write(const ActionList& list) {
        for (const Action& a : list) {
            switch (a.type) {
                case ActionType::pop_vlan:
                    pop_ = &a;
                    break;
                case ActionType::push_vlan:
                    push_ = &a;
                    break;
                case ActionType::dec_ttl:
                    dec_ttl_ = &a;
                    break;
                case ActionType::output:
                    output_ = &a;
                    break;
                case ActionType::resubmit:
                    resubmit_ = &a;
                    break;
                case ActionType::set_field:
                case ActionType::move:
                case ActionType::mod_vlan_vid:
                case ActionType::mod_vlan_pcp:
                    if (!add_set(a)) return false;
                    break;
                case ActionType::controller:  // refused by validation (flow/flow_validation)
                    break;
            }
        }
        return true;
    }
    bool empty() const { return final_action() == nullptr; }
    // In execution order: the slots, then the sets, then the final action.
    template <typename Fn>
    void for_each_in_order(Fn&& fn) const {
        if (final_action() == nullptr) return;
        for (const Action* a : {pop_, push_, dec_ttl_}) {
            if (a != nullptr) fn(*a);
        }
        for (std::size_t i = 0; i < n_sets_; ++i) fn(*sets_[i]);
        fn(*final_action());
    }

  private:
    const Action* final_action() const { return output_ != nullptr ? output_ : resubmit_; }
    bool add_set(const Action& a) {
        // A later plain set of a field makes earlier writes to it moot (the spec's "one
        // set-field per field type"); dropping them keeps repeated writes from filling up.
        if (a.type == ActionType::set_field && a.mask == field_all_ones(a.field)) {
            std::size_t kept = 0;
            for (std::size_t i = 0; i < n_sets_; ++i) {
                const Action* s = sets_[i];
                if (!(s->type == ActionType::set_field && s->field == a.field)) sets_[kept++] = s;
            }
            n_sets_ = static_cast<std::uint8_t>(kept);
        }
        if (n_sets_ == kMaxSets) return false;
        sets_[n_sets_++] = &a;
        return true;
    }

    const Action* pop_ = nullptr;
    const Action* push_ = nullptr;
    const Action* dec_ttl_ = nullptr;
    const Action* output_ = nullptr;
    const Action* resubmit_ = nullptr;
    std::array<const Action*, kMaxSets> sets_{};
    std::uint8_t n_sets_ = 0;
};

}  // namespace sy::flow
