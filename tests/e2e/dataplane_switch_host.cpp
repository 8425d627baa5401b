// A switch in a process of its own for the end-to-end tests: one bridge, the given kernel
// interfaces as af_packet ports. Prints "ready" once the ports are attached, runs until
// SIGTERM/SIGINT, then prints per-port stats (the test logs them on failure).
// Usage: dataplane_switch_host vnet_hdr|legacy|vnet_hdr_ring|vnet_hdr_ring_v2
// IFACE[:corrupt=F][:unsafe_mark_verified]...
//   (vnet_hdr_ring: vnet headers, receive through the TPACKET_V3 ring instead of recvmmsg;
//   vnet_hdr_ring_v2: through the TPACKET_V2 ring)
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <fmt/core.h>

#include "datapath/switch_core.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
    g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr, "usage: {} vnet_hdr|legacy IFACE...\n", argv[0]);
        return 2;
    }
    const std::string mode = argv[1];
    if (mode != "vnet_hdr" && mode != "legacy" && mode != "vnet_hdr_ring" &&
        mode != "vnet_hdr_ring_v2") {
        fmt::print(stderr,
                   "mode must be vnet_hdr, legacy, vnet_hdr_ring or vnet_hdr_ring_v2, not '{}'\n",
                   mode);
        return 2;
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::unique_ptr<sy::datapath::Switch> sw;
    const char* busy = std::getenv("SY_BUSY_POLL_US");  // experiments: adaptive polling window
    const char* nice = std::getenv("SY_POLL_NICE");     // experiments: poll thread priority
    const bool ring = mode == "vnet_hdr_ring" || mode == "vnet_hdr_ring_v2";
    if (ring || busy || nice) {
        sy::datapath::SwitchOptions o;
        if (mode == "vnet_hdr_ring") o.af_packet_rx_ring = sy::port::AfPacketRxMode::ring_v3;
        if (mode == "vnet_hdr_ring_v2") o.af_packet_rx_ring = sy::port::AfPacketRxMode::ring_v2;
        if (busy) o.poll.busy_poll_us = static_cast<std::uint32_t>(std::atoi(busy));
        if (nice) o.poll.poll_nice = std::atoi(nice);
        sw = std::make_unique<sy::datapath::SwitchCore>(o);
    } else {
        // These tests are about the userspace datapath's offload modes: no kernel fast path
        // (the daemon's default), which would carry the known unicast past them.
        sy::datapath::SwitchSettings settings;
        settings.kernel_fastpath = false;
        sw = sy::datapath::Switch::create(settings);
    }
    if (auto s = sw->add_bridge("br0"); !s) {
        fmt::print(stderr, "add_bridge: {}\n", s.message());
        return 1;
    }
    for (int i = 2; i < argc; ++i) {
        sy::datapath::PortConfig c;
        std::string arg = argv[i];
        if (auto mark = arg.find(":unsafe_mark_verified"); mark != std::string::npos) {
            c.unsafe_mark_verified = true;
            arg.erase(mark, 21);
        }
        if (auto colon = arg.find(":corrupt="); colon != std::string::npos) {
            c.corrupt_fraction = std::atof(arg.c_str() + colon + 9);
            arg.resize(colon);
        }
        c.name = arg;
        c.kind = sy::datapath::PortKind::af_packet;
        c.offload = mode == "legacy" ? sy::datapath::OffloadMode::legacy
                                     : sy::datapath::OffloadMode::vnet_hdr;
        if (auto s = sw->add_port("br0", c); !s) {
            fmt::print(stderr, "add_port {}: {}\n", argv[i], s.message());
            return 1;
        }
    }
    fmt::print("ready\n");
    std::fflush(stdout);
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& b : sw->bridges()) {
        for (const auto& p : b.ports) {
            const auto& s = p.stats;
            fmt::print(
                "port {} up={} rx={} tx={} csum_sw={} gso_passed={} gso_segmented={} "
                "verified_good={} verified_bad={} pseudo_seed={} corrupted={} unsafe_marked={}",
                p.config.name, p.up, s.rx_packets, s.tx_packets, s.csum_completed_sw, s.gso_passed,
                s.gso_segmented, s.csum_verified_good, s.csum_verified_bad, s.csum_pseudo_seed,
                s.corrupted_injected, s.unsafe_marked);
            for (const auto& [reason, n] : s.drops) fmt::print(" {}={}", reason, n);
            fmt::print("\n");
        }
    }
    return 0;
}
