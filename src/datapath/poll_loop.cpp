#include "datapath/poll_loop.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

namespace sy::datapath {

namespace {

std::uint64_t monotonic_ns() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

// Marks the wake-up eventfd in epoll (ports use their fd number + 1, never 0).
constexpr std::uint64_t kWakeTag = 0;

// Ask the scheduler (EEVDF, Linux >= 6.12) for a short time slice: a task with a short slice
// gets an early deadline, so when a packet wakes the poll thread it preempts whatever runs
// instead of waiting for a slice to expire (milliseconds on a loaded 2-core machine). Unlike
// a real-time policy it cannot starve the containers while it busy-polls. A negative nice
// gives the poll thread a larger share against busy containers (an iperf3 sender flooding
// UDP would otherwise take CPU time the switch needs to drain its sockets). Best effort.
void request_poll_scheduling(std::uint32_t slice_us, int nice) {
    if (slice_us == 0 && nice == 0) return;
    struct {  // struct sched_attr (linux/sched/types.h clashes with glibc's sched.h)
        std::uint32_t size, sched_policy;
        std::uint64_t sched_flags;
        std::int32_t sched_nice;
        std::uint32_t sched_priority;
        std::uint64_t sched_runtime, sched_deadline, sched_period;
    } attr{};
    attr.size = sizeof attr;
    attr.sched_policy = SCHED_OTHER;
    attr.sched_nice = nice;
    attr.sched_runtime = std::uint64_t{slice_us} * 1000;
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0 && nice < 0) {
        attr.sched_nice = 0;  // no CAP_SYS_NICE: keep at least the short slice
        ::syscall(SYS_sched_setattr, 0, &attr, 0);
    }
}

}  // namespace

PollLoop::PollLoop(PollOptions options, RoundLock& lock, Round round)
    : options_(options), lock_(lock), round_(std::move(round)) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

PollLoop::~PollLoop() {
    stop();
    ::close(epoll_fd_);
    ::close(wake_fd_);
}

void PollLoop::start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { main(); });
}

void PollLoop::stop() {
    stop_.store(true);
    wake();
    if (thread_.joinable()) thread_.join();
}

void PollLoop::watch(int fd) {
    if (fd < 0) return;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<std::uint64_t>(fd) + 1;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
}

void PollLoop::unwatch(int fd) {
    if (fd >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void PollLoop::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void PollLoop::main() {
    // Named so `top -H`, perf and the tests can tell poll threads from the control thread.
    ::pthread_setname_np(::pthread_self(), "sy-poll");
    request_poll_scheduling(options_.poll_slice_us, options_.poll_nice);
    const std::uint64_t base_busy_ns = std::uint64_t{options_.busy_poll_us} * 1000;
    const std::uint64_t max_busy_ns =
        std::max(base_busy_ns, std::uint64_t{options_.busy_poll_max_us} * 1000);
    const std::uint64_t contended_ns = std::uint64_t{options_.contended_yield_us} * 1000;
    std::uint64_t busy_ns = base_busy_ns;
    std::uint64_t last_packet_ns = monotonic_ns();
    epoll_event events[16];
    while (!stop_.load(std::memory_order_relaxed)) {
        if (lock_.control_waiting()) {
            std::this_thread::yield();  // a control call is waiting for the lock
            continue;
        }
        std::uint32_t received;
        {
            std::lock_guard lk(lock_.round_mutex());
            received = round_();
        }
        const std::uint64_t now = monotonic_ns();
        if (received != 0) {
            last_packet_ns = now;
            continue;
        }
        const bool held = busy_holders_.load(std::memory_order_relaxed) > 0;
        if (held || now - last_packet_ns < busy_ns) {
            // Still hot: poll again, but let the containers' threads run if they need this core.
            ::sched_yield();
            if (held || contended_ns == 0 || monotonic_ns() - now < contended_ns) continue;
            // The yield gave the core away for a while: the containers need it. Sleep on
            // readiness instead of spinning against them (PollOptions::contended_yield_us).
        }
        // Idle: sleep until a port has something (or a control call wakes us). The timeout
        // only bounds how late housekeeping (MAC aging, flow timeouts) runs.
        const int n = ::epoll_wait(epoll_fd_, events, 16, 1000);
        bool traffic = false;
        for (int i = 0; i < n; ++i) {
            if (events[i].data.u64 == kWakeTag) {
                std::uint64_t v;
                [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof v);
            } else {
                traffic = true;
            }
        }
        const std::uint64_t woke = monotonic_ns();
        if (traffic) {
            // Traffic that pauses for less than max_busy_ns is a conversation (a ping, a
            // request/response): poll through the next pause like this one instead of paying
            // for another wake-up. A longer pause starts again from the short window.
            const std::uint64_t gap = woke - last_packet_ns;
            busy_ns =
                gap <= max_busy_ns ? std::clamp(2 * gap, base_busy_ns, max_busy_ns) : base_busy_ns;
        }
        last_packet_ns = woke;  // just woke: spin a while before sleeping again
    }
}

}  // namespace sy::datapath
