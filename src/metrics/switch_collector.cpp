#include "metrics/switch_collector.hpp"

#include <fmt/core.h>
#include <prometheus/text_serializer.h>

#include <cstdint>
#include <optional>

namespace sy::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

MetricFamily family(std::string name, std::string help, MetricType type) {
    MetricFamily f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.type = type;
    return f;
}

void add(MetricFamily& f, Labels labels, double value) {
    ClientMetric m;
    m.label = std::move(labels);
    if (f.type == MetricType::Counter)
        m.counter.value = value;
    else
        m.gauge.value = value;
    f.metric.push_back(std::move(m));
}

// Super-frames re-sized (re-segmented to fit a smaller egress MTU): PortStats::gso_resized.
// Read through a requires-check so a test fake's stats without the field still compile.
template <typename Stats>
std::optional<std::uint64_t> gso_resized(const Stats& s) {
    if constexpr (requires { s.gso_resized; }) {
        return static_cast<std::uint64_t>(s.gso_resized);
    } else {
        return std::nullopt;
    }
}

// One family per plain per-port counter: the PortStats field it reads.
struct PortCounter {
    const char* name;
    const char* help;
    std::uint64_t datapath::PortStats::*field;
};

constexpr PortCounter kPortCounters[] = {
    {"switchyard_port_rx_packets_total", "Packets received from the port (userspace)",
     &datapath::PortStats::rx_packets},
    {"switchyard_port_rx_bytes_total", "Bytes received from the port (userspace)",
     &datapath::PortStats::rx_bytes},
    {"switchyard_port_tx_packets_total", "Packets sent on the port (userspace)",
     &datapath::PortStats::tx_packets},
    {"switchyard_port_tx_bytes_total", "Bytes sent on the port (userspace)",
     &datapath::PortStats::tx_bytes},
    {"switchyard_port_csum_completed_total",
     "Partial checksums (CHECKSUM_PARTIAL) the switch completed in software",
     &datapath::PortStats::csum_completed_sw},
    {"switchyard_port_csum_pseudo_seed_total",
     "Bad L4 checksums that held exactly the pseudo-header sum: a partial checksum whose "
     "metadata was lost before the switch",
     &datapath::PortStats::csum_pseudo_seed},
    {"switchyard_port_gso_segments_total", "Segments made by software segmentation",
     &datapath::PortStats::segments_out},
    {"switchyard_port_lab_corrupted_total", "LAB: payloads corrupted by fault injection",
     &datapath::PortStats::corrupted_injected},
    {"switchyard_port_lab_unsafe_marked_total",
     "LAB: unchecked packets sent marked checksum-verified (unsafe_mark_verified)",
     &datapath::PortStats::unsafe_marked},
    {"switchyard_port_fastpath_rx_packets_total",
     "Packets the kernel fast path took from the port without userspace",
     &datapath::PortStats::fastpath_rx_packets},
    {"switchyard_port_fastpath_rx_bytes_total",
     "Bytes the kernel fast path took from the port without userspace",
     &datapath::PortStats::fastpath_rx_bytes},
    {"switchyard_port_fastpath_tx_packets_total",
     "Packets the kernel fast path sent on the port without userspace",
     &datapath::PortStats::fastpath_tx_packets},
    {"switchyard_port_fastpath_tx_bytes_total",
     "Bytes the kernel fast path sent on the port without userspace",
     &datapath::PortStats::fastpath_tx_bytes},
};

// "on", "off", or "unavailable: why" -> (state, reason).
std::pair<std::string, std::string> split_state(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    auto reason = text.substr(colon + 1);
    while (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
    return {text.substr(0, colon), reason};
}

}  // namespace

BuildInfo this_build(std::string version) {
#if defined(__clang__)
    std::string compiler = fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
    std::string compiler = fmt::format("gcc {}", __VERSION__);
#else
    std::string compiler = "unknown";
#endif
#ifdef SY_BUILD_TYPE
    std::string build_type = SY_BUILD_TYPE;
#else
    std::string build_type;
#endif
    return BuildInfo{std::move(version), std::move(compiler), std::move(build_type)};
}

SwitchCollector::SwitchCollector(const datapath::Switch& sw, BuildInfo build, FlowStatsSource flows)
    : switch_(sw), build_(std::move(build)), flows_(std::move(flows)) {}

