// `switchyard daemon`: the switch in the foreground, with its optional parts (the engines'
// endpoints, metrics, DPDK) switched on by flags.
#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <thread>

#include <fmt/core.h>

#include "control/daemon.hpp"
#include "daemon_addons.hpp"
#include "daemon_dpdk.hpp"
#include "datapath/switch.hpp"
#include "port/af_packet/rx_mode.hpp"
#include "verbs.hpp"

namespace sy::app {

void add_daemon_verb(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "daemon", "run the switch in the foreground (logs to stderr; SIGTERM/SIGINT stop it)");
    auto options = std::make_shared<control::DaemonOptions>();
    auto settings = std::make_shared<datapath::SwitchSettings>();
    cmd->add_flag("--move-corrupt-state", options->move_corrupt_state_aside,
                  "if the state file is corrupt, rename it aside (kept) and start empty");
    cmd->add_flag("--kernel-fastpath,!--no-kernel-fastpath", settings->kernel_fastpath,
                  "forward known unicast between kernel ports (veth, NICs) inside the kernel "
                  "with eBPF, whole and with checksum metadata intact; userspace still learns, "
                  "floods and captures. On by default where the kernel allows it; "
                  "--no-kernel-fastpath sends everything through the userspace datapath "
                  "(docs/performance.md)");
    cmd->add_flag("--fastpath-to-peer,!--no-fastpath-to-peer", settings->fastpath_to_peer,
                  "the kernel fast path hands frames for a container's veth straight to the "
                  "container's interface (on by default: faster); with --no-fastpath-to-peer "
                  "they go through the host end's transmit, where tcpdump on that end sees "
                  "them (docs/performance.md)");
    // What fits the machine: half its CPUs (the other half runs the containers and the
    // kernel's side of every packet), at least 1. Idle poll threads sleep on readiness.
    settings->poll_threads = std::clamp(std::thread::hardware_concurrency() / 2, 1u, 16u);
    cmd->add_option("--poll-threads", settings->poll_threads,
                    "poll threads forwarding packets; each bridge is served by one, the least "
                    "loaded when it is added, and moved to another when its thread is much "
                    "busier (default: half the machine's CPUs, at least 1; docs/performance.md)")
        ->check(CLI::Range(1u, 64u));
    auto rebalance_s = std::make_shared<double>(settings->rebalance_interval_ms / 1000.0);
    cmd->add_option("--rebalance-interval", *rebalance_s,
                    "with several poll threads: every this many seconds measure the load each "
                    "bridge puts on its thread and move one off a busy thread when that lowers "
                    "the busiest thread's load by 25 % or more (default 10; 0: never)")
        ->check(CLI::Range(0.0, 3600.0));
    cmd->add_option("--busy-poll-us", settings->busy_poll_us,
                    "keep polling this many microseconds after the last packet before sleeping "
                    "(latency against CPU)")
        ->check(CLI::Range(1u, 1'000'000u));
    cmd->add_option("--busy-poll-max-us", settings->busy_poll_max_us,
                    "adaptive polling: traffic that pauses for less than this is polled through "
                    "instead of sleeping (default 25000; 0: no adaptation)")
        ->check(CLI::Range(0u, 1'000'000u));
    cmd->add_option("--busy-poll-contended-us", settings->busy_poll_contended_us,
                    "stop busy polling when a yield gave the core to another thread for longer "
                    "than this, the containers want it (default 0: spin regardless; a trade, see "
                    "docs/performance.md)")
        ->check(CLI::Range(0u, 1'000'000u));
    auto rx = std::make_shared<std::string>("ring-v2");
    cmd->add_option("--af-packet-rx", *rx,
                    "how kernel-interface ports receive: ring-v2 (default; TPACKET_V2 ring: no "
                    "system call per frame, 8 MiB per port), recvmmsg (no ring) or ring-v3 "
                    "(TPACKET_V3 ring: up to 1 ms added latency under light load)")
        ->check(CLI::IsMember({"recvmmsg", "ring-v2", "ring-v3"}));
    cmd->add_option("--af-packet-ring-slots", settings->af_packet_ring_slots,
                    "ring-v2: 2 KiB slots per port's ring (default 4096, 8 MiB per port; a "
                    "multiple of 32)")
        ->check([](const std::string& text) -> std::string {
            std::uint32_t n = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec != std::errc{} || end != text.data() + text.size() ||
                !port::valid_ring_v2_slots(n))
                return fmt::format("want a multiple of {} from {} to {}, not '{}'",
                                   port::kRingV2SlotsPerBlock, port::kRingV2SlotsPerBlock,
                                   port::kMaxRingV2Slots, text);
            return {};
        });
    auto addons = std::make_shared<DaemonAddonArgs>();
    add_daemon_addon_options(*cmd, *addons);
    auto dpdk = std::make_shared<DpdkArgs>();
    add_dpdk_options(*cmd, *dpdk);
    cmd->callback([options, settings, rx, rebalance_s, addons, dpdk] {
        options->dir = context().dir;  // before the addons, which place sockets there
        if (!make_daemon_addons(*addons, *options)) {
            exit_code() = 2;
            return;
        }
        if (!start_dpdk(*dpdk, *settings)) {
            exit_code() = 2;
            return;
        }
        // IsMember has checked the spelling.
        settings->af_packet_rx =
            port::parse_af_packet_rx_mode(*rx).value_or(port::AfPacketRxMode::ring_v2);
        settings->rebalance_interval_ms = static_cast<std::uint32_t>(*rebalance_s * 1000.0 + 0.5);
        exit_code() = control::run_daemon(
            *options, [settings] { return datapath::Switch::create(*settings); });
        stop_dpdk(*dpdk);
    });
}

}  // namespace sy::app
