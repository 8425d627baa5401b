#pragma once
// DPDK in the daemon, only when asked for (--dpdk): the EAL is initialised before the switch
// starts, and the switch is given the opener for dpdk / dpdkvhostuser ports (src/dpdk).
// Without --dpdk nothing of DPDK runs. Builds without libdpdk refuse --dpdk.

#include <CLI/CLI.hpp>

#include <string>

#include "datapath/switch.hpp"

namespace sy::app {

struct DpdkArgs {
    bool enabled = false;
    std::string eal_args;  // empty: the defaults (no hugepages, no PCI; docs/dpdk.md)
};

void add_dpdk_options(CLI::App& daemon, DpdkArgs& args);

// Initialises the EAL and installs the port opener. One `switchyard: ...` line on stderr and
// false when it cannot (bad EAL arguments, a build without DPDK).
bool start_dpdk(const DpdkArgs& args, datapath::SwitchSettings& settings);
// After the switch is gone (every DPDK port closed).
void stop_dpdk(const DpdkArgs& args);

}  // namespace sy::app
