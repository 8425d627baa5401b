// Packets per second through the learning bridge between in-memory ports, one core, the poll
// round driven by hand (SwitchCore::run_once): generator ports make frames, sink ports free
// them, so what is measured is the switch (receive copy, VLAN/learning/lookup, egress
// preparation, send). The baseline, measured in the same run, moves the same frames from the
// generator to the sink with no switching at all.
//
// The flow rows run the whole datapath with 1, 100 and 10 000 rules over six masks (none of
// which the traffic matches, so every packet goes through the caches to the table-miss
// NORMAL flow) next to plain NORMAL (the default table). The contenders alternate in 5 ms
// slices within each round so that drift of the machine hits them all alike; each round's
// ratio is to NORMAL of that round, and the median and spread (min..max) of the ratios are
// printed.
//
//   datapath_bench [seconds-per-case [only-cases-containing [rounds]]]
//   (default 1 s, all cases, 5 rounds of the flow rows)
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "datapath/port_factory.hpp"
#include "datapath/switch_core.hpp"
#include "flow/flow_syntax.hpp"
#include "port/memory/memory_port.hpp"
#include "testlib/frame_builder.hpp"

using namespace sy;
using Clock = std::chrono::steady_clock;

// Rates are per CPU-second of this thread ("per core"), so other processes competing for the
// machine's two cores do not lower the figures; the loop still runs for `seconds` of wall time.
double thread_cpu_seconds() {
    timespec ts;
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

namespace {

port::MemoryFrame tcp_frame(std::size_t payload, std::uint8_t dst, std::uint8_t src, bool super,
                            std::uint16_t flow) {
    testlib::FrameSpec s;
    s.payload = testlib::make_payload(payload);
    s.sport = static_cast<std::uint16_t>(40000 + flow);
    s.csum = super ? testlib::CsumFill::seed : testlib::CsumFill::correct;
    testlib::Frame f = testlib::build_frame(s);
    const std::uint8_t d[6] = {0x02, 0, 0, 0, 0, dst}, m[6] = {0x02, 0, 0, 0, 0, src};
    std::copy(d, d + 6, f.bytes.begin());
    std::copy(m, m + 6, f.bytes.begin() + 6);
    port::MemoryFrame out{f.bytes, {}};
    if (super) out.offload = testlib::gso_offload(f, 1448);
    return out;
}

// 64-byte frames: 14 Ethernet + 20 IP + 20 TCP + 10 payload = 64.
std::vector<port::MemoryFrame> small_frames(std::uint8_t dst, std::uint8_t src) {
    std::vector<port::MemoryFrame> v;
    for (std::uint16_t flow = 0; flow < 16; ++flow)
        v.push_back(tcp_frame(10, dst, src, false, flow));
    return v;
}

struct Figures {
    double pps = 0;      // packets received by the switch per second
    double out_pps = 0;  // packets sent per second
    double gbps = 0;     // received bits per second
};

std::uint64_t rx_packets(datapath::SwitchCore& sw) {
    std::uint64_t rx = 0;
    for (auto& b : sw.bridges())
        for (auto& p : b.ports) rx += p.stats.rx_packets;
    return rx;
}

Figures measure(datapath::SwitchCore& sw, double seconds) {
    auto stats = [&] {
        std::uint64_t rx = 0, tx = 0, bytes = 0;
        for (auto& b : sw.bridges()) {
            for (auto& p : b.ports) {
                rx += p.stats.rx_packets;
                tx += p.stats.tx_packets;
                bytes += p.stats.rx_bytes;
            }
        }
        return std::array<std::uint64_t, 3>{rx, tx, bytes};
    };
    for (int i = 0; i < 1000; ++i) sw.run_once();  // warm up, learn
    const auto before = stats();
    const auto t0 = Clock::now();
    const double cpu0 = thread_cpu_seconds();
    do {
        for (int i = 0; i < 256; ++i) sw.run_once();
    } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds);
    const double elapsed = thread_cpu_seconds() - cpu0;
    const auto after = stats();
    return {double(after[0] - before[0]) / elapsed, double(after[1] - before[1]) / elapsed,
            double(after[2] - before[2]) * 8 / elapsed / 1e9};
}

datapath::SwitchOptions bench_options() {
    datapath::SwitchOptions o;
    o.start_poll_thread = false;
    o.log = false;
    return o;
}

void add(datapath::SwitchCore& sw, const char* name, datapath::OffloadMode mode,
         std::vector<port::MemoryFrame> gen, bool sink) {
    auto io = std::make_unique<port::MemoryPort>(name, datapath::memory_port_caps(mode));
    if (!gen.empty()) io->set_generator(std::move(gen));
    io->set_sink(sink);
    datapath::PortConfig c;
    c.name = name;
    c.kind = datapath::PortKind::memory;
    c.offload = mode;
    if (auto s = sw.add_port("br0", c, std::move(io)); !s) {
        fmt::print(stderr, "{}\n", s.message());
        std::exit(1);
    }
}

// No switch: generator -> sink directly, the cost of the in-memory ports themselves.
double baseline_pps(double seconds) {
    PacketPool pool(1024, kSuperFrameBufferSize);
    port::MemoryPort gen("g", datapath::memory_port_caps(datapath::OffloadMode::vnet_hdr));
    port::MemoryPort sink("s", datapath::memory_port_caps(datapath::OffloadMode::vnet_hdr));
    gen.set_generator(small_frames(0xB, 0xA));
    sink.set_sink(true);
    std::uint64_t n = 0;
    const auto t0 = Clock::now();
    const double cpu0 = thread_cpu_seconds();
    do {
        for (int i = 0; i < 256; ++i) {
            PacketBatch b;
            n += gen.rx_burst(pool, b);
            sink.tx_burst(b);
        }
    } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds);
    return double(n) / (thread_cpu_seconds() - cpu0);
}

