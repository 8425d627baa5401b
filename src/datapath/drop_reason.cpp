#include "datapath/drop_reason.hpp"

namespace sy::datapath {

const char* to_string(Stage stage) {
    switch (stage) {
        case Stage::ingress:
            return "ingress";
        case Stage::classify:
            return "classify";
        case Stage::execute:
            return "execute";
        case Stage::normal:
            return "normal";
        case Stage::egress:
            return "egress";
        case Stage::count_:
            break;
    }
    return "?";
}

namespace {
struct Row {
    const char* name;
    Stage stage;
};
// In DropReason order.
constexpr Row kRows[kDropReasonCount] = {
    {"runt", Stage::ingress},
    {"flow_no_match", Stage::classify},
    {"flow_drop", Stage::classify},
    {"flow_ttl_expired", Stage::classify},
    {"flow_too_many_resubmits", Stage::classify},
    {"flow_too_many_ops", Stage::classify},
    {"flow_rewrite_failed", Stage::execute},
    {"flow_no_port", Stage::execute},
    {"flow_no_buffer", Stage::execute},
    {"controller_queue_full", Stage::execute},
    {"controller_none", Stage::execute},
    {"vlan_tagged_on_access", Stage::normal},
    {"vlan_untagged_on_trunk", Stage::normal},
    {"vlan_not_allowed", Stage::normal},
    {"no_destination", Stage::normal},
    {"flood_no_buffer", Stage::normal},
    {"vlan_no_headroom", Stage::egress},
    {"port_down", Stage::egress},
};
}  // namespace

const char* to_string(DropReason reason) {
    const auto i = static_cast<std::size_t>(reason);
    return i < kDropReasonCount ? kRows[i].name : "unknown";
}

Stage stage_of(DropReason reason) {
    const auto i = static_cast<std::size_t>(reason);
    return i < kDropReasonCount ? kRows[i].stage : Stage::count_;
}

}  // namespace sy::datapath
