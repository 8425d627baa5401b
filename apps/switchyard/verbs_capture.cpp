// `switchyard capture`: two forms share the verb.
//   capture --iface IFACE [--netns NS] -w FILE.pcapng [--count N] [--duration S]
//       live capture of any kernel interface, recording the kernel's checksum mark;
//   capture BRIDGE PORT [--direction in|out|both] -w FILE.pcapng
//       capture at a switch port through the daemon (capture_switch_port, control's verb).
#include <fmt/core.h>
#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "capture/kernel_capture.hpp"
#include "verbs.hpp"

namespace sy::app {

namespace {

std::atomic<bool> g_stop{false};

void request_stop(int) {
    g_stop.store(true);
}

struct CaptureArgs {
    std::string iface;
    std::string netns;
    std::string output;
    std::uint64_t count = 0;
    double duration = 0;
    std::string bridge;
    std::string port;
    std::string direction = "both";
};

int run_capture(const CaptureArgs& a) {
    if (a.output.empty()) {
        fmt::print(stderr, "switchyard: capture: -w FILE is required\n");
        return 2;
    }
    if (a.iface.empty()) {
        if (a.bridge.empty() || a.port.empty()) {
            fmt::print(stderr,
                       "switchyard: capture: give --iface IFACE (kernel interface) or BRIDGE PORT "
                       "(switch port)\n");
            return 2;
        }
        if (a.count != 0) {
            fmt::print(stderr, "switchyard: capture: --count applies to --iface captures only\n");
            return 2;
        }
        // The daemon records at the port (verbs_switch_capture.cpp); --duration stops it.
        return capture_switch_port(a.bridge, a.port, a.direction, a.output, a.duration);
    }
    if (!a.bridge.empty()) {
        fmt::print(
            stderr,
            "switchyard: capture: --iface and BRIDGE PORT are two different forms; give one\n");
        return 2;
    }
    // Stop cleanly (flushing the file) on SIGINT/SIGTERM: no SA_RESTART, so poll() wakes up.
    struct sigaction sa {};
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    capture::KernelCaptureOptions options;
    options.interface = a.iface;
    options.netns = a.netns;
    options.output_path = a.output;
    options.max_packets = a.count;
    options.max_seconds = a.duration;
    auto stats = capture::run_kernel_capture(options, g_stop, [&] {
        fmt::print(stderr, "capturing on {}{}\n", a.iface,
                   a.netns.empty() ? "" : " in namespace " + a.netns);
        std::fflush(stderr);
    });
    if (!stats) {
        fmt::print(stderr, "switchyard: capture: {}\n", stats.status().message());
        return 2;
    }
    fmt::print(stderr,
               "{} packets captured ({} marked csum_notready, {} csum_valid), {} dropped by the "
               "kernel, written to {}\n",
               stats->packets, stats->marked_notready, stats->marked_valid, stats->kernel_drops,
               a.output);
    return 0;
}

}  // namespace

void add_capture_verbs(CLI::App& app) {
    auto args = std::make_shared<CaptureArgs>();
    auto* cmd = app.add_subcommand(
        "capture",
        "capture packets to pcapng with offload metadata: a kernel interface (--iface, records "
        "the kernel checksum mark) or a switch port (BRIDGE PORT)");
    cmd->add_option("bridge", args->bridge, "bridge (switch port capture)");
    cmd->add_option("port", args->port, "port of the bridge (switch port capture)");
    cmd->add_option("--iface", args->iface, "kernel interface to capture (any netdev)");
    cmd->add_option("--netns", args->netns,
                    "network namespace of --iface: a name (/run/netns/NAME) or a path");
    cmd->add_option("-w,--write", args->output, "pcapng file to write")->required();
    cmd->add_option("--count", args->count, "stop after N packets");
    cmd->add_option("--duration", args->duration, "stop after SECONDS");
    cmd->add_option("--direction", args->direction, "switch port capture: in, out or both")
        ->check(CLI::IsMember({"in", "out", "both"}));
    cmd->callback([args] { exit_code() = run_capture(*args); });
}

}  // namespace sy::app
