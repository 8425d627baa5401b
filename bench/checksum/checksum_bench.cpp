// Checksum throughput of sy::net::raw_sum against DPDK's rte_raw_cksum, measured in the same
// run on the same buffers, and parse rate for typical frames. Prints tables; the ratio
// columns are the point (absolute numbers move with the machine and its load).
//
// Method: for each buffer size and implementation, a timed loop of one out-of-line call per
// buffer (ours lives in libsy_net, DPDK's inline function is wrapped in dpdk_baseline.c);
// implementations are interleaved within each repetition and we report the median of
// kRepetitions, timed in thread CPU time. Results are checked equal before timing.
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/hex.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

extern "C" std::uint16_t sy_dpdk_raw_cksum_dpdk_flags(const void* buf, std::size_t len);
extern "C" std::uint16_t sy_dpdk_raw_cksum_avx2(const void* buf, std::size_t len);

namespace {

// Thread CPU time, not wall time: the machine is shared, and time spent preempted by other
// processes is not time spent checksumming.
double thread_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
constexpr int kRepetitions = 15;
volatile std::uint64_t g_sink;  // keeps results observable so no loop is optimised away

using SumFn = std::uint16_t (*)(const std::uint8_t*, std::size_t);

std::uint16_t ours(const std::uint8_t* p, std::size_t n) {
    return sy::net::fold(sy::net::raw_sum({p, n}));
}
std::uint16_t ours_portable(const std::uint8_t* p, std::size_t n) {
    return sy::net::fold(sy::net::raw_sum_portable({p, n}));
}
// DPDK folds native-order words; swap to compare with our wire-order result.
std::uint16_t dpdk_flags(const std::uint8_t* p, std::size_t n) {
    return __builtin_bswap16(sy_dpdk_raw_cksum_dpdk_flags(p, n));
}
std::uint16_t dpdk_avx2(const std::uint8_t* p, std::size_t n) {
    return __builtin_bswap16(sy_dpdk_raw_cksum_avx2(p, n));
}

struct Impl {
    const char* name;
    SumFn fn;
};

double seconds_for(SumFn fn, const std::uint8_t* p, std::size_t n, std::size_t iterations) {
    std::uint64_t acc = 0;
    const double start = thread_seconds();
    for (std::size_t i = 0; i < iterations; ++i) acc += fn(p, n);
    const double end = thread_seconds();
    g_sink = g_sink + acc;
    return end - start;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void checksum_table(bool avx2, std::size_t misalign) {
    const Impl impls[] = {{"ours", ours},
                          {"ours-portable", ours_portable},
                          {"dpdk", dpdk_flags},
                          {"dpdk-avx2", avx2 ? dpdk_avx2 : nullptr}};
    const std::size_t sizes[] = {64, 256, 1500, 4096, 16384, 65536};
    std::vector<std::uint8_t> storage(65536 + 128);
    std::mt19937 rng(3);
    for (auto& b : storage) b = static_cast<std::uint8_t>(rng());
    // 64-byte aligned start, plus `misalign`.
    auto base = reinterpret_cast<std::uintptr_t>(storage.data());
    const std::uint8_t* buf = storage.data() + ((64 - base % 64) % 64) + misalign;

    fmt::print("\nchecksum throughput, GB/s (buffer offset {} from 64-byte alignment)\n", misalign);
    fmt::print("{:>6} | {:>8} {:>13} {:>8} {:>9} | {:>9} {:>14}\n", "bytes", "ours",
               "ours-portable", "dpdk", "dpdk-avx2", "ours/dpdk", "ours/dpdk-avx2");
    for (std::size_t size : sizes) {
        for (const auto& impl : impls) {
            if (impl.fn && impl.fn(buf, size) != ours_portable(buf, size)) {
                fmt::print("MISMATCH: {} differs from the reference at {} bytes\n", impl.name,
                           size);
                std::exit(1);
            }
        }
        // ~2 ms per measurement, so one measurement rarely spans a scheduler preemption.
        const std::size_t iterations = std::max<std::size_t>(2000, (8u << 20) / size);
        std::vector<double> gbps[4], vs_dpdk, vs_dpdk_avx2;
        for (int rep = 0; rep < kRepetitions; ++rep) {
            double rep_gbps[4] = {};
            for (int i = 0; i < 4; ++i) {
                if (!impls[i].fn) continue;
                const double s = seconds_for(impls[i].fn, buf, size, iterations);
                rep_gbps[i] = static_cast<double>(size) * iterations / s / 1e9;
                gbps[i].push_back(rep_gbps[i]);
            }
            // Ratios are paired per repetition: both sides ran back to back, under the
            // same machine load.
            vs_dpdk.push_back(rep_gbps[0] / rep_gbps[2]);
            if (avx2) vs_dpdk_avx2.push_back(rep_gbps[0] / rep_gbps[3]);
        }
        fmt::print("{:>6} | {:>8.2f} {:>13.2f} {:>8.2f} {:>9.2f} | {:>9.2f} {:>14.2f}\n", size,
                   median(gbps[0]), median(gbps[1]), median(gbps[2]), avx2 ? median(gbps[3]) : 0.0,
                   median(vs_dpdk), avx2 ? median(vs_dpdk_avx2) : 0.0);
    }
}

// A 1514-byte Ethernet/IPv4/TCP frame with correct checksums.
std::vector<std::uint8_t> full_size_tcp_frame() {
    auto f = sy::net::test::from_hex(sy::net::test::kTcp4Syn40);
    const std::size_t payload = 1514 - f.size();
    for (std::size_t i = 0; i < payload; ++i) f.push_back(static_cast<std::uint8_t>(i * 7));
    sy::store_be16(&f[14 + 2], static_cast<std::uint16_t>(f.size() - 14));
    const auto p = sy::net::parse(f);
    sy::net::write_ipv4_header_checksum(f, p.outer);
    sy::net::write_l4_checksum(f, p.outer);
    return f;
}

template <typename Fn>
double mpps(Fn&& fn, std::size_t iterations) {
    std::vector<double> rates;
    for (int rep = 0; rep < kRepetitions; ++rep) {
        std::uint64_t acc = 0;
        const double start = thread_seconds();
        for (std::size_t i = 0; i < iterations; ++i) acc += fn();
        const double s = thread_seconds() - start;
        g_sink = g_sink + acc;
        rates.push_back(static_cast<double>(iterations) / s / 1e6);
    }
    return median(rates);
}

void parse_table() {
    struct Frame {
        const char* name;
        std::vector<std::uint8_t> bytes;
    };
    using namespace sy::net::test;
    const Frame frames[] = {
        {"eth/ipv4(opts)/tcp(opts)", from_hex(kTcp4WithOptions)},
        {"eth/ipv4/tcp syn", from_hex(kTcp4Syn40)},
        {"eth/qinq/ipv4/icmp", from_hex(kQinqIcmp)},
        {"eth/ipv6/hbh/rt/dst/udp", from_hex(kUdp6ExtHeaders)},
        {"eth/ipv4/udp/vxlan/eth/ipv4/tcp", from_hex(kVxlanTcp)},
        {"eth/ipv4/udp/geneve/eth/ipv6/icmp6", from_hex(kGeneveIcmpv6)},
        {"eth/ipv4/tcp 1514 bytes", full_size_tcp_frame()},
    };
    constexpr std::size_t kIterations = 200'000;
    fmt::print("\nparse rate, Mpps (median of {} runs of {} parses)\n", kRepetitions, kIterations);
    fmt::print("{:<36} {:>8} {:>20}\n", "frame", "parse", "parse+verify L4 csum");
    for (const auto& f : frames) {
        const std::span<const std::uint8_t> bytes(f.bytes);
        const double parse_only =
            mpps([&] { return sy::net::parse(bytes).innermost().l4; }, kIterations);
        const double with_verify = mpps(
            [&] {
                const auto p = sy::net::parse(bytes);
                return static_cast<std::uint32_t>(
                    sy::net::check_l4_checksum(bytes, p.innermost()).verdict);
            },
            kIterations / 4);
        fmt::print("{:<36} {:>8.1f} {:>20.1f}\n", f.name, parse_only, with_verify);
    }
}

}  // namespace

int main() {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2");
    fmt::print("sy::net checksum/parse benchmark; build: {}; CPU AVX2: {}\n", SY_BENCH_BUILD,
               avx2 ? "yes (ours dispatches to its AVX2 path at run time)" : "no");
    fmt::print("ours = sy::net::raw_sum (libsy_net, project flags, run-time AVX2 dispatch)\n");
    fmt::print("ours-portable = sy::net::raw_sum_portable (same library, scalar, no SIMD)\n");
    fmt::print(
        "dpdk = rte_raw_cksum (DPDK 22.11 <rte_ip.h>) compiled with pkg-config libdpdk "
        "cflags (-march=corei7) + project flags\n");
    fmt::print(
        "dpdk-avx2 = the same with -mavx2 added (lets the compiler vectorise it with "
        "AVX2)\n");
    checksum_table(avx2, 0);
    checksum_table(avx2, 1);
    parse_table();
    return 0;
}
