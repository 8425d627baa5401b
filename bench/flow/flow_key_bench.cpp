// Prints the rate of extract_key() per core for a few frame kinds, next to the rate of the
// net::parse() that precedes it on the ingress path (measured in the same run): the key
// costs what the "extract" column shows on top of a parse the packet gets anyway.
// Frames are built by synthesize_packet(). Usage: flow_key_bench [--quick]

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <string_view>
#include <vector>

#include "flow/flow_syntax.hpp"
#include "flow/key_extract.hpp"
#include "flow/packet_synth.hpp"
#include "net/parse.hpp"

namespace {

using namespace sy;
// Thread CPU time, not wall time: the machine is shared, and a benchmark that loses the CPU
// to another process should not count that as its own cost.
struct Clock {
    static double now() {
        timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
};

volatile std::uint64_t g_sink;

// Seconds per call, best of 5 runs (the machine is shared: take the best).
template <class F>
double seconds_per_call(int n, F&& f) {
    double best = 1e9;
    for (int run = 0; run < 5; ++run) {
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i) f(i);
        best = std::min(best, (Clock::now() - t0) / n);
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 && std::string_view(argv[1]) == "--quick" ? 200'000 : 2'000'000;
    const flow::NoPortNames ports;
    const char* kinds[][2] = {
        {"TCPv4 64B", "tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80,tcp_flags=+ack"},
        {"UDPv6 + flow label",
         "udp6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,tp_dst=53,ipv6_label=5"},
        {"802.1Q TCPv4", "dl_vlan=10,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=443"},
        {"ARP request", "arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2"},
    };
    fmt::print("{:<22} {:>14} {:>18} {:>12} {:>8}\n", "frame", "parse Mpps", "parse+key Mpps",
               "key ns/pkt", "ratio");
    for (const auto& kind : kinds) {
        auto key = flow::parse_trace_flow(kind[1], ports);
        auto frame = flow::synthesize_packet(*key, {.payload_len = 10});
        if (!key || !frame) return 1;
        const std::span<const std::uint8_t> bytes(*frame);
        const double parse_only = seconds_per_call(n, [&](int i) {
            const net::ParsedHeaders p = net::parse(bytes);
            g_sink = g_sink + p.outer.l4 + static_cast<unsigned>(i);
        });
        flow::FlowKey k;
        const double with_key = seconds_per_call(n, [&](int i) {
            const net::ParsedHeaders p = net::parse(bytes);
            flow::extract_key(bytes, p, static_cast<flow::OfPort>(i), k);
            g_sink = g_sink + k.tp_dst + k.in_port;
        });
        fmt::print("{:<22} {:>14.1f} {:>18.1f} {:>12.1f} {:>8.2f}\n", kind[0], 1e-6 / parse_only,
                   1e-6 / with_key, (with_key - parse_only) * 1e9, parse_only / with_key);
    }
    fmt::print("ratio = parse-only time / parse+key time (1.0: the key is free)\n");
    return 0;
}