// `n` flows over six masks in ovs-ofctl syntax; the bench's traffic (10.200.0.1 ->
// 10.200.0.2, TCP 400xx -> 80, MACs 02::0a/02::0b) matches none of them.
std::string rule_text(unsigned n) {
    std::string text = "priority=0,actions=NORMAL\n";
    for (unsigned i = 0; i < n; ++i) {
        const unsigned x = i / 6, hi = x >> 8 & 0xff, lo = x & 0xff;
        const unsigned prio = 100 + (i % 6) * 10;
        switch (i % 6) {
            case 0:
                text += fmt::format("priority={},ip,nw_dst=10.1.{}.{},actions=output:2\n", prio, hi,
                                    lo);
                break;
            case 1:
                text +=
                    fmt::format("priority={},ip,nw_src=10.2.{}.0/24,actions=output:2\n", prio, lo);
                break;
            case 2:
                text += fmt::format("priority={},tcp,tp_dst={},actions=output:2\n", prio, 1000 + x);
                break;
            case 3:
                text += fmt::format(
                    "priority={},in_port=1,dl_src=02:00:00:01:{:02x}:{:02x},actions=output:2\n",
                    prio, hi, lo);
                break;
            case 4:
                text += fmt::format(
                    "priority={},udp,tp_dst=53,nw_dst=10.4.{}.0/24,actions=output:2\n", prio, lo);
                break;
            default:
                text += fmt::format(
                    "priority={},ip,nw_dst=10.5.{}.0/"
                    "24,nw_tos={},actions=mod_nw_dst:10.6.0.1,output:2\n",
                    prio, lo, (x % 64) << 2);
                break;
        }
    }
    return text;
}

