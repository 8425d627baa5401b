// SwitchCore: configuration (thread-safe with the poll thread), the poll thread itself with
// adaptive busy-polling, and the stats/fdb views for the control plane.
#include "datapath/switch_core.hpp"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

#include "datapath/port_factory.hpp"
#include "datapath/switch_core_state.hpp"

namespace sy::datapath {

namespace {
std::uint64_t monotonic_ns() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}
// Enough for a 64 KiB super-frame cut at the smallest MSS Linux allows (88 bytes).
constexpr std::size_t kMaxSegments = 768;
}  // namespace

// Takes the switch lock from a control thread; the poll thread sees `waiters_` and yields the
// lock at the end of its round instead of re-taking it at once.
class SwitchCore::ControlLock {
  public:
    explicit ControlLock(const SwitchCore& s) : s_(const_cast<SwitchCore&>(s)) {
        s_.waiters_.fetch_add(1, std::memory_order_relaxed);
        s_.mu_.lock();
        s_.waiters_.fetch_sub(1, std::memory_order_relaxed);
    }
    ~ControlLock() { s_.mu_.unlock(); }

  private:
    SwitchCore& s_;
};

std::unique_ptr<Switch> Switch::create(const SwitchSettings& settings) {
    SwitchOptions options;
    options.kernel_fastpath = settings.kernel_fastpath;
    if (settings.busy_poll_us != 0) options.busy_poll_us = settings.busy_poll_us;
    if (settings.busy_poll_max_us != 0) options.busy_poll_max_us = settings.busy_poll_max_us;
    options.af_packet_rx_ring = settings.af_packet_rx;
    return std::make_unique<SwitchCore>(std::move(options));
}

SwitchCore::SwitchCore(SwitchOptions options)
    : options_(std::move(options)), pool_(options_.pool_packets, kSuperFrameBufferSize) {
    const bool default_clock = !options_.clock;
    if (!options_.clock) options_.clock = monotonic_ns;
    segments_.resize(kMaxSegments);
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    if (options_.kernel_fastpath) {
        if (default_clock) {
            fast_open();
        } else {
            fast_unavailable_ =
                "the kernel stamps MACs with CLOCK_MONOTONIC; not with an injected clock";
        }
    }
    if (options_.start_poll_thread) thread_ = std::thread([this] { poll_thread_main(); });
}

SwitchCore::~SwitchCore() {
    stop_.store(true);
    wake();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lk(mu_);
        for (auto& sp : ports_) {
            if (!sp) continue;
            for (Packet* p : sp->tx) pool_.free(p);
            sp->tx.clear();
        }
    }
    ::close(epoll_fd_);
    ::close(wake_fd_);
}

void SwitchCore::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

