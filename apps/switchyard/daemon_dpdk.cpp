#include "daemon_dpdk.hpp"

#include <fmt/core.h>
#include <sched.h>
#include <signal.h>

#ifdef SY_HAVE_DPDK
#include "dpdk/dpdk_port.hpp"
#include "dpdk/eal.hpp"
#endif

namespace sy::app {

void add_dpdk_options(CLI::App& daemon, DpdkArgs& args) {
    daemon.add_flag("--dpdk", args.enabled,
                    "initialise DPDK and accept ports of type dpdk and dpdkvhostuser "
                    "(docs/dpdk.md)");
    daemon.add_option("--dpdk-args", args.eal_args,
                      "EAL arguments instead of the defaults (\"--no-huge -m 256 --no-pci -l 0 "
                      "...\"; implies --dpdk)");
}

#ifdef SY_HAVE_DPDK

bool start_dpdk(const DpdkArgs& args, datapath::SwitchSettings& settings) {
    if (!args.enabled && args.eal_args.empty()) return true;
    const auto eal =
        args.eal_args.empty() ? dpdk::default_eal_args() : dpdk::split_eal_args(args.eal_args);
    // The EAL starts threads of its own (interrupts, multi-process). They must inherit the
    // blocked SIGTERM/SIGINT the daemon takes through its signalfd (control/daemon.cpp), or a
    // stop signal lands on one of them and kills the process before a clean shutdown.
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
    // The EAL also pins the calling thread to its main lcore's CPUs (the default -l 0: CPU 0),
    // and every thread the daemon starts later, the poll thread among them, inherits that. The
    // defaults ask for no pinning: the daemon gets its CPUs back (else its poll thread shares
    // CPU 0 with whatever runs there while the other CPUs idle). With --dpdk-args the -l /
    // --lcores given stand: that is how a poll thread gets a CPU of its own.
    cpu_set_t cpus;
    const bool had_cpus = ::sched_getaffinity(0, sizeof cpus, &cpus) == 0;
    const Status started = dpdk::init_eal(eal);
    if (started && had_cpus && args.eal_args.empty())
        (void)::sched_setaffinity(0, sizeof cpus, &cpus);
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (const Status& s = started; !s) {
        fmt::print(stderr, "switchyard: {}\n", s.message());
        return false;
    }
    settings.open_external =
        [](const datapath::PortConfig& c) -> Result<std::unique_ptr<port::Port>> {
        dpdk::DpdkPortOptions o;
        o.name = c.name;
        o.rx_queues = c.rx_queues;
        o.tx_queues = c.tx_queues;
        if (c.kind == datapath::PortKind::dpdk_vhost_user) {
            if (c.vhost_socket.empty() || c.vhost_socket.front() != '/')
                return Status(
                    Errc::invalid_argument,
                    fmt::format("vhost-user socket '{}' must be an absolute path", c.vhost_socket));
            o.devargs =
                dpdk::vhost_user_devargs(c.name, c.vhost_socket, c.vhost_client, c.rx_queues);
        } else {
            o.devargs = c.devargs;
        }
        return dpdk::open_dpdk_port(o);
    };
    return true;
}

void stop_dpdk(const DpdkArgs& args) {
    if (args.enabled || !args.eal_args.empty()) dpdk::cleanup_eal();
}

#else

bool start_dpdk(const DpdkArgs& args, datapath::SwitchSettings&) {
    if (!args.enabled && args.eal_args.empty()) return true;
    fmt::print(stderr,
               "switchyard: this build has no DPDK (libdpdk-dev was missing when it was "
               "built)\n");
    return false;
}

void stop_dpdk(const DpdkArgs&) {}

#endif

}  // namespace sy::app
