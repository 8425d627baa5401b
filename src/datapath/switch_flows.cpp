// SwitchCore's flow tables: changes under the round lock (so no packet sees half of one),
// and the views dump-flows, aggregate and table stats read.
#include <fmt/core.h>

#include "datapath/switch_core.hpp"

namespace sy::datapath {

namespace {
flow::FlowModOutcome no_bridge(const std::string& bridge) {
    flow::FlowModOutcome out;
    out.status = Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    return out;
}
}  // namespace

void SwitchCore::flows_changed(Bridge& br) {
    const bool was_default = br.flows_default;
    br.flows_changed();
    if (!br.flows_default) worker_.ensure_cache(br.id);
    if (was_default != br.flows_default) fast_.update_bridge(br);  // flows pause the fast path
}

flow::FlowModOutcome SwitchCore::apply_flows(const std::string& bridge,
                                             std::span<const flow::FlowMod> mods) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return no_bridge(bridge);
    flow::FlowModOutcome out = br->flows->apply(mods, options_.clock());
    if (out) flows_changed(*br);
    return out;
}

flow::FlowModOutcome SwitchCore::replace_flows(const std::string& bridge,
                                               std::span<const flow::FlowMod> flows) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return no_bridge(bridge);
    flow::FlowModOutcome out = br->flows->replace_all(flows, options_.clock());
    if (out) flows_changed(*br);
    return out;
}

Result<std::vector<flow::FlowStats>> SwitchCore::dump_flows(const std::string& bridge,
                                                            const flow::FlowFilter& filter) const {
    RoundLock::Control lk(lock_);
    const Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    return br->flows->dump(filter, options_.clock());
}

Result<flow::AggregateStats> SwitchCore::aggregate_flows(const std::string& bridge,
                                                         const flow::FlowFilter& filter) const {
    RoundLock::Control lk(lock_);
    const Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    return br->flows->aggregate(filter);
}

Result<std::vector<flow::TableStats>> SwitchCore::table_stats(const std::string& bridge) const {
    RoundLock::Control lk(lock_);
    const Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    return br->flows->table_stats();
}

}  // namespace sy::datapath
