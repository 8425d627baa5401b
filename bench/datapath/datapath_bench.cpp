// Packets per second through the learning bridge between in-memory ports, one core, the poll
// round driven by hand (SwitchCore::run_once): generator ports make frames, sink ports free
// them, so what is measured is the switch (receive copy, VLAN/learning/lookup, egress
// preparation, send). The baseline, measured in the same run, moves the same frames from the
// generator to the sink with no switching at all.
//
//   datapath_bench [seconds-per-case [only-cases-containing]]   (default 1 s, all cases)
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/core.h>

#include "datapath/port_factory.hpp"
#include "datapath/switch_core.hpp"
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
    return 0;
}
