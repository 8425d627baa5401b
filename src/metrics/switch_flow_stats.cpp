#include "metrics/switch_flow_stats.hpp"

#include "flow/flow_tables.hpp"
#include "flow/match_format.hpp"

namespace sy::metrics {

FlowStatsSource flow_stats_of(const datapath::Switch& sw) {
    return [&sw] {
        std::vector<FlowStats> out;
        const flow::NoPortNames numbers;
        for (const auto& bridge : sw.bridges()) {
            auto flows = sw.dump_flows(bridge.name, flow::FlowFilter{});
            if (!flows || flow::only_the_default_flow(*flows))
                continue;  // a bridge gone meanwhile: skip
            for (const auto& f : *flows) {
                out.push_back({bridge.name, f.table, f.priority, f.cookie,
                               flow::format_match(f.match, numbers), f.n_packets, f.n_bytes});
            }
        }
        return out;
    };
}

}  // namespace sy::metrics
