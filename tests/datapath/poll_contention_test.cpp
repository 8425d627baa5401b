// The poll thread stops busy polling when the core it yields is wanted by another thread
// (PollOptions::contended_yield_us), and spins on when told to ignore that. The oracle is
// the number of idle rounds it runs while a CPU-bound thread shares its only core.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "datapath/poll_loop.hpp"
#include "datapath/round_lock.hpp"

namespace sy::datapath {
namespace {

using namespace std::chrono_literals;

// Idle rounds a poll thread runs in 300 ms, in a busy window far longer than that, while a
// spinning thread competes for the same (single) core.
std::uint32_t idle_rounds_against_a_spinner(std::uint32_t contended_yield_us) {
    cpu_set_t saved;
    pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);  // inherited by both threads

    std::atomic<bool> stop{false}, spinning{false};
    std::thread spinner([&] {
        spinning.store(true);
        while (!stop.load(std::memory_order_relaxed)) {
        }
    });
    while (!spinning.load()) std::this_thread::yield();

    PollOptions o;
    o.busy_poll_us = 10'000'000;  // 10 s: without contention it would spin all along
    o.busy_poll_max_us = 0;
    o.contended_yield_us = contended_yield_us;
    RoundLock lock;
    std::atomic<std::uint32_t> rounds{0};
    std::uint32_t counted = 0;
    {
        PollLoop loop(o, lock, [&] {
            rounds.fetch_add(1, std::memory_order_relaxed);
            return 0u;
        });
        loop.start();
        std::this_thread::sleep_for(300ms);
        counted = rounds.load();
        loop.stop();
    }
    stop.store(true);
    spinner.join();
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
    return counted;
}

TEST(PollContention, SleepsInsteadOfSpinningAgainstABusyThread) {
    // Most yields come back at once (the poll thread has the larger share); once one hands
    // the core to the spinner for its slice (milliseconds), the thread sleeps in epoll, whose
    // 1 s timeout does not expire within the 300 ms. Spinning regardless, it runs thousands
    // of rounds (measured here: ~9000 against 6-32).
    const std::uint32_t sleeping = idle_rounds_against_a_spinner(50);
    const std::uint32_t spinning = idle_rounds_against_a_spinner(0);
    EXPECT_LE(sleeping, 200u);
    EXPECT_GE(spinning, 1000u);
    EXPECT_GE(spinning, 10 * sleeping);
}

}  // namespace
}  // namespace sy::datapath
