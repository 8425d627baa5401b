#pragma once
// One EAL per test process (ctest runs every test in its own process): no hugepages, no PCI,
// a private runtime prefix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "dpdk/eal.hpp"

namespace sy::dpdk::testenv {

inline void ensure_eal() {
    if (eal_running()) return;
    std::vector<std::string> args{"--no-huge", "-m", "128", "--no-pci", "-l", "0",
                                  "--no-telemetry", "--log-level=*:error",
                                  "--file-prefix=sy-dpdk-test-" + std::to_string(::getpid())};
    Status s = init_eal(args);
    ASSERT_TRUE(s) << s.message();
    std::atexit([] { cleanup_eal(); });  // and its /var/run/dpdk directory with it
}

}  // namespace sy::dpdk::testenv
