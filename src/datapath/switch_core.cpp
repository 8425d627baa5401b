// SwitchCore: the facade the control plane calls (each call under the round lock), the poll
// round that ties the parts together, and housekeeping.
#include "datapath/switch_core.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

#include "datapath/egress.hpp"
#include "datapath/port_factory.hpp"
#include "datapath/sharded_switch.hpp"

namespace sy::datapath {

namespace {

std::uint64_t monotonic_ns() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

// Bursts a round takes from one port at most (while they come full), so a flooded port is
// drained faster without making the others wait long: 4 x 32 frames.
constexpr int kMaxBurstsPerPort = 4;

std::string fast_path_refusal(const SwitchOptions& o) {
    if (o.kernel_fastpath && o.clock)
        return "the kernel stamps MACs with CLOCK_MONOTONIC; not with an injected clock";
    return {};
}

Status validate(const PortConfig& c) {
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
    if (is_tunnel(c.kind)) {
        if (Status s = port::check_tunnel_options(c.tunnel); !s)
            return Status(s.code(), fmt::format("port {}: {}", c.name, s.message()));
    }
    return Status::ok();
}

}  // namespace

std::unique_ptr<Switch> Switch::create(const SwitchSettings& settings) {
    SwitchOptions options;
    options.kernel_fastpath = settings.kernel_fastpath;
    options.fastpath_to_peer = settings.fastpath_to_peer;
    options.poll.busy_poll_us = settings.busy_poll_us.value_or(options.poll.busy_poll_us);
    options.poll.busy_poll_max_us =
        settings.busy_poll_max_us.value_or(options.poll.busy_poll_max_us);
    options.poll.contended_yield_us =
        settings.busy_poll_contended_us.value_or(options.poll.contended_yield_us);
    options.af_packet_rx_ring = settings.af_packet_rx;
    options.af_packet_ring_slots = settings.af_packet_ring_slots;
    options.open_external = settings.open_external;
    if (settings.poll_threads <= 1) return std::make_unique<SwitchCore>(std::move(options));
    ShardedSwitch::Rebalancing rebalancing;
    rebalancing.interval_ms = settings.rebalance_interval_ms;
    return std::make_unique<ShardedSwitch>(settings.poll_threads, std::move(options), rebalancing);
}

SwitchCore::SwitchCore(SwitchOptions options)
    : options_(std::move(options)),
      registry_(options_.mac_table_capacity, options_.first_bridge_id, options_.bridge_id_stride),
      fast_(registry_, options_.kernel_fastpath, fast_path_refusal(options_), options_.log,
            options_.fastpath_to_peer),
      pipeline_(registry_, fast_, &packet_ins_),
      worker_(0, options_.pool_packets) {
    if (!options_.clock) options_.clock = monotonic_ns;
    if (options_.start_poll_thread) {
        poll_ = std::make_unique<PollLoop>(options_.poll, lock_, [this] { return poll_round(); });
        poll_->watch(ready_.fd());  // sleeps until a port is readable
        poll_->start();
    }
}

SwitchCore::~SwitchCore() {
    poll_.reset();  // the poll thread stops first
    RoundLock::Control lk(lock_);
    for (const auto& sp : registry_.all_ports()) {
        if (sp) worker_.remove_lane(sp->id);
    }
}

void SwitchCore::wake() {
    if (poll_) poll_->wake();
}

std::uint32_t SwitchCore::run_once() {
    std::lock_guard lk(lock_.round_mutex());
    return poll_round();
}

std::uint64_t SwitchCore::ports_vanished() const {
    RoundLock::Control lk(lock_);
    return ports_vanished_;
}

std::uint32_t SwitchCore::poll_round() {
    worker_.now_ns = options_.clock();
    std::uint32_t received = 0;
    bool vanished = false;
    if (sweep_) {
        ready_ids_.clear();
        for (const SwitchPort* sp : registry_.active()) ready_ids_.push_back(sp->id);
        sweep_ = false;
    } else {
        ready_.collect(ready_ids_);  // only ports with work: idle ones cost nothing
    }
    // The load each port puts on this thread (SwitchPort::poll_ns): one clock read per port
    // that received, and one after sending.
    std::uint64_t mark = worker_.now_ns;
    received_.clear();
    for (PortId id : ready_ids_) {
        SwitchPort* in = registry_.port(id);
        if (!in || !in->up || !in->io) continue;
        std::uint32_t got = 0;
        // A port that filled its burst has more queued (a flood): take a few more bursts now
        // instead of paying another round (a readiness call, a flush) for each 32 frames.
        for (int burst = 0; burst < kMaxBurstsPerPort; ++burst) {
            PacketBatch batch;
            const std::uint32_t n = in->io->rx_burst(worker_.pool(), batch);
            vanished |= in->io->gone();
            if (n == 0) break;
            got += n;
            pipeline_.process(worker_, *in, batch);
            if (n < PacketBatch::kCapacity || in->io->gone()) break;
        }
        if (got == 0) continue;
        received += got;
        const std::uint64_t now = options_.clock();
        in->poll_ns += now - mark;
        mark = now;
        received_.push_back({in, got});
    }
    vanished |= flush_dirty();
    if (received != 0) charge_flush(options_.clock() - mark, received);
    if (fast_.has_changes()) fast_.publish_changes(worker_.now_ns);
    if (vanished) reap_vanished_ports();
    if (worker_.now_ns - last_expire_ns_ > 1'000'000'000ull) housekeeping();
    return received;
}

void SwitchCore::charge_flush(std::uint64_t flush_ns, std::uint32_t received) {
    for (const Received& r : received_) r.port->poll_ns += flush_ns * r.packets / received;
}

bool SwitchCore::flush_dirty() {
    bool vanished = false;
    for (PortId id : worker_.dirty()) {
        PortLane* lane = worker_.lane(id);
        SwitchPort* out = registry_.port(id);
        if (!lane || !out) continue;
        flush_lane(*out, *lane);
        lane->dirty = false;
        vanished |= out->io && out->io->gone();
    }
    worker_.dirty().clear();
    return vanished;
}

// Once a second, from the poll thread: MAC aging (with what the kernel fast path saw) and
// flow timeouts; and the next round receives from every port, readable or not, so a device
// whose failure epoll did not report is still found (a few system calls a second).
void SwitchCore::housekeeping() {
    const std::uint64_t now = worker_.now_ns;
    last_expire_ns_ = now;
    sweep_ = true;
    fast_.refresh_from_kernel(now);  // MACs only the kernel saw lately stay alive
    for (const auto& [name, br] : registry_.all_bridges()) {
        br->fdb.expire(now);
        std::vector<flow::RemovedFlow> removed = br->flows->expire(now);  // idle, hard timeouts
        if (removed.empty()) continue;
        flows_changed(*br);
        std::lock_guard lk(expired_mutex_);
        for (flow::RemovedFlow& r : removed) {
            if ((r.stats.flags & flow::kSendFlowRem) && expired_.size() < 65536)
                expired_.emplace_back(br->id, std::move(r));
        }
    }
    fast_.reconcile(now);
}

// The device is gone or the port deleted: stop polling it, forget its MACs, close it.
void SwitchCore::detach_port(SwitchPort& sp) {
    stop_polling(sp);
    if (sp.io) {
        sp.io_final = sp.io->counters();
        sp.io.reset();
    }
    if (PortLane* lane = worker_.lane(sp.id)) {
        for (Packet* p : lane->tx) release(p);
        lane->tx.clear();
    }
    sp.up = false;
    sp.bridge->fdb.flush_port(sp.id);
}

void SwitchCore::reap_vanished_ports() {
    for (const auto& sp : registry_.all_ports()) {
        if (!sp || !sp->up || !sp->io || !sp->io->gone()) continue;
        if (options_.log) {
            std::fprintf(stderr, "switchyard: port %s on bridge %s is down: %s\n",
                         sp->config.name.c_str(), sp->bridge->name.c_str(),
                         sp->io->gone_reason().c_str());
        }
        ++ports_vanished_;
        detach_port(*sp);
    }
    registry_.rebuild_active();
}

Status SwitchCore::add_bridge(const std::string& name) {
    if (name.empty()) return Status(Errc::invalid_argument, "bridge name must not be empty");
    RoundLock::Control lk(lock_);
    auto br = registry_.add_bridge(name, aging_ns_, options_.clock());
    if (!br) return br.status();
    return Status::ok();
}

Status SwitchCore::del_bridge(const std::string& name) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(name);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", name));
    const std::vector<SwitchPort*> ports = br->ports;
    for (SwitchPort* sp : ports) {
        detach_port(*sp);
        worker_.remove_lane(sp->id);
        registry_.erase_port(*sp);
    }
    registry_.erase_bridge(name);
    registry_.rebuild_active();
    return Status::ok();
}

Status SwitchCore::add_port(const std::string& bridge, const PortConfig& config) {
    if (Status s = validate(config); !s) return s;
    {
        RoundLock::Control lk(lock_);
        if (!registry_.bridge(bridge))
            return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    }
    // Opening the device may take a while: outside the lock.
    const bool external = config.kind == PortKind::dpdk || config.kind == PortKind::dpdk_vhost_user;
    if (external && !options_.open_external) {
        return Status(
            Errc::unsupported,
            fmt::format("port {}: DPDK ports need the daemon started with --dpdk", config.name));
    }
    auto io = external
                  ? options_.open_external(config)
                  : open_port(config, options_.af_packet_rx_ring, options_.af_packet_ring_slots);
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
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    auto added = registry_.add_port(*br, config, std::move(io));
    if (!added) return added.status();
    SwitchPort& sp = **added;
    sp.verify_rx = options_.rx_verify == SwitchOptions::RxVerify::all_ports ||
                   (options_.rx_verify == SwitchOptions::RxVerify::legacy_ports &&
                    config.offload == OffloadMode::legacy);
    start_polling(sp);
    registry_.rebuild_active();
    wake();
    return Status::ok();
}

void SwitchCore::stop_polling(SwitchPort& sp) {
    fast_.detach(sp);
    if (!sp.io) return;
    if (PortLane* lane = worker_.lane(sp.id)) flush_lane(sp, *lane);
    ready_.remove(sp.id, sp.io->poll_fd());
    if (poll_ && sp.io->needs_busy_poll()) poll_->busy_poll_holders(-1);
}

void SwitchCore::start_polling(SwitchPort& sp) {
    worker_.add_lane(sp);
    if (sp.io) {
        ready_.add(sp.id, sp.io->poll_fd());
        // A port without a file descriptor (DPDK) is polled every round: the loop must not
        // sleep.
        if (poll_ && sp.io->needs_busy_poll()) poll_->busy_poll_holders(+1);
    }
    // Capacity for the per-packet path: a round receives from at most every port.
    ready_ids_.reserve(std::max(ready_.max_collected(), registry_.all_ports().size()));
    received_.reserve(ready_ids_.capacity());
    fast_.attach(sp);
}

Status SwitchCore::del_port(const std::string& bridge, const std::string& port) {
    std::unique_ptr<capture::PcapngWriter> writer;
    {
        RoundLock::Control lk(lock_);
        SwitchPort* sp = registry_.find(bridge, port);
        if (!sp) {
            return Status(Errc::not_found,
                          fmt::format("no port '{}' on bridge '{}'", port, bridge));
        }
        detach_port(*sp);
        writer = std::move(sp->capture);
        worker_.remove_lane(sp->id);
        registry_.erase_port(*sp);
        registry_.rebuild_active();
    }
    if (writer) (void)writer->close();
    return Status::ok();
}

port::Port* SwitchCore::port_io(const std::string& bridge, const std::string& port) {
    RoundLock::Control lk(lock_);
    SwitchPort* sp = registry_.find(bridge, port);
    return sp ? sp->io.get() : nullptr;
}

void SwitchCore::set_mac_aging_seconds(std::uint32_t seconds) {
    RoundLock::Control lk(lock_);
    aging_ns_ = std::uint64_t{seconds} * 1'000'000'000ull;
    for (const auto& [name, br] : registry_.all_bridges()) br->fdb.set_aging_ns(aging_ns_);
}

std::string SwitchCore::kernel_fastpath_state() const {
    return fast_.state();
}

Result<std::vector<FdbEntry>> SwitchCore::fdb(const std::string& bridge) const {
    RoundLock::Control lk(lock_);
    const Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    const std::uint64_t now = options_.clock();
    std::vector<FdbEntry> out;
    br->fdb.for_each(now, [&](const l2::MacEntryView& e) {
        FdbEntry f{};
        std::copy(e.mac, e.mac + 6, f.mac);
        f.vlan = e.vlan;
        const SwitchPort* sp = registry_.port(e.port);
        f.port = sp ? sp->config.name : "?";
        f.age_seconds = static_cast<std::uint32_t>((now - e.last_seen_ns) / 1'000'000'000ull);
        out.push_back(std::move(f));
    });
    return out;
}

Status SwitchCore::start_capture(const std::string& bridge, const std::string& port,
                                 CaptureDirection direction, const std::string& path) {
    {
        RoundLock::Control lk(lock_);
        SwitchPort* sp = registry_.find(bridge, port);
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
    RoundLock::Control lk(lock_);
    SwitchPort* sp = registry_.find(bridge, port);
    if (!sp) return Status(Errc::not_found, fmt::format("port '{}' went away", port));
    if (sp->capture)
        return Status(Errc::already_exists,
                      fmt::format("port '{}' is already being captured", port));
    sp->capture_direction = direction;
    sp->capture = std::move(writer);
    fast_.update(*sp);  // a captured port sees every frame: none may bypass userspace
    return Status::ok();
}

Status SwitchCore::stop_capture(const std::string& bridge, const std::string& port) {
    std::unique_ptr<capture::PcapngWriter> writer;
    {
        RoundLock::Control lk(lock_);
        SwitchPort* sp = registry_.find(bridge, port);
        if (!sp)
            return Status(Errc::not_found,
                          fmt::format("no port '{}' on bridge '{}'", port, bridge));
        writer = std::move(sp->capture);
        fast_.update(*sp);
    }
    if (!writer)
        return Status(Errc::not_found, fmt::format("port '{}' is not being captured", port));
    return writer->close();
}

}  // namespace sy::datapath
