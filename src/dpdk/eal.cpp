#include "dpdk/eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <unistd.h>

#include <fmt/core.h>

#include <filesystem>
#include <sstream>
#include <system_error>

namespace sy::dpdk {

namespace {
enum class EalState { never, running, failed, cleaned };
EalState g_state = EalState::never;
}  // namespace

std::vector<std::string> default_eal_args() {
    return {"--no-huge", "-m", "256", "--no-pci", "-l", "0",
            fmt::format("--file-prefix=switchyard-{}", ::getpid()), "--no-telemetry",
            "--log-level=lib.eal:warning"};
}

std::vector<std::string> split_eal_args(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string word;
    while (in >> word) out.push_back(word);
    return out;
}

Status init_eal(const std::vector<std::string>& args) {
    if (g_state != EalState::never) {
        return Status(Errc::unsupported, "the DPDK environment can be initialised only once");
    }
    std::vector<std::string> storage{"switchyard"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    const int n = ::rte_eal_init(static_cast<int>(storage.size()), argv.data());
    if (n < 0) {
        g_state = EalState::failed;
        return Status(Errc::io_error, fmt::format("DPDK EAL initialisation failed: {}",
                                                  ::rte_strerror(rte_errno)));
    }
    if (n + 1 != static_cast<int>(storage.size())) {
        g_state = EalState::running;
        return Status(Errc::invalid_argument,
                      fmt::format("DPDK EAL arguments left over from '{}'", storage[n + 1]));
    }
    g_state = EalState::running;
    return Status::ok();
}

bool eal_running() { return g_state == EalState::running; }

void cleanup_eal() {
    if (g_state != EalState::running) return;
    // The EAL leaves its runtime directory (/var/run/dpdk/PREFIX: config, sockets) behind
    // even after cleanup; it is this process's alone (a private --file-prefix), so remove it.
    const std::string runtime_dir = ::rte_eal_get_runtime_dir();
    ::rte_eal_cleanup();
    g_state = EalState::cleaned;
    std::error_code ignored;
    if (runtime_dir.find("/dpdk/") != std::string::npos)
        std::filesystem::remove_all(runtime_dir, ignored);
}

}  // namespace sy::dpdk