// Ask the scheduler (EEVDF, Linux >= 6.12) for a short time slice: a task with a short slice
// gets an early deadline, so when a packet wakes the poll thread it preempts whatever runs
// instead of waiting for a slice to expire (milliseconds on a loaded 2-core machine). Unlike
// a real-time policy it cannot starve the containers while it busy-polls. A negative nice
// gives the poll thread a larger share against busy containers (an iperf3 sender flooding
// UDP would otherwise take CPU time the switch needs to drain its sockets). Best effort.
static void request_poll_scheduling(std::uint32_t slice_us, int nice) {
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

void SwitchCore::poll_thread_main() {
    request_poll_scheduling(options_.poll_slice_us, options_.poll_nice);
    const std::uint64_t base_busy_ns = std::uint64_t{options_.busy_poll_us} * 1000;
    const std::uint64_t max_busy_ns =
        std::max(base_busy_ns, std::uint64_t{options_.busy_poll_max_us} * 1000);
    std::uint64_t busy_ns = base_busy_ns;
    std::uint64_t last_packet_ns = monotonic_ns();
    epoll_event events[16];
    while (!stop_.load(std::memory_order_relaxed)) {
        if (waiters_.load(std::memory_order_relaxed) != 0) {
            std::this_thread::yield();  // a control call is waiting for the lock
            continue;
        }
        std::uint32_t received;
        {
            std::lock_guard lk(mu_);
            received = poll_round();
        }
        const std::uint64_t now = monotonic_ns();
        if (received != 0) {
            last_packet_ns = now;
            continue;
        }
        if (now - last_packet_ns < busy_ns) {
            // Still hot: poll again, but let the containers' threads run if they need this core.
            ::sched_yield();
            continue;
        }
        // Idle: sleep until a port has something (or a control call wakes us). The timeout
        // only bounds how late MAC aging runs.
        const int n = ::epoll_wait(epoll_fd_, events, 16, 1000);
        bool traffic = false;
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr == nullptr) {
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

std::uint32_t SwitchCore::run_once() {
    std::lock_guard lk(mu_);
    return poll_round();
}

std::uint64_t SwitchCore::ports_vanished() const {
    ControlLock lk(*this);
    return ports_vanished_;
}

void SwitchCore::rebuild_active() {
    active_.clear();
    std::size_t max_bridge_ports = 0;
    for (auto& [name, br] : bridges_)
        max_bridge_ports = std::max(max_bridge_ports, br->ports.size());
    for (auto& sp : ports_) {
        if (sp && sp->up) active_.push_back(sp.get());
    }
    flood_targets_.reserve(max_bridge_ports);
    dirty_.reserve(ports_.size());
}

// The device is gone or the port deleted: stop polling it, forget its MACs, close it.
void SwitchCore::detach_port(SwitchPort& sp) {
    fast_detach(sp);
    if (sp.io) {
        flush(sp);
        if (sp.io->poll_fd() >= 0) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, sp.io->poll_fd(), nullptr);
        sp.io_final = sp.io->counters();
        sp.io.reset();
    }
    for (Packet* p : sp.tx) pool_.free(p);
    sp.tx.clear();
    sp.up = false;
    sp.bridge->fdb.flush_port(sp.id);
}

void SwitchCore::reap_vanished_ports() {
    for (auto& sp : ports_) {
        if (!sp || !sp->up || !sp->io || !sp->io->gone()) continue;
        if (options_.log) {
            std::fprintf(stderr, "switchyard: port %s on bridge %s is down: %s\n",
                         sp->config.name.c_str(), sp->bridge->name.c_str(),
                         sp->io->gone_reason().c_str());
        }
        ++ports_vanished_;
        detach_port(*sp);
    }
    dirty_.erase(std::remove_if(dirty_.begin(), dirty_.end(), [](SwitchPort* p) { return !p->up; }),
                 dirty_.end());
    rebuild_active();
}

SwitchCore::SwitchPort* SwitchCore::find(const std::string& bridge, const std::string& port) const {
    auto it = bridges_.find(bridge);
    if (it == bridges_.end()) return nullptr;
    for (SwitchPort* sp : it->second->ports) {
        if (sp->config.name == port) return sp;
    }
    return nullptr;
}

Status SwitchCore::add_bridge(const std::string& name) {
    if (name.empty()) return Status(Errc::invalid_argument, "bridge name must not be empty");
    ControlLock lk(*this);
    if (bridges_.count(name)) {
        return Status(Errc::already_exists, fmt::format("bridge '{}' already exists", name));
    }
    auto br = std::make_unique<Bridge>(name, options_.mac_table_capacity);
    br->fdb.set_aging_ns(aging_ns_);
    br->id = next_bridge_id_++;
    bridges_.emplace(name, std::move(br));
    return Status::ok();
}

Status SwitchCore::del_bridge(const std::string& name) {
    ControlLock lk(*this);
    auto it = bridges_.find(name);
    if (it == bridges_.end()) return Status(Errc::not_found, fmt::format("no bridge '{}'", name));
    for (SwitchPort* sp : it->second->ports) {
        detach_port(*sp);
        ports_[sp->id].reset();
    }
    const Bridge* gone = it->second.get();
    dirty_.erase(std::remove_if(dirty_.begin(), dirty_.end(),
                                [gone](SwitchPort* p) { return p->bridge == gone; }),
                 dirty_.end());
    bridges_.erase(it);
    rebuild_active();
    return Status::ok();
}

static Status validate(const PortConfig& c) {
    if (c.name.empty()) return Status(Errc::invalid_argument, "port name must not be empty");
    if (c.access_vlan > 4094) {
        return Status(
            Errc::invalid_argument,
            fmt::format("port {}: access VLAN {} is not in 1..4094", c.name, c.access_vlan));
    }
    for (std::uint16_t v : c.trunk_vlans) {
        if (v == 0 || v > 4094) {
            return Status(Errc::invalid_argument,
                          fmt::format("port {}: trunk VLAN {} is not in 1..4094", c.name, v));
        }
    }
    if (c.access_vlan != 0 && !c.trunk_vlans.empty()) {
        return Status(Errc::invalid_argument,
                      fmt::format("port {}: a port is either access (--vlan) or trunk (--trunk), "
                                  "not both",
                                  c.name));
    }
    if (!(c.corrupt_fraction >= 0.0 && c.corrupt_fraction <= 1.0)) {
        return Status(Errc::invalid_argument,
                      fmt::format("port {}: corrupt_fraction {} is not in [0, 1]", c.name,
                                  c.corrupt_fraction));
    }
    return Status::ok();
}

Status SwitchCore::add_port(const std::string& bridge, const PortConfig& config) {
    if (Status s = validate(config); !s) return s;
    {
        ControlLock lk(*this);
        if (!bridges_.count(bridge))
            return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    }
    // Opening the device may take a while: outside the lock.
    auto io = open_port(config, options_.af_packet_rx_ring);
    if (!io) return io.status();
    return attach(bridge, config, std::move(io.value()));
}

Status SwitchCore::add_port(const std::string& bridge, const PortConfig& config,
                            std::unique_ptr<port::Port> io) {
    if (Status s = validate(config); !s) return s;
    return attach(bridge, config, std::move(io));
}

Status SwitchCore::attach(const std::string& bridge, const PortConfig& config,
                          std::unique_ptr<port::Port> io) {
    ControlLock lk(*this);
    auto it = bridges_.find(bridge);
    if (it == bridges_.end()) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    for (auto& sp : ports_) {
        if (sp && sp->config.name == config.name) {
            return Status(Errc::already_exists,
                          fmt::format("port '{}' already exists on bridge '{}'", config.name,
                                      sp->bridge->name));
        }
    }
    const auto id = static_cast<PortId>(ports_.size());
    auto sp = std::make_unique<SwitchPort>(id, it->second.get(), config, std::move(io), pool_);
    if (config.access_vlan != 0) {
        sp->vlan = l2::VlanPolicy::access(config.access_vlan);
    } else if (!config.trunk_vlans.empty()) {
        sp->vlan = l2::VlanPolicy::trunk(config.trunk_vlans);
    }
    sp->verify_rx = options_.rx_verify == SwitchOptions::RxVerify::all_ports ||
                    (options_.rx_verify == SwitchOptions::RxVerify::legacy_ports &&
                     config.offload == OffloadMode::legacy);
    const int fd = sp->io->poll_fd();
    if (fd >= 0) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = sp.get();
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
    it->second->ports.push_back(sp.get());
    fast_attach(*sp);
    ports_.push_back(std::move(sp));
    rebuild_active();
    wake();
    return Status::ok();
}

Status SwitchCore::del_port(const std::string& bridge, const std::string& port) {
    std::unique_ptr<capture::PcapngWriter> writer;
    {
        ControlLock lk(*this);
        SwitchPort* sp = find(bridge, port);
        if (!sp) {
            return Status(Errc::not_found,
                          fmt::format("no port '{}' on bridge '{}'", port, bridge));
        }
        detach_port(*sp);
        writer = std::move(sp->capture);
        auto& v = sp->bridge->ports;
        v.erase(std::find(v.begin(), v.end(), sp));
        dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), sp), dirty_.end());
        ports_[sp->id].reset();
        rebuild_active();
    }
    if (writer) (void)writer->close();
    return Status::ok();
}

