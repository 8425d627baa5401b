// Classification through the flow caches (flow/flow_cache.hpp): packets per CPU-second of
// one thread, looked up a batch of 32 at a time and credited once per run of packets that
// got the same entry, as the datapath does. Rule sets of 1, 100 and 10 000 flows spread over
// 6 masks (plus the table-miss NORMAL flow), next to the baseline measured in the same run:
// the default table (one flow, priority 0, actions=NORMAL) through the same caches.
//
// Cases: warm with 16 flows (as bench/datapath sends) and with 1024 flows (exact-match cache
// hits), megaflow (every packet a new source port: EMC misses the megaflow cache covers),
// miss (no cache: every packet translated against the tables, what a cache miss costs).
//
// The last lines relate the cost per packet to today's datapath: the learning bridge between
// in-memory ports (bench/datapath's first case), measured in the same run. The goal
// is that 10 000 rules with warm caches keep the datapath at >= 0.8x of it.
//
//   flow_bench [seconds-per-case [only-cases-containing]]   (default 0.5 s, all cases)
#include <time.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "datapath/port_factory.hpp"
#include "datapath/switch_core.hpp"
#include "flow/flow_cache.hpp"
#include "port/memory/memory_port.hpp"
#include "testlib/flow_builders.hpp"
#include "testlib/frame_builder.hpp"

using namespace sy;
using namespace sy::flow;
namespace fb = sy::testlib::fb;
using Clock = std::chrono::steady_clock;

