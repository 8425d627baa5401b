#pragma once
// The daemon logs one line per event to stderr (journald adds timestamps under systemd).

#include <fmt/core.h>

#include <atomic>
#include <cstdio>

namespace sy::control {

// Tests and the fuzzer turn logging off; the daemon leaves it on.
inline std::atomic<bool> g_log_enabled{true};

template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
    if (!g_log_enabled.load(std::memory_order_relaxed)) return;
    fmt::print(stderr, "switchyard: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_warn(fmt::format_string<Args...> format, Args&&... args) {
    if (!g_log_enabled.load(std::memory_order_relaxed)) return;
    fmt::print(stderr, "switchyard: warning: {}\n",
               fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace sy::control