port::Port* SwitchCore::port_io(const std::string& bridge, const std::string& port) {
    ControlLock lk(*this);
    SwitchPort* sp = find(bridge, port);
    return sp ? sp->io.get() : nullptr;
}

void SwitchCore::set_mac_aging_seconds(std::uint32_t seconds) {
    ControlLock lk(*this);
    aging_ns_ = std::uint64_t{seconds} * 1'000'000'000ull;
    for (auto& [name, br] : bridges_) br->fdb.set_aging_ns(aging_ns_);
}

PortInfo SwitchCore::info(const SwitchPort& sp) const {
    PortInfo pi;
    pi.config = sp.config;
    pi.id = sp.id;
    pi.up = sp.up;
    if (sp.io) sp.io->refresh_counters();
    const port::PortCounters& io = sp.io_counters();
    const offload::TxCounters& tx = sp.prep.counters();
    PortStats& st = pi.stats;
    st.rx_packets = io.rx_packets;
    st.rx_bytes = io.rx_bytes;
    st.tx_packets = io.tx_packets;
    st.tx_bytes = io.tx_bytes;
    st.csum_completed_sw = tx.csum_sw_l4;
    st.gso_passed = tx.gso_passed;
    st.gso_segmented = tx.gso_sw;
    st.segments_out = tx.segments;
    st.corrupted_injected = sp.corrupted_injected;
    st.unsafe_marked = sp.unsafe_marked;
    st.csum_verified_good = sp.verified_good;
    st.csum_verified_bad = sp.verified_bad;
    st.csum_pseudo_seed = sp.pseudo_seed;
    fast_fill_info(sp, pi);
    for (std::size_t i = 0; i < port::kPortDropCount; ++i) {
        if (io.drops[i])
            st.drops.emplace_back(port::to_string(static_cast<port::PortDrop>(i)), io.drops[i]);
    }
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        if (sp.drops[i]) st.drops.emplace_back(to_string(static_cast<DropReason>(i)), sp.drops[i]);
    }
    for (std::size_t i = 1; i < tx.drops.size(); ++i) {
        if (tx.drops[i]) {
            st.drops.emplace_back(
                fmt::format("egress_{}", offload::to_string(static_cast<offload::TxDropReason>(i))),
                tx.drops[i]);
        }
    }
    return pi;
}