namespace {

double thread_cpu_seconds() {
    timespec ts;
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return fb::ipv4(a, b, c, d);
}

// `n` flows over six masks (ovs-ofctl spelling in the comments), priorities spread so that
// lookups meet several subtables, plus priority=0,actions=NORMAL.
std::unique_ptr<FlowTables> rule_set(unsigned n) {
    auto t = make_bridge_tables(0);
    std::vector<FlowMod> mods;
    for (unsigned i = 0; i < n; ++i) {
        Match m;
        ActionList a{fb::output(2 + i % 4)};
        const unsigned x = i / 6;
        switch (i % 6) {
            case 0:  // ip,nw_dst=10.1.X.Y
                m = fb::ip();
                m.set(FieldId::nw_dst, ip4(10, 1, x >> 8 & 0xff, x & 0xff));
                break;
            case 1:  // ip,nw_src=10.2.X.0/24
                m = fb::ip();
                m.set(FieldId::nw_src, ip4(10, 2, x & 0xff, 0), 0xffffff00u);
                break;
            case 2:  // tcp,tp_dst=X
                m = fb::tcp();
                m.set(FieldId::tp_dst, 1000 + x);
                break;
            case 3:  // in_port=1,dl_src=02:..:X
                m = fb::match({{FieldId::in_port, 1}, {FieldId::dl_src, 0x020000000000ull + x}});
                break;
            case 4:  // udp,nw_dst=10.4.X.0/16... as /24, tp_dst=53
                m = fb::match(
                    {{FieldId::dl_type, 0x0800}, {FieldId::nw_proto, 17}, {FieldId::tp_dst, 53}});
                m.set(FieldId::nw_dst, ip4(10, 4, x & 0xff, 0), 0xffffff00u);
                break;
            default:  // ip,nw_dst=10.5.X.0/24,nw_tos=X (rewrites the destination)
                m = fb::ip();
                m.set(FieldId::nw_dst, ip4(10, 5, x & 0xff, 0), 0xffffff00u);
                m.set(FieldId::nw_tos, (x % 64) << 2);
                a = {fb::set(FieldId::nw_dst, ip4(10, 6, 0, 1)), fb::output(3)};
                break;
        }
        mods.push_back(fb::add(0, static_cast<std::uint16_t>(100 + (i % 6) * 10), m, a));
    }
    if (auto out = t->apply(mods, 0); !out) {
        fmt::print(stderr, "flow_bench: {}\n", out.status.message());
        std::exit(1);
    }
    return t;
}

// Traffic: TCP between hosts that some flows match (10.1.x.y, the /24s) and some do not.
std::vector<FlowKey> flows(unsigned n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<FlowKey> keys;
    for (unsigned i = 0; i < n; ++i) {
        const unsigned kind = rng() % 4;
        const std::uint32_t dst = kind == 0   ? ip4(10, 1, rng() % 8, rng() % 256)
                                  : kind == 1 ? ip4(10, 5, rng() % 256, 1)
                                              : ip4(192, 168, rng() % 4, rng() % 256);
        const std::uint32_t src =
            kind == 3 ? ip4(10, 2, rng() % 256, 7) : ip4(172, 16, 0, rng() % 256);
        FlowKey k =
            fb::tcp_key(1 + rng() % 2, src, dst, static_cast<std::uint16_t>(32768 + rng() % 28000),
                        static_cast<std::uint16_t>(rng() % 2 ? 80 : 1000 + rng() % 2000));
        keys.push_back(k);
    }
    return keys;
}

enum class Mode { warm16, warm1024, megaflow, miss };
const char* const kModeNames[] = {"warm, 16 flows", "warm, 1024 flows", "megaflow", "miss"};

struct Figures {
    double pps = 0;
    FlowCacheStats stats;
};

// Packets of a batch that got the same entry, credited once (what the datapath does), found
// in O(1) through the entry's batch_tag / batch_group.
struct Groups {
    const CacheEntry* entry[PacketBatch::kCapacity];
    std::uint32_t packets[PacketBatch::kCapacity];
    std::size_t n = 0;
    std::uint64_t tag = 0;
    void start(std::uint64_t batch) {
        n = 0;
        tag = batch;
    }
    void add(const CacheEntry* e) {
        if (e->batch_tag == tag) {
            ++packets[e->batch_group];
            return;
        }
        e->batch_tag = tag;
        e->batch_group = static_cast<std::uint32_t>(n);
        entry[n] = e;
        packets[n++] = 1;
    }
};

Figures classify(const FlowTables& tables, const std::vector<FlowKey>& all_keys, Mode mode,
                 double seconds) {
    const std::size_t n_keys = mode == Mode::warm16 ? 16 : all_keys.size();
    FlowCacheConfig cfg;
    FlowCache cache(cfg);
    std::vector<FlowKey> keys(all_keys.begin(), all_keys.begin() + static_cast<long>(n_keys));
    const FlowKey* batch[PacketBatch::kCapacity];
    const CacheEntry* got[PacketBatch::kCapacity];
    Translation t;
    std::uint64_t n = 0, next = 0, now = 1;
    std::uint16_t fresh_port = 0;
    auto run_batch = [&] {
        for (std::size_t i = 0; i < PacketBatch::kCapacity; ++i) {
            FlowKey& k = keys[next++ % n_keys];
            if (mode == Mode::megaflow) k.tp_src = ++fresh_port;  // a key never seen before
            batch[i] = &k;
        }
        Groups g;
        g.start(now);
        if (mode == Mode::miss) {  // what a miss costs: translate, credit, every packet
            for (std::size_t i = 0; i < PacketBatch::kCapacity; ++i) {
                translate(tables, *batch[i], {}, t);
                credit(tables, t.visited(), 1, 64, now);
            }
        } else {
            cache.lookup_or_translate(tables, batch, got);
            for (std::size_t i = 0; i < PacketBatch::kCapacity; ++i) g.add(got[i]);
            for (std::size_t i = 0; i < g.n; ++i)
                cache.credit(*g.entry[i], g.packets[i], g.packets[i] * 64ull, now);
        }
        n += PacketBatch::kCapacity;
        ++now;
    };
    // Warm up: long enough for every flow to have passed EMC admission (1 in 100).
    const int warm = mode == Mode::warm1024 ? 20000 : 2000;
    for (int i = 0; i < warm; ++i) run_batch();
    const FlowCacheStats before = cache.stats();
    // Best of five: the machine is shared, and the best run is the one least disturbed.
    double best = 0;
    for (int trial = 0; trial < 5; ++trial) {
        n = 0;
        const auto t0 = Clock::now();
        const double cpu0 = thread_cpu_seconds();
        do {
            for (int i = 0; i < 64; ++i) run_batch();
        } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds / 5);
        best = std::max(best, double(n) / (thread_cpu_seconds() - cpu0));
    }
    FlowCacheStats s = cache.stats();
    s.emc_hits -= before.emc_hits;
    s.megaflow_hits -= before.megaflow_hits;
    s.misses -= before.misses;
    return {best, s};
}

