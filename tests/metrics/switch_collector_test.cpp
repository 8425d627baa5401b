#include "metrics/switch_collector.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/core.h>

#include "metrics/listen_address.hpp"
#include "metrics/metrics_exporter.hpp"

namespace sy::metrics {
namespace {

// A switch with fixed counters: one bridge, two ports.
class FixedSwitch : public datapath::Switch {
  public:
    std::string fastpath = "off";
    std::vector<datapath::BridgeInfo> state;

    FixedSwitch() {
        datapath::PortInfo a;
        a.config.name = "syaaaa";
        a.id = 1;
        a.stats.rx_packets = 1000;
        a.stats.rx_bytes = 1'500'000;
        a.stats.tx_packets = 900;
        a.stats.tx_bytes = 60'000;
        a.stats.csum_completed_sw = 3;
        a.stats.csum_verified_good = 4;
        a.stats.csum_verified_bad = 5;
        a.stats.csum_pseudo_seed = 2;
        a.stats.gso_passed = 6;
        a.stats.gso_segmented = 7;
        a.stats.segments_out = 44;
        a.stats.drops = {{"no_buffer", 8}, {"vlan_not_allowed", 9}};
        a.stats.poll_ns = 2'500'000'000;
        datapath::PortInfo b;
        b.config.name = "sybbbb";
        b.id = 2;
        b.up = false;
        b.fast_path = "active";
        b.stats.fastpath_rx_packets = 11;
        b.stats.fastpath_tx_bytes = 12;
        state.push_back({"br0", {a, b}});
        state.back().flow_cache.signature_hits = 21;
        state.back().flow_cache.emc_hits = 22;
        state.back().flow_cache.megaflow_hits = 23;
        state.back().flow_cache.misses = 24;
        state.back().flow_cache.megaflows = 25;
        state.back().poll_thread = 1;
        state.back().load = 0.25;
    }
    std::uint32_t poll_threads() const override { return 2; }
    std::uint64_t bridges_moved() const override { return 3; }
    Status add_bridge(const std::string&) override { return Status::ok(); }
    Status del_bridge(const std::string&) override { return Status::ok(); }
    Status add_port(const std::string&, const datapath::PortConfig&) override {
        return Status::ok();
    }
    Status del_port(const std::string&, const std::string&) override { return Status::ok(); }
    std::vector<datapath::BridgeInfo> bridges() const override { return state; }
    Result<std::vector<datapath::FdbEntry>> fdb(const std::string&) const override {
        return std::vector<datapath::FdbEntry>{};
    }
    void set_mac_aging_seconds(std::uint32_t) override {}
    Status start_capture(const std::string&, const std::string&, datapath::CaptureDirection,
                         const std::string&) override {
        return Status::ok();
    }
    Status stop_capture(const std::string&, const std::string&) override { return Status::ok(); }
    std::string kernel_fastpath_state() const override { return fastpath; }
    // Flows are not what this collector test is about (FlowStatsSource is).
    flow::FlowModOutcome apply_flows(const std::string&, std::span<const flow::FlowMod>) override {
        return {Status(Errc::unsupported, "no flows here"), {}, 0, {}, 0, 0};
    }
    flow::FlowModOutcome replace_flows(const std::string& b,
                                       std::span<const flow::FlowMod> m) override {
        return apply_flows(b, m);
    }
    Result<std::vector<flow::FlowStats>> dump_flows(const std::string&,
                                                    const flow::FlowFilter&) const override {
        return std::vector<flow::FlowStats>{};
    }
    Result<flow::AggregateStats> aggregate_flows(const std::string&,
                                                 const flow::FlowFilter&) const override {
        return flow::AggregateStats{};
    }
    Result<std::vector<flow::TableStats>> table_stats(const std::string&) const override {
        return std::vector<flow::TableStats>{};
    }
    Result<datapath::TraceReport> trace(const std::string&,
                                        const datapath::TraceRequest&) override {
        return Status(Errc::unsupported, "no trace here");
    }
};

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(SwitchCollector, EveryPortCounterWithItsLabels) {
    FixedSwitch sw;
    SwitchCollector collector(sw, BuildInfo{"0.1", "gcc 12", "Release"});
    const std::string text = render_text(collector);
    for (
        const char* line : {
            R"(switchyard_port_rx_packets_total{bridge="br0",port="syaaaa"} 1000)",
            R"(switchyard_port_rx_bytes_total{bridge="br0",port="syaaaa"} 1500000)",
            R"(switchyard_port_tx_packets_total{bridge="br0",port="syaaaa"} 900)",
            R"(switchyard_port_tx_bytes_total{bridge="br0",port="syaaaa"} 60000)",
            R"(switchyard_port_csum_completed_total{bridge="br0",port="syaaaa"} 3)",
            R"(switchyard_port_csum_verified_total{bridge="br0",port="syaaaa",result="good"} 4)",
            R"(switchyard_port_csum_verified_total{bridge="br0",port="syaaaa",result="bad"} 5)",
            R"(switchyard_port_csum_pseudo_seed_total{bridge="br0",port="syaaaa"} 2)",
            R"(switchyard_port_gso_superframes_total{bridge="br0",port="syaaaa",decision="passed"} 6)",
            R"(switchyard_port_gso_superframes_total{bridge="br0",port="syaaaa",decision="segmented"} 7)",
            R"(switchyard_port_gso_segments_total{bridge="br0",port="syaaaa"} 44)",
            R"(switchyard_port_drops_total{bridge="br0",port="syaaaa",reason="no_buffer"} 8)",
            R"(switchyard_port_drops_total{bridge="br0",port="syaaaa",reason="vlan_not_allowed"} 9)",
            R"(switchyard_port_up{bridge="br0",port="syaaaa"} 1)",
            R"(switchyard_port_up{bridge="br0",port="sybbbb"} 0)",
            R"(switchyard_port_fastpath_rx_packets_total{bridge="br0",port="sybbbb"} 11)",
            R"(switchyard_port_fastpath_tx_bytes_total{bridge="br0",port="sybbbb"} 12)",
            R"(switchyard_port_fastpath_state{bridge="br0",port="sybbbb",state="active"} 1)",
            R"(switchyard_bridges 1)",
            R"(switchyard_poll_threads 2)",
            R"(switchyard_bridges_moved_total 3)",
            R"(switchyard_bridge_poll_thread{bridge="br0"} 1)",
            R"(switchyard_bridge_load{bridge="br0"} 0.25)",
            R"(switchyard_port_poll_seconds_total{bridge="br0",port="syaaaa"} 2.5)",
            R"(switchyard_bridge_flow_cache_lookups_total{bridge="br0",level="signature"} 21)",
            R"(switchyard_bridge_flow_cache_lookups_total{bridge="br0",level="exact"} 22)",
            R"(switchyard_bridge_flow_cache_lookups_total{bridge="br0",level="megaflow"} 23)",
            R"(switchyard_bridge_flow_cache_lookups_total{bridge="br0",level="translated"} 24)",
            R"(switchyard_bridge_flow_cache_megaflows{bridge="br0"} 25)",
            R"(switchyard_kernel_fastpath_info{state="off",reason=""} 1)",
            R"(switchyard_build_info{version="0.1",compiler="gcc 12",build_type="Release"} 1)",
        }) {
        EXPECT_TRUE(has_line(text, line)) << line << "\nnot in:\n" << text;
    }
    EXPECT_NE(text.find("# TYPE switchyard_port_rx_packets_total counter"), std::string::npos);
    EXPECT_NE(text.find("# TYPE switchyard_port_up gauge"), std::string::npos);
    // No flow source: no flow metrics.
    EXPECT_EQ(text.find("switchyard_flow_"), std::string::npos);
}

TEST(SwitchCollector, FastPathReasonIsALabel) {
    FixedSwitch sw;
    sw.fastpath = "unavailable: BPF programs refused (EPERM)";
    const std::string text = render_text(SwitchCollector(sw, BuildInfo{"0.1", "", ""}));
    EXPECT_TRUE(has_line(
        text,
        R"x(switchyard_kernel_fastpath_info{state="unavailable",reason="BPF programs refused (EPERM)"} 1)x"))
        << text;
}

TEST(SwitchCollector, FlowCountersFromTheSource) {
    FixedSwitch sw;
    FlowStatsSource flows = [] {
        return std::vector<FlowStats>{{"br0", 0, 100, 0x2a, "in_port=1,dl_vlan=10", 5, 640},
                                      {"br0", 1, 0, 0, "", 1, 60}};
    };
    const std::string text = render_text(SwitchCollector(sw, BuildInfo{}, flows));
    EXPECT_TRUE(has_line(
        text,
        R"(switchyard_flow_packets_total{bridge="br0",table="0",priority="100",cookie="0x2a",match="in_port=1,dl_vlan=10"} 5)"))
        << text;
    EXPECT_TRUE(has_line(
        text,
        R"(switchyard_flow_bytes_total{bridge="br0",table="1",priority="0",cookie="0x0",match=""} 60)"))
        << text;
}

TEST(SwitchCollector, AFlowSourceWithNoFlowsExportsNoFlowFamilies) {
    FixedSwitch sw;
    const std::string text =
        render_text(SwitchCollector(sw, BuildInfo{}, [] { return std::vector<FlowStats>{}; }));
    EXPECT_EQ(text.find("switchyard_flow_"), std::string::npos);
}

TEST(ListenAddress, PortAloneMeansLoopback) {
    auto a = parse_listen_address("9464");
    ASSERT_TRUE(a) << a.status().message();
    EXPECT_EQ(a->to_string(), "127.0.0.1:9464");
    auto b = parse_listen_address("0.0.0.0:80");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->to_string(), "0.0.0.0:80");
    auto c = parse_listen_address("[::1]:9464");
    ASSERT_TRUE(c) << c.status().message();
    EXPECT_EQ(c->host, "::1");
    EXPECT_EQ(c->to_string(), "[::1]:9464");
}

TEST(ListenAddress, BadInputIsNamed) {
    for (const char* text : {"", "x", "127.0.0.1:", "127.0.0.1:70000", "localhost:9464", "::1:9464",
                             "[::1]9464", "1.2.3:5", "9464 "}) {
        auto a = parse_listen_address(text);
        ASSERT_FALSE(a) << text;
        EXPECT_EQ(a.status().code(), Errc::invalid_argument);
        EXPECT_NE(a.status().message().find(std::string("'") + text + "'"), std::string::npos)
            << a.status().message();
    }
}

std::string http_get(std::uint16_t port, const std::string& path) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return {};
    }
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    (void)!write(fd, request.data(), request.size());
    std::string response;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, n);
    close(fd);
    return response;
}

TEST(MetricsExporter, ServesTheCollectorOverHttp) {
    FixedSwitch sw;
    auto collector = std::make_shared<SwitchCollector>(sw, BuildInfo{"0.1", "", ""});
    auto exporter = MetricsExporter::start(*parse_listen_address("127.0.0.1:0"), collector);
    ASSERT_TRUE(exporter) << exporter.status().message();
    const auto port = (*exporter)->address().port;
    ASSERT_NE(port, 0);
    const std::string response = http_get(port, "/metrics");
    EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
    EXPECT_NE(response.find(R"(switchyard_port_rx_packets_total{bridge="br0",port="syaaaa"} 1000)"),
              std::string::npos)
        << response;

    // The same address again: refused with the address in the message.
    auto second =
        MetricsExporter::start(*parse_listen_address(fmt::format("127.0.0.1:{}", port)), collector);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.status().code(), Errc::io_error);
    EXPECT_NE(second.status().message().find(fmt::format("127.0.0.1:{}", port)), std::string::npos)
        << second.status().message();
}

}  // namespace
}  // namespace sy::metrics