std::vector<BridgeInfo> SwitchCore::bridges() const {
    ControlLock lk(*this);
    std::vector<BridgeInfo> out;
    for (auto& [name, br] : bridges_) {
        BridgeInfo bi;
        bi.name = name;
        for (SwitchPort* sp : br->ports) bi.ports.push_back(info(*sp));
        out.push_back(std::move(bi));
    }
    return out;
}

Result<std::vector<FdbEntry>> SwitchCore::fdb(const std::string& bridge) const {
    ControlLock lk(*this);
    auto it = bridges_.find(bridge);
    if (it == bridges_.end()) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    const std::uint64_t now = options_.clock();
    std::vector<FdbEntry> out;
    it->second->fdb.for_each(now, [&](const l2::MacEntryView& e) {
        FdbEntry f{};
        std::copy(e.mac, e.mac + 6, f.mac);
        f.vlan = e.vlan;
        f.port = e.port < ports_.size() && ports_[e.port] ? ports_[e.port]->config.name : "?";
        f.age_seconds = static_cast<std::uint32_t>((now - e.last_seen_ns) / 1'000'000'000ull);
        out.push_back(std::move(f));
    });
    return out;
}

Status SwitchCore::start_capture(const std::string& bridge, const std::string& port,
                                 CaptureDirection direction, const std::string& path) {
    {
        ControlLock lk(*this);
        SwitchPort* sp = find(bridge, port);
        if (!sp)
            return Status(Errc::not_found,
                          fmt::format("no port '{}' on bridge '{}'", port, bridge));
        if (sp->capture) {
            return Status(Errc::already_exists,
                          fmt::format("port '{}' is already being captured to {}", port,
                                      sp->capture->path()));
        }
    }
    auto w = capture::PcapngWriter::open(path, capture::LinkType::ethernet, port);
    if (!w) return w.status();
    auto writer = std::make_unique<capture::PcapngWriter>(std::move(w.value()));
    ControlLock lk(*this);
    SwitchPort* sp = find(bridge, port);
    if (!sp) return Status(Errc::not_found, fmt::format("port '{}' went away", port));
    if (sp->capture)
        return Status(Errc::already_exists,
                      fmt::format("port '{}' is already being captured", port));
    sp->capture_direction = direction;
    sp->capture = std::move(writer);
    fast_update(*sp);  // a captured port sees every frame: none may bypass userspace
    return Status::ok();
}

Status SwitchCore::stop_capture(const std::string& bridge, const std::string& port) {
    std::unique_ptr<capture::PcapngWriter> writer;
    {
        ControlLock lk(*this);
        SwitchPort* sp = find(bridge, port);
        if (!sp)
            return Status(Errc::not_found,
                          fmt::format("no port '{}' on bridge '{}'", port, bridge));
        writer = std::move(sp->capture);
        fast_update(*sp);
    }
    if (!writer)
        return Status(Errc::not_found, fmt::format("port '{}' is not being captured", port));
    return writer->close();
}

}  // namespace sy::datapath
