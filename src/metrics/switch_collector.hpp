#pragma once
// Turns the switch's counters into Prometheus metric families at scrape time: nothing is
// counted twice and nothing is added to the per-packet path; every scrape reads the same
// snapshot `switchyard stats` shows (datapath::Switch::bridges()). docs/metrics.md lists the
// names and labels.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "datapath/switch.hpp"
#include "metrics/flow_stats.hpp"

namespace sy::metrics {

struct BuildInfo {
    std::string version;
    std::string compiler;
    std::string build_type;
};

// What this binary was built with (compiler and CMake build type from the build).
BuildInfo this_build(std::string version);

class SwitchCollector : public prometheus::Collectable {
  public:
    SwitchCollector(const datapath::Switch& sw, BuildInfo build, FlowStatsSource flows = {});
    std::vector<prometheus::MetricFamily> Collect() const override;

  private:
    const datapath::Switch& switch_;
    BuildInfo build_;
    FlowStatsSource flows_;
};

// The text exposition format of one collection (what /metrics serves).
std::string render_text(const prometheus::Collectable& collectable);

}  // namespace sy::metrics
