#pragma once
// The DPDK environment (EAL) of the process: initialised once, on request (`switchyard daemon
// --dpdk`), never implicitly. Without it no DPDK port can be opened and nothing of DPDK runs.

#include <string>
#include <vector>

#include "base/status.hpp"

namespace sy::dpdk {

// What the daemon passes when no --dpdk-args are given: no hugepages, no PCI scan, a
// private runtime prefix, one lcore (the poll threads register themselves), no telemetry
// socket. docs/dpdk.md explains each.
std::vector<std::string> default_eal_args();

// Splits "ARG ARG..." at spaces (no quoting: EAL arguments have none).
std::vector<std::string> split_eal_args(const std::string& text);

// rte_eal_init with `args` (the program name is added). Once per process; a second call, or
// a failed first one, returns an error (EAL cannot be initialised twice).
Status init_eal(const std::vector<std::string>& args);
bool eal_running();
// rte_eal_cleanup, after every DPDK port is closed.
void cleanup_eal();

}  // namespace sy::dpdk
