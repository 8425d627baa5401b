#include "datapath/fast_path_sync.hpp"

#include "fastpath/veth_peer.hpp"

#include <algorithm>
#include <cstdio>

namespace sy::datapath {

namespace {

// Why a port cannot use the fast path at all (empty: it can).
std::string ineligible_reason(const PortConfig& c, const port::Port& io) {
    if (io.kernel_ifindex() <= 0 || io.kernel_socket() < 0) return "not a kernel interface";
    if (c.offload != OffloadMode::vnet_hdr) return "legacy offload mode";
    if (!c.trunk_vlans.empty()) return "trunk port";
    return {};
}

// Why an eligible port must, for now, hand every frame to userspace (empty: it need not).
std::string pause_reason(const SwitchPort& sp) {
    if (sp.capture) return "capture";
    if (sp.config.corrupt_fraction > 0.0 || sp.config.unsafe_mark_verified) return "lab faults";
    if (!sp.bridge->flows_default)
        return "the bridge has flows (only plain NORMAL may bypass them)";
    return {};
}

}  // namespace

FastPathSync::FastPathSync(PortRegistry& registry, bool wanted, std::string refused, bool log,
                           bool to_peer)
    : registry_(registry), wanted_(wanted), log_(log), to_peer_(to_peer) {
    if (!wanted_) return;
    if (!refused.empty()) {
        unavailable_ = std::move(refused);
        return;
    }
    auto fp = fastpath::KernelFastPath::open();
    if (!fp) {
        unavailable_ = fp.status().message();
        if (log_) {
            std::fprintf(stderr, "switchyard: %s; forwarding in userspace only\n",
                         unavailable_.c_str());
        }
        return;
    }
    fast_ = std::move(fp.value());
}

std::string FastPathSync::state() const {
    if (fast_) return "on";
    if (!wanted_) return "off";
    return "unavailable: " + unavailable_;
}

void FastPathSync::attach(SwitchPort& sp) {
    if (!sp.io) return;
    if (!fast_) {
        const int ifindex = sp.io->kernel_ifindex();
        if (ifindex > 0 && fastpath::KernelFastPath::remove_stale_filter(ifindex) && log_) {
            std::fprintf(stderr,
                         "switchyard: port %s: removed a kernel fast path filter left by an "
                         "earlier switchyard process\n",
                         sp.config.name.c_str());
        }
        return;
    }
    if (std::string why = ineligible_reason(sp.config, *sp.io); !why.empty()) {
        sp.fast_state = "not eligible: " + why;
        return;
    }
    const int ifindex = sp.io->kernel_ifindex();
    if (Status st = fast_->attach(ifindex, sp.io->kernel_socket(), sp.bridge->id,
                                  sp.vlan.access_vlan(), sp.io->mtu(), to_peer_);
        !st) {
        sp.fast_state = "error: " + st.message();
        if (log_) {
            std::fprintf(stderr, "switchyard: port %s stays in userspace: %s\n",
                         sp.config.name.c_str(), st.message().c_str());
        }
        return;
    }
    sp.fast_ifindex = ifindex;
    update(sp);
    resync_ = true;  // MACs already learned on this port's bridge may now be published
}

void FastPathSync::update(SwitchPort& sp) {
    if (!fast_ || sp.fast_ifindex == 0) return;
    const std::string why = pause_reason(sp);
    const bool enable = sp.up && why.empty();
    if (Status st = fast_->set_enabled(sp.fast_ifindex, enable); !st) {
        sp.fast_state = "error: " + st.message();
        return;
    }
    sp.fast_state = enable ? "active" : "paused: " + (why.empty() ? std::string("down") : why);
}

void FastPathSync::update_bridge(Bridge& br) {
    for (SwitchPort* sp : br.ports) update(*sp);
}

void FastPathSync::detach(SwitchPort& sp) {
    if (!fast_ || sp.fast_ifindex == 0) return;
    fast_->detach(sp.fast_ifindex);
    sp.fast_ifindex = 0;
    sp.fast_state = "paused: down";
}

fastpath::FdbKey FastPathSync::key(std::uint32_t domain, const std::uint8_t* mac,
                                   std::uint16_t vlan) {
    fastpath::FdbKey k;
    k.domain = domain;
    k.vlan = vlan;
    std::copy(mac, mac + 6, k.mac.begin());
    return k;
}

// The port behind `key` in the switch's own table, if it is a port of that bridge.
SwitchPort* FastPathSync::port_of(const fastpath::FdbKey& k, std::uint64_t now_ns) const {
    const Bridge* br = registry_.bridge_by_id(k.domain);
    if (!br) return nullptr;
    SwitchPort* sp = registry_.port(br->fdb.lookup(k.mac.data(), k.vlan, now_ns));
    return sp && sp->bridge == br ? sp : nullptr;
}

// Publishes where the MAC lives now: behind a fast-path port, or (withdrawn) behind a port the
// kernel cannot reach, or nowhere. A full kernel table keeps it in userspace.
void FastPathSync::publish(const fastpath::FdbKey& k, std::uint64_t now_ns) {
    const SwitchPort* sp = port_of(k, now_ns);
    (void)fast_->set_mac(k, sp ? sp->fast_ifindex : 0);
}

void FastPathSync::publish_changes(std::uint64_t now_ns) {
    const std::uint32_t n = change_count_;
    change_count_ = 0;
    if (!fast_) return;
    for (std::uint32_t i = 0; i < n; ++i) publish(changes_[i], now_ns);
}

void FastPathSync::refresh_from_kernel(std::uint64_t now_ns) {
    if (!fast_) return;
    for (const auto& [k, ifindex] : fast_->published()) {
        const auto seen = fast_->last_seen_ns(k);
        const SwitchPort* sp = seen ? port_of(k, now_ns) : nullptr;
        if (sp && sp->fast_ifindex == ifindex) {
            sp->bridge->fdb.refresh(k.mac.data(), k.vlan, sp->id, *seen);
        }
    }
}

// After an overflow of the changes noted during rounds (or a newly attached port), publish
// everything the switch knows.
void FastPathSync::reconcile(std::uint64_t now_ns) {
    if (!fast_) return;
    // Within a second of a port's attach (or Docker moving its container end in) frames for it
    // go to the container's interface directly; within a second of tcpdump starting on its host
    // end, through the host end again, so the capture sees both directions.
    if (to_peer_ && fast_->any_attached()) {
        if (Status st =
                fast_->refresh_delivery(fastpath::packet_taps_except(fast_->socket_inodes()),
                                        fastpath::veths_with_peer_elsewhere());
            !st && log_)
            std::fprintf(stderr, "switchyard: kernel fast path: %s\n", st.message().c_str());
    }
    std::vector<fastpath::FdbKey> check;
    for (const auto& [k, ifindex] : fast_->published()) check.push_back(k);
    if (resync_) {
        resync_ = false;
        for (const auto& [name, br] : registry_.all_bridges()) {
            const std::uint32_t domain = br->id;
            br->fdb.for_each(now_ns, [&](const l2::MacEntryView& e) {
                check.push_back(key(domain, e.mac, e.vlan));
            });
        }
    }
    for (const fastpath::FdbKey& k : check) publish(k, now_ns);
}

void FastPathSync::fill_info(const SwitchPort& sp, PortInfo& pi) const {
    if (!wanted_) return;
    pi.fast_path = fast_ ? sp.fast_state : "error: " + unavailable_;
    if (!fast_ || sp.fast_ifindex == 0) return;
    pi.fast_path_to_peer = fast_->delivers_to_peer(sp.fast_ifindex);
    const fastpath::FastPathCounters c = fast_->counters(sp.fast_ifindex);
    pi.stats.fastpath_rx_packets = c.rx_packets;
    pi.stats.fastpath_rx_bytes = c.rx_bytes;
    pi.stats.fastpath_tx_packets = c.tx_packets;
    pi.stats.fastpath_tx_bytes = c.tx_bytes;
}

}  // namespace sy::datapath