// Two ports both ways through `rules` flows (0: the default table only).
std::unique_ptr<datapath::SwitchCore> flow_switch(unsigned rules, bool with_rules) {
    auto sw = std::make_unique<datapath::SwitchCore>(bench_options());
    (void)sw->add_bridge("br0");
    add(*sw, "a", datapath::OffloadMode::vnet_hdr, small_frames(0xB, 0xA), true);
    add(*sw, "b", datapath::OffloadMode::vnet_hdr, small_frames(0xA, 0xB), true);
    if (with_rules) {
        auto mods = flow::parse_flow_file(rule_text(rules), flow::FlowFileMode::replace_flows,
                                          flow::NoPortNames{});
        if (!mods) {
            fmt::print(stderr, "datapath_bench: {}\n", mods.status().message());
            std::exit(1);
        }
        if (auto out = sw->replace_flows("br0", *mods); !out) {
            fmt::print(stderr, "datapath_bench: {}\n", out.status.message());
            std::exit(1);
        }
    }
    return sw;
}

void flow_rounds(double seconds, int rounds) {
    struct Contender {
        std::string name;
        std::unique_ptr<datapath::SwitchCore> sw;
        std::vector<double> mpps, ratio;
    };
    std::vector<Contender> cs;
    cs.push_back({"NORMAL only (the default table)", flow_switch(0, false), {}, {}});
    for (unsigned n : {1u, 100u, 10000u})
        cs.push_back(
            {fmt::format("{} rules, 6 masks, then NORMAL", n), flow_switch(n, true), {}, {}});
    // Within a round the contenders also take turns, in slices of 5 ms, each accumulating
    // its own packets and CPU time: this VM's speed drifts by tens of percent within a
    // second, so whole-second turns let the drift decide the ratios (5 ms slices gave a
    // spread of 0.01-0.03, 0.5 s turns 0.5). A contender refills the caches the others evicted in
    // about 0.1 ms (an estimate: a few MiB at memory bandwidth), 2 % of a slice.
    constexpr double kSlice = 0.005;
    for (auto& c : cs)
        for (int i = 0; i < 1000; ++i) c.sw->run_once();  // warm up, learn
    for (int r = 0; r < rounds; ++r) {
        std::vector<std::uint64_t> packets(cs.size(), 0);
        std::vector<double> cpu(cs.size(), 0);
        const auto t0 = Clock::now();
        while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds * cs.size()) {
            for (std::size_t i = 0; i < cs.size(); ++i) {
                const std::uint64_t rx0 = rx_packets(*cs[i].sw);
                const auto s0 = Clock::now();
                const double cpu0 = thread_cpu_seconds();
                do {
                    for (int k = 0; k < 64; ++k) cs[i].sw->run_once();
                } while (std::chrono::duration<double>(Clock::now() - s0).count() < kSlice);
                cpu[i] += thread_cpu_seconds() - cpu0;
                packets[i] += rx_packets(*cs[i].sw) - rx0;
            }
        }
        for (std::size_t i = 0; i < cs.size(); ++i)
            cs[i].mpps.push_back(double(packets[i]) / cpu[i] / 1e6);
        for (auto& c : cs) c.ratio.push_back(c.mpps.back() / cs[0].mpps.back());
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    fmt::print(
        "\nflows: 64 B, 2 ports both ways, {} rounds of {:.1f} s per contender in alternating\n"
        "5 ms slices, per CPU-second\n",
        rounds, seconds);
    fmt::print("{:<40} {:>10} {:>14} {:>10} {:>14}\n", "contender", "Mpps med", "Mpps min..max",
               "x NORMAL", "ratio min..max");
    for (auto& c : cs) {
        fmt::print("{:<40} {:>10.2f} {:>6.2f}..{:<6.2f} {:>10.2f} {:>6.2f}..{:<6.2f}\n", c.name,
                   median(c.mpps), *std::min_element(c.mpps.begin(), c.mpps.end()),
                   *std::max_element(c.mpps.begin(), c.mpps.end()), median(c.ratio),
                   *std::min_element(c.ratio.begin(), c.ratio.end()),
                   *std::max_element(c.ratio.begin(), c.ratio.end()));
    }
    fmt::print("(goal: 10 000 rules >= 0.80x NORMAL, caches warm)\n");
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
    const double base = baseline_pps(seconds);
    fmt::print(
        "datapath micro-benchmark, in-memory ports, {:.1f} s per case, rates per CPU-second\n",
        seconds);
    fmt::print("{:<58} {:>10} {:>10} {:>9} {:>8}\n", "case", "in Mpps", "out Mpps", "Gbit/s",
               "x base");
    fmt::print("{:<58} {:>10.2f} {:>10.2f} {:>9} {:>8}\n",
               "baseline: generator -> sink, no switch (64 B)", base / 1e6, base / 1e6, "-",
               "1.00");
    const std::string only = argc > 2 ? argv[2] : "";
    auto wanted = [&](const char* name) {
        return std::string(name).find(only) != std::string::npos;
    };
    auto row = [&](const char* name, const Figures& f) {
        fmt::print("{:<58} {:>10.2f} {:>10.2f} {:>9.1f} {:>8.2f}\n", name, f.pps / 1e6,
                   f.out_pps / 1e6, f.gbps, f.pps / base);
    };
    if (wanted("64 B, learning bridge, 2 ports both ways, egress prep")) {
        datapath::SwitchCore sw(bench_options());
        (void)sw.add_bridge("br0");
        add(sw, "a", datapath::OffloadMode::vnet_hdr, small_frames(0xB, 0xA), true);
        add(sw, "b", datapath::OffloadMode::vnet_hdr, small_frames(0xA, 0xB), true);
        row("64 B, learning bridge, 2 ports both ways, egress prep", measure(sw, seconds));
    }
    if (wanted("64 B, learning bridge, 4 ports (2 idle), one legacy")) {
        datapath::SwitchCore sw(bench_options());
        (void)sw.add_bridge("br0");
        add(sw, "a", datapath::OffloadMode::vnet_hdr, small_frames(0xB, 0xA), true);
        add(sw, "b", datapath::OffloadMode::legacy, small_frames(0xA, 0xB), true);
        for (const char* extra : {"c", "d"})
            add(sw, extra, datapath::OffloadMode::vnet_hdr, {}, true);
        row("64 B, learning bridge, 4 ports (2 idle), one legacy", measure(sw, seconds));
    }
    if (wanted("64 KB TCP super-frames -> TSO port (passed whole)")) {
        datapath::SwitchCore sw(bench_options());
        (void)sw.add_bridge("br0");
        std::vector<port::MemoryFrame> supers{tcp_frame(62000, 0xB, 0xA, true, 0)};
        add(sw, "a", datapath::OffloadMode::vnet_hdr, supers, true);
        add(sw, "b", datapath::OffloadMode::vnet_hdr, {tcp_frame(10, 0xA, 0xB, false, 0)}, true);
        row("64 KB TCP super-frames -> TSO port (passed whole)", measure(sw, seconds));
    }
    if (wanted("64 KB TCP super-frames -> plain port (segmented + csum)")) {
        datapath::SwitchCore sw(bench_options());
        (void)sw.add_bridge("br0");
        std::vector<port::MemoryFrame> supers{tcp_frame(62000, 0xB, 0xA, true, 0)};
        add(sw, "a", datapath::OffloadMode::vnet_hdr, supers, true);
        add(sw, "b", datapath::OffloadMode::legacy, {tcp_frame(10, 0xA, 0xB, false, 0)}, true);
        row("64 KB TCP super-frames -> plain port (segmented + csum)", measure(sw, seconds));
    }
    fmt::print(
        "(super-frame rows: 'in' counts super-frames plus the 64 B return traffic, 'out'\n"
        " counts segments; goal for 64 B: >= 10 Mpps per core)\n");
    if (wanted("flows")) flow_rounds(seconds, argc > 3 ? std::atoi(argv[3]) : 5);
    return 0;
}
