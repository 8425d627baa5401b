#pragma once
// A flow's match: a key and a mask of the same layout. The key is kept masked (bits outside
// the mask are zero), so two matches are the same match exactly when their bytes are equal.

#include "base/status.hpp"
#include "flow/field.hpp"
#include "flow/flow_key.hpp"

namespace sy::flow {

struct Match {
    FlowKey key;    // always key & mask
    FlowMask mask;  // zero: wildcarded

    // Adds `field == value` under `mask` (the field's width; all ones for an exact match).
    // A field already matched is replaced.
    void set(FieldId field, FieldValue value, FieldValue field_mask);
    void set(FieldId field, FieldValue value) { set(field, value, field_all_ones(field)); }
    // The field's value and mask in this match (mask 0: wildcarded).
    FieldValue value(FieldId field) const { return get_field(key, field); }
    FieldValue mask_of(FieldId field) const { return get_field(mask, field); }
    bool matches_field(FieldId field) const { return mask_of(field) != 0; }

    bool matches(const FlowKey& packet) const { return flow::matches(packet, key, mask); }
    bool operator==(const Match& o) const { return key == o.key && mask == o.mask; }

    // Every matched field's prerequisites are established by the match itself (dl_type,
    // nw_proto). Errc::invalid_argument naming the first field that lacks one.
    Status check_prerequisites() const;
    // True when every packet this match accepts is also accepted by `wider` (used by
    // non-strict modify/delete: "flows that match at least these fields").
    bool is_subset_of(const Match& wider) const;
};

}  // namespace sy::flow
