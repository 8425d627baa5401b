// The userspace switch's side of the kernel fast path: which ports take part, and keeping the
// kernel's copy of the MAC table in step with the switch's own. The switch stays the only one
// that learns; the kernel only forwards between MACs the switch already knows (and reports
// back when it last saw each, so MACs that talk only through the kernel do not age out).
// Nothing here runs per packet: changes are collected during a round and published after it.
#include <algorithm>
#include <cstdio>

#include "datapath/switch_core_state.hpp"

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
std::string pause_reason(const PortConfig& c, bool captured) {
    if (captured) return "capture";
    if (c.corrupt_fraction > 0.0 || c.unsafe_mark_verified) return "lab faults";
    return {};
}

}  // namespace

void SwitchCore::fast_open() {
    auto fp = fastpath::KernelFastPath::open();
    if (!fp) {
        fast_unavailable_ = fp.status().message();
        if (options_.log) {
            std::fprintf(stderr, "switchyard: %s; forwarding in userspace only\n",
                         fast_unavailable_.c_str());
        }
        return;
    }
    fast_ = std::move(fp.value());
}

std::string SwitchCore::kernel_fastpath_state() const {
    if (fast_) return "on";
    if (!options_.kernel_fastpath) return "off";
    return "unavailable: " + fast_unavailable_;
}

void SwitchCore::fast_attach(SwitchPort& sp) {
    if (!sp.io) return;
    if (!fast_) {
        const int ifindex = sp.io->kernel_ifindex();
        if (ifindex > 0 && fastpath::KernelFastPath::remove_stale_filter(ifindex) && options_.log) {
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
                                  sp.vlan.access_vlan(), sp.io->mtu());
        !st) {
        sp.fast_state = "error: " + st.message();
        if (options_.log) {
            std::fprintf(stderr, "switchyard: port %s stays in userspace: %s\n",
                         sp.config.name.c_str(), st.message().c_str());
        }
        return;
    }
    sp.fast_ifindex = ifindex;
    fast_update(sp);
    fast_resync_ = true;  // MACs already learned on this port's bridge may now be published
}

void SwitchCore::fast_update(SwitchPort& sp) {
    if (!fast_ || sp.fast_ifindex == 0) return;
    const std::string why = pause_reason(sp.config, sp.capture != nullptr);
    const bool enable = sp.up && why.empty();
    if (Status st = fast_->set_enabled(sp.fast_ifindex, enable); !st) {
        sp.fast_state = "error: " + st.message();
        return;
    }
    sp.fast_state = enable ? "active" : "paused: " + (why.empty() ? std::string("down") : why);
}

void SwitchCore::fast_detach(SwitchPort& sp) {
    if (!fast_ || sp.fast_ifindex == 0) return;
    fast_->detach(sp.fast_ifindex);
    sp.fast_ifindex = 0;
    sp.fast_state = "paused: down";
}

namespace {
fastpath::FdbKey fdb_key(std::uint32_t domain, const std::uint8_t* mac, std::uint16_t vlan) {
    fastpath::FdbKey k;
    k.domain = domain;
    k.vlan = vlan;
    std::copy(mac, mac + 6, k.mac.begin());
    return k;
}
}  // namespace

SwitchCore::Bridge* SwitchCore::bridge_by_id(std::uint32_t id) const {
    for (auto& [name, br] : bridges_) {
        if (br->id == id) return br.get();
    }
    return nullptr;
}

void SwitchCore::fast_note_learned(const Bridge& br, const std::uint8_t* mac, std::uint16_t vlan) {
    if (fast_change_count_ == fast_changes_.size()) {
        fast_resync_ = true;  // too many for one round: the next aging pass publishes all
        return;
    }
    fast_changes_[fast_change_count_++] = fdb_key(br.id, mac, vlan);
}

// The port behind `key` in the switch's own table, if it is a port of that bridge.
SwitchCore::SwitchPort* SwitchCore::port_of(const fastpath::FdbKey& key) const {
    const Bridge* br = bridge_by_id(key.domain);
    if (!br) return nullptr;
    const PortId port = br->fdb.lookup(key.mac.data(), key.vlan, now_ns_);
    if (port == kNoPort || port >= ports_.size() || !ports_[port]) return nullptr;
    return ports_[port]->bridge == br ? ports_[port].get() : nullptr;
}

// Publishes where the MAC lives now: behind a fast-path port, or (withdrawn) behind a port the
// kernel cannot reach, or nowhere. A full kernel table keeps it in userspace.
void SwitchCore::fast_publish(const fastpath::FdbKey& key) {
    const SwitchPort* sp = port_of(key);
    (void)fast_->set_mac(key, sp ? sp->fast_ifindex : 0);
}

void SwitchCore::fast_publish_changes() {
    const std::uint32_t n = fast_change_count_;
    fast_change_count_ = 0;
    if (!fast_) return;
    for (std::uint32_t i = 0; i < n; ++i) fast_publish(fast_changes_[i]);
}

void SwitchCore::fast_refresh_from_kernel() {
    for (const auto& [key, ifindex] : fast_->published()) {
        const auto seen = fast_->last_seen_ns(key);
        const SwitchPort* sp = seen ? port_of(key) : nullptr;
        if (sp && sp->fast_ifindex == ifindex) {
            sp->bridge->fdb.refresh(key.mac.data(), key.vlan, sp->id, *seen);
        }
    }
}

// After aging: withdraw what the switch forgot or saw move; after an overflow of the changes
// noted during rounds (or a newly attached port), publish everything the switch knows.
void SwitchCore::fast_reconcile() {
    std::vector<fastpath::FdbKey> check;
    for (const auto& [key, ifindex] : fast_->published()) check.push_back(key);
    if (fast_resync_) {
        fast_resync_ = false;
        for (auto& entry : bridges_) {
            const std::uint32_t domain = entry.second->id;
            entry.second->fdb.for_each(now_ns_, [&](const l2::MacEntryView& e) {
                check.push_back(fdb_key(domain, e.mac, e.vlan));
            });
        }
    }
    for (const fastpath::FdbKey& key : check) fast_publish(key);
}

void SwitchCore::fast_fill_info(const SwitchPort& sp, PortInfo& pi) const {
    if (!options_.kernel_fastpath) return;
    pi.fast_path = fast_ ? sp.fast_state : "error: " + fast_unavailable_;
    if (!fast_ || sp.fast_ifindex == 0) return;
    const fastpath::FastPathCounters c = fast_->counters(sp.fast_ifindex);
    pi.stats.fastpath_rx_packets = c.rx_packets;
    pi.stats.fastpath_rx_bytes = c.rx_bytes;
    pi.stats.fastpath_tx_packets = c.tx_packets;
    pi.stats.fastpath_tx_bytes = c.tx_bytes;
}

}  // namespace sy::datapath
