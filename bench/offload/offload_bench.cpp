// Prints the rate of each offload operation next to a floor measured in the same run: the
// memcpy and Internet sum of the same bytes (what any correct implementation must do at
// least). Ratio = floor time / our time (1.0 = as fast as copying and summing).
// Usage: offload_bench [--quick]

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <string_view>
#include <vector>

#include "net/checksum.hpp"
#include "net/parse.hpp"
#include "offload/csum_complete.hpp"
#include "offload/gso.hpp"
#include "offload/rewrite.hpp"
#include "offload/tx_prepare.hpp"
#include "testlib/packet_util.hpp"

namespace {

using namespace sy;
using namespace sy::testlib;
using namespace sy::offload;
using Clock = std::chrono::steady_clock;

volatile std::uint32_t g_sink;

// Seconds per call of f, best of 5 runs of n calls (the machine is shared: take the best).
template <class F>
double seconds_per_call(int n, F&& f) {
    double best = 1e9;
    for (int run = 0; run < 5; ++run) {
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i) f();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count() / n);
    }
    return best;
}

void row(std::string_view what, double ours, double floor, std::string_view unit, double per_call) {
    fmt::print("{:<58} {:>9.2f} {:<9} floor {:>9.2f}  ratio {:.2f}\n", what, per_call / ours, unit,
               per_call / floor, floor / ours);
}

}  // namespace

int main(int argc, char** argv) {
    const int scale = argc > 1 && std::string_view(argv[1]) == "--quick" ? 10 : 1;
    PacketPool pool(256, kSuperFrameBufferSize);
    std::vector<Packet*> out(64);
    std::vector<std::uint8_t> scratch(kSuperFrameBufferSize);

    // Segmentation of a 64 KiB TCPv4 super-frame at MSS 1448 (46 segments).
    const Frame big = build_frame({.payload = make_payload(65535 - 40), .csum = CsumFill::seed});
    Packet* super = load_packet(pool, big, gso_offload(big, 1448));
    const net::ParsedHeaders parsed = net::parse(super->bytes());
    const double copy_sum = seconds_per_call(4000 / scale, [&] {
        std::memcpy(scratch.data(), super->data(), super->length);
        g_sink = net::raw_sum({scratch.data(), super->length});
    });
    const double copy_only = seconds_per_call(4000 / scale, [&] {
        std::memcpy(scratch.data(), super->data(), super->length);
        g_sink = scratch[100];
    });
    const double gbit = super->length * 8 / 1e9;
    for (bool partial : {false, true}) {
        const double t = seconds_per_call(2000 / scale, [&] {
            const GsoResult r = gso_segment(*super, parsed, pool, out,
                                            {.segment_size = 0, .leave_partial = partial});
            for (std::uint32_t i = 0; i < r.count; ++i) pool.free(out[i]);
        });
        row(partial ? "gso_segment 64K TCPv4/1448, segments left partial"
                    : "gso_segment 64K TCPv4/1448, full checksums",
            t, partial ? copy_only : copy_sum, "Gbit/s", gbit);
    }

    // Completion and egress preparation of one 1514-byte TCP frame.
    const Frame f = build_frame({.payload = make_payload(1460), .csum = CsumFill::seed});
    Packet* p = load_packet(pool, f, partial_offload(f));
    const net::ParsedHeaders pp = net::parse(p->bytes());
    const double sum_floor =
        seconds_per_call(2000000 / scale, [&] { g_sink = net::raw_sum(p->bytes()); });
    const double complete = seconds_per_call(2000000 / scale, [&] {
        p->offload = partial_offload(f);
        complete_partial(*p, pp);
    });
    row("complete_partial 1514B TCPv4", complete, sum_floor, "Mpps", 1e-6);
    const double parse_floor =
        seconds_per_call(2000000 / scale, [&] { g_sink = net::parse(p->bytes()).outer.l4; });
    TxPreparer raw({.mtu = 1500}, pool);
    const double to_raw = seconds_per_call(2000000 / scale, [&] {
        p->offload = partial_offload(f);
        raw.prepare(*p, out);
    });
    row("tx_prepare partial -> port without offload (parse+finish)", to_raw,
        parse_floor + sum_floor, "Mpps", 1e-6);
    TxPreparer vnet(
        {.l4_csum = true, .tso4 = true, .tso6 = true, .mtu = 1500, .accepts_verified_mark = true},
        pool);
    const double to_vnet = seconds_per_call(2000000 / scale, [&] {
        p->offload = partial_offload(f);
        vnet.prepare(*p, out);
    });
    row("tx_prepare partial -> vnet port (parse+check+reseed)", to_vnet, parse_floor, "Mpps", 1e-6);
    p->offload = {};
    const double none = seconds_per_call(5000000 / scale, [&] { raw.prepare(*p, out); });
    row("tx_prepare none (no parse)", none, parse_floor, "Mpps", 1e-6);
    std::uint32_t addr = 1;
    const double nat = seconds_per_call(5000000 / scale, [&] { set_ipv4_src(*p, pp, ++addr); });
    row("set_ipv4_src, RFC 1624 on IPv4 + TCP (vs parse)", nat, parse_floor, "Mops/s", 1e-6);
    return 0;
}