// Today's datapath: the learning bridge between two in-memory ports, 64 B frames both ways.
double learning_bridge_pps(double seconds) {
    auto frames = [](std::uint8_t dst, std::uint8_t src) {
        std::vector<port::MemoryFrame> v;
        for (std::uint16_t flow = 0; flow < 16; ++flow) {
            testlib::FrameSpec s;
            s.payload = testlib::make_payload(10);
            s.sport = static_cast<std::uint16_t>(40000 + flow);
            testlib::Frame f = testlib::build_frame(s);
            const std::uint8_t d[6] = {0x02, 0, 0, 0, 0, dst}, m[6] = {0x02, 0, 0, 0, 0, src};
            std::copy(d, d + 6, f.bytes.begin());
            std::copy(m, m + 6, f.bytes.begin() + 6);
            v.push_back(port::MemoryFrame{f.bytes, {}});
        }
        return v;
    };
    datapath::SwitchOptions o;
    o.start_poll_thread = false;
    o.log = false;
    datapath::SwitchCore sw(o);
    (void)sw.add_bridge("br0");
    for (auto [name, gen] : {std::pair{"a", frames(0xB, 0xA)}, std::pair{"b", frames(0xA, 0xB)}}) {
        auto io = std::make_unique<port::MemoryPort>(
            name, datapath::memory_port_caps(datapath::OffloadMode::vnet_hdr));
        io->set_generator(std::move(gen));
        io->set_sink(true);
        datapath::PortConfig c;
        c.name = name;
        c.kind = datapath::PortKind::memory;
        c.offload = datapath::OffloadMode::vnet_hdr;
        (void)sw.add_port("br0", c, std::move(io));
    }
    auto rx = [&] {
        std::uint64_t n = 0;
        for (auto& b : sw.bridges())
            for (auto& p : b.ports) n += p.stats.rx_packets;
        return n;
    };
    for (int i = 0; i < 1000; ++i) sw.run_once();
    double best = 0;
    for (int trial = 0; trial < 5; ++trial) {
        const std::uint64_t before = rx();
        const auto t0 = Clock::now();
        const double cpu0 = thread_cpu_seconds();
        do {
            for (int i = 0; i < 256; ++i) sw.run_once();
        } while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds / 5);
        best = std::max(best, double(rx() - before) / (thread_cpu_seconds() - cpu0));
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
    const std::string only = argc > 2 ? argv[2] : "";
    auto wanted = [&](const std::string& name) { return name.find(only) != std::string::npos; };
    fmt::print(
        "flow classification through the caches, batches of 32 credited per entry, "
        "{:.1f} s per case (best of 5), rates per CPU-second\n",
        seconds);
    fmt::print("{:<46} {:>8} {:>8} {:>7} {:>8} {:>9} {:>6}\n", "case", "Mpps", "ns/pkt", "x base",
               "EMC hit", "mflow hit", "masks");
    auto row = [&](const std::string& name, const Figures& r, double base_pps) {
        const double all = double(r.stats.emc_hits + r.stats.megaflow_hits + r.stats.misses);
        auto pct = [&](std::uint64_t x) {
            return all > 0 ? fmt::format("{:.1f}%", 100.0 * double(x) / all) : std::string("-");
        };
        fmt::print("{:<46} {:>8.2f} {:>8.1f} {:>7.2f} {:>8} {:>9} {:>6}\n", name, r.pps / 1e6,
                   1e9 / r.pps, r.pps / base_pps, pct(r.stats.emc_hits), pct(r.stats.megaflow_hits),
                   r.stats.masks);
    };
    const std::vector<FlowKey> traffic = flows(1024, 1);
    const Mode modes[] = {Mode::warm16, Mode::warm1024, Mode::megaflow, Mode::miss};
    double base_pps[4] = {};
    {
        auto tables = make_bridge_tables(0);
        for (int m = 0; m < 4; ++m) {
            const std::string name =
                fmt::format("baseline: priority=0,actions=NORMAL; {}", kModeNames[m]);
            const Figures r = classify(*tables, traffic, modes[m], wanted(name) ? seconds : 0.05);
            base_pps[m] = r.pps;
            if (wanted(name)) row(name, r, r.pps);
        }
    }
    double ns_10k[4] = {};
    for (unsigned n : {1u, 100u, 10000u}) {
        auto tables = rule_set(n);
        for (int m = 0; m < 4; ++m) {
            const std::string name = fmt::format("{} rules, 6 masks; {}", n, kModeNames[m]);
            if (!wanted(name)) continue;
            const Figures r = classify(*tables, traffic, modes[m], seconds);
            if (n == 10000) ns_10k[m] = 1e9 / r.pps;
            row(name, r, base_pps[m]);
        }
    }
    const double bridge_ns = 1e9 / learning_bridge_pps(seconds);
    const double base_ns = 1e9 / base_pps[0];
    fmt::print(
        "\ntoday's learning bridge (bench/datapath, 64 B, 2 ports): {:.2f} Mpps per core, "
        "{:.0f} ns/pkt\n",
        1e3 / bridge_ns, bridge_ns);
    fmt::print(
        "the bridge plus the cache path, added up (an estimate, not the integrated "
        "datapath):\n");
    fmt::print("  default table, warm:          {:>4.0f} ns/pkt = {:.2f}x of the bridge\n",
               bridge_ns + base_ns, bridge_ns / (bridge_ns + base_ns));
    fmt::print("  10 000 rules, warm, 16 flows: {:>4.0f} ns/pkt = {:.2f}x (goal >= 0.80x)\n",
               bridge_ns + ns_10k[0], bridge_ns / (bridge_ns + ns_10k[0]));
    fmt::print("  10 000 rules, warm, 1024 flows: {:>2.0f} ns/pkt = {:.2f}x\n",
               bridge_ns + ns_10k[1], bridge_ns / (bridge_ns + ns_10k[1]));
    return 0;
}
