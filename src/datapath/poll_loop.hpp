#pragma once
// The poll thread: runs rounds back to back while there is traffic, keeps polling for a
// while after the last packet (adaptive busy polling), then sleeps in epoll on the ports'
// file descriptors until one has something (an idle switch uses ~0% CPU). It knows nothing
// of packets: a round is a callback returning how many packets it received.

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

#include "datapath/round_lock.hpp"

namespace sy::datapath {

struct PollOptions {
    std::uint32_t busy_poll_us = 50;  // keep polling this long after the last packet
    // Adaptive polling: when traffic comes back within this long after the poll thread went
    // to sleep, the next quiet spell is polled through (up to twice the gap seen, at most this
    // long), because waking a sleeping thread costs ~80 us per packet on a VM (measured: ping
    // every 10 ms through the switch, 137-165 us RTT sleeping vs 53-61 us polling, the Linux
    // bridge 47-58 us). Idle switches still sleep after this long. 0: fixed busy_poll_us.
    std::uint32_t busy_poll_max_us = 25'000;
    // Stop busy polling when a yield handed the core to another thread for longer than this
    // (the containers want it) and sleep on readiness instead; 0: spin regardless. Off by
    // default because it is a trade, measured (bench/topology/run.py, 2 vCPUs, userspace
    // datapath, docs/performance.md): on a quiet machine 50 us made ping 4.18x the bridge
    // against 2.33x spinning and TCP 1 stream 0.67x against 0.79x (the pair's own threads
    // share the poll thread's core, so every yield to them became a wake-up); with two CPU
    // hogs beside, TCP 1 stream 1.11x against 0.82x but ping 5.44x against 3.19x.
    std::uint32_t contended_yield_us = 0;
    std::uint32_t poll_slice_us = 100;  // scheduler slice for the poll thread (0: default)
    // Nice value of the poll thread. -5 measured (2 vCPUs, iperf3 in two namespaces, median
    // of 8 runs): UDP 64 B loss 30% -> 0% at the same delivered rate, TCP and ping unchanged.
    // Not a real-time policy: busy containers still get their share. Needs CAP_SYS_NICE.
    int poll_nice = -5;
};

class PollLoop {
  public:
    using Round = std::function<std::uint32_t()>;  // called with the round lock held

    PollLoop(PollOptions options, RoundLock& lock, Round round);
    ~PollLoop();  // stops the thread
    PollLoop(const PollLoop&) = delete;
    PollLoop& operator=(const PollLoop&) = delete;

    void start();
    void stop();
    // Sleep on `fd` too (readable when a port has packets). Control path.
    void watch(int fd);
    void unwatch(int fd);
    // Makes a sleeping poll thread run a round now (a port was added, a control call ended).
    void wake();
    // Ports with nothing to sleep on (needs_busy_poll) hold the thread awake: +1 when one is
    // attached, -1 when it goes. While any is held the thread polls without sleeping (and
    // yields the core between idle rounds).
    void busy_poll_holders(int delta) { busy_holders_.fetch_add(delta); }

  private:
    void main();

    PollOptions options_;
    RoundLock& lock_;
    Round round_;
    std::atomic<bool> stop_{false};
    std::atomic<int> busy_holders_{0};
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::thread thread_;
};

}  // namespace sy::datapath
