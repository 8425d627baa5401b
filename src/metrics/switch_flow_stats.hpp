#pragma once
// The flow counters of a switch's bridges, as the metrics endpoint exports them. Bridges with
// only the default flow (priority=0,actions=NORMAL) are left out: their traffic is already in
// the port counters, and "flow counters when flows exist" keeps a plain bridge's scrape small.

#include "datapath/switch.hpp"
#include "metrics/flow_stats.hpp"

namespace sy::metrics {

// A source reading `sw` on each call (through its thread-safe facade: a snapshot, no
// per-packet work). Matches are printed with ports by OpenFlow number (stable label values).
FlowStatsSource flow_stats_of(const datapath::Switch& sw);

}  // namespace sy::metrics