std::vector<MetricFamily> SwitchCollector::Collect() const {
    const auto bridges = switch_.bridges();
    std::vector<MetricFamily> out;

    auto info = family("switchyard_build_info", "The running switchyard build (value 1)",
                       MetricType::Gauge);
    add(info,
        {{"version", build_.version},
         {"compiler", build_.compiler},
         {"build_type", build_.build_type}},
        1);
    out.push_back(std::move(info));

    const auto [state, reason] = split_state(switch_.kernel_fastpath_state());
    auto fastpath =
        family("switchyard_kernel_fastpath_info",
               "The kernel fast path: state on, off or unavailable (value 1)", MetricType::Gauge);
    add(fastpath, {{"state", state}, {"reason", reason}}, 1);
    out.push_back(std::move(fastpath));

    // Switch-wide figures: one unlabelled value each.
    auto single = [&](const char* name, const char* help, MetricType type, double value) {
        auto f = family(name, help, type);
        add(f, {}, value);
        out.push_back(std::move(f));
    };
    single("switchyard_bridges", "Bridges in the switch", MetricType::Gauge,
           static_cast<double>(bridges.size()));
    single("switchyard_poll_threads", "Poll threads forwarding packets", MetricType::Gauge,
           static_cast<double>(switch_.poll_threads()));
    single("switchyard_bridges_moved_total",
           "Bridges moved to another poll thread by measured load", MetricType::Counter,
           static_cast<double>(switch_.bridges_moved()));

    auto up = family("switchyard_port_up",
                     "1 while the port's interface exists, 0 once it vanished", MetricType::Gauge);
    auto port_fastpath = family("switchyard_port_fastpath_state",
                                "The kernel fast path at the port (value 1; only with the fast "
                                "path on): active, paused: why, not eligible: why",
                                MetricType::Gauge);
    std::vector<MetricFamily> counters;
    for (const auto& c : kPortCounters)
        counters.push_back(family(c.name, c.help, MetricType::Counter));
    auto verified =
        family("switchyard_port_csum_verified_total",
               "L4 checksums the switch verified, by result (good, bad)", MetricType::Counter);
    auto gso = family("switchyard_port_gso_superframes_total",
                      "GSO super-frames by decision: passed on whole, segmented in software, "
                      "resized (re-segmented to fit the egress MTU)",
                      MetricType::Counter);
    auto drops = family("switchyard_port_drops_total", "Packets not sent, by named drop reason",
                        MetricType::Counter);
    auto cache_lookups = family("switchyard_bridge_flow_cache_lookups_total",
                                "Packets the flow tables classified, by the flow cache level "
                                "that answered: signature, exact, megaflow, or translated "
                                "(a miss: the tables were consulted)",
                                MetricType::Counter);
    auto megaflows = family("switchyard_bridge_flow_cache_megaflows",
                            "Megaflow entries in the bridge's flow cache", MetricType::Gauge);
    auto poll_thread = family("switchyard_bridge_poll_thread",
                              "The poll thread serving the bridge (its index)", MetricType::Gauge);
    auto load = family("switchyard_bridge_load",
                       "Share of its poll thread's time the bridge took over the last load "
                       "measurement (only with several poll threads)",
                       MetricType::Gauge);
    auto poll_seconds = family("switchyard_port_poll_seconds_total",
                               "Time a poll thread spent on the port's packets: receiving, "
                               "forwarding, and its share of sending",
                               MetricType::Counter);

    for (const auto& bridge : bridges) {
        const flow::FlowCacheStats& c = bridge.flow_cache;
        auto level = [&](const char* name) {
            return Labels{{"bridge", bridge.name}, {"level", name}};
        };
        add(cache_lookups, level("signature"), static_cast<double>(c.signature_hits));
        add(cache_lookups, level("exact"), static_cast<double>(c.emc_hits));
        add(cache_lookups, level("megaflow"), static_cast<double>(c.megaflow_hits));
        add(cache_lookups, level("translated"), static_cast<double>(c.misses));
        add(megaflows, {{"bridge", bridge.name}}, static_cast<double>(c.megaflows));
        add(poll_thread, {{"bridge", bridge.name}}, static_cast<double>(bridge.poll_thread));
        if (bridge.load >= 0) add(load, {{"bridge", bridge.name}}, bridge.load);
        for (const auto& port : bridge.ports) {
            const Labels where{{"bridge", bridge.name}, {"port", port.config.name}};
            const auto& s = port.stats;
            add(up, where, port.up ? 1 : 0);
            add(poll_seconds, where, static_cast<double>(s.poll_ns) / 1e9);
            if (!port.fast_path.empty()) {
                Labels l = where;
                l.push_back({"state", port.fast_path});
                add(port_fastpath, std::move(l), 1);
            }
            for (std::size_t i = 0; i < std::size(kPortCounters); ++i) {
                add(counters[i], where, static_cast<double>(s.*kPortCounters[i].field));
            }
            auto with = [&](const char* key, std::string value) {
                Labels l = where;
                l.push_back({key, std::move(value)});
                return l;
            };
            add(verified, with("result", "good"), static_cast<double>(s.csum_verified_good));
            add(verified, with("result", "bad"), static_cast<double>(s.csum_verified_bad));
            add(gso, with("decision", "passed"), static_cast<double>(s.gso_passed));
            add(gso, with("decision", "segmented"), static_cast<double>(s.gso_segmented));
            if (auto resized = gso_resized(s)) {
                add(gso, with("decision", "resized"), static_cast<double>(*resized));
            }
            for (const auto& [why, count] : s.drops) {
                add(drops, with("reason", why), static_cast<double>(count));
            }
        }
    }
    out.push_back(std::move(up));
    if (!port_fastpath.metric.empty()) out.push_back(std::move(port_fastpath));
    for (auto& f : counters) out.push_back(std::move(f));
    out.push_back(std::move(verified));
    out.push_back(std::move(gso));
    out.push_back(std::move(drops));
    out.push_back(std::move(poll_seconds));
    if (!bridges.empty()) {
        out.push_back(std::move(cache_lookups));
        out.push_back(std::move(megaflows));
        out.push_back(std::move(poll_thread));
    }
    if (!load.metric.empty()) out.push_back(std::move(load));

    if (flows_) {
        auto packets = family("switchyard_flow_packets_total", "Packets that matched the flow",
                              MetricType::Counter);
        auto bytes = family("switchyard_flow_bytes_total", "Bytes that matched the flow",
                            MetricType::Counter);
        for (const auto& flow : flows_()) {
            const Labels l{{"bridge", flow.bridge},
                           {"table", std::to_string(flow.table)},
                           {"priority", std::to_string(flow.priority)},
                           {"cookie", fmt::format("{:#x}", flow.cookie)},
                           {"match", flow.match}};
            add(packets, l, static_cast<double>(flow.packets));
            add(bytes, l, static_cast<double>(flow.bytes));
        }
        if (!packets.metric.empty()) {
            out.push_back(std::move(packets));
            out.push_back(std::move(bytes));
        }
    }
    return out;
}

std::string render_text(const prometheus::Collectable& collectable) {
    return prometheus::TextSerializer().Serialize(collectable.Collect());
}

}  // namespace sy::metrics
