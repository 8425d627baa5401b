#pragma once
// The userspace switch's side of the kernel fast path (fastpath/): which ports take part,
// and keeping the kernel's copy of the MAC table in step with the switch's own. The switch
// stays the only one that learns; the kernel only forwards between MACs the switch already
// knows (and reports back when it last saw each, so MACs that talk only through the kernel
// do not age out). A port whose bridge has flows other than the default NORMAL one pauses:
// the kernel never bypasses a flow. Nothing here runs per packet but note_learned(); changes
// are collected during a round and published after it.

#include <array>
#include <memory>
#include <string>

#include "datapath/port_registry.hpp"
#include "fastpath/kernel_fast_path.hpp"

namespace sy::datapath {

class FastPathSync {
  public:
    // `wanted`: the daemon asked for the fast path. `allowed_reason` non-empty: it cannot be
    // used at all (an injected clock), and why. `to_peer`: hand frames for a container's veth
    // straight to the container's interface (KernelFastPath::attach).
    FastPathSync(PortRegistry& registry, bool wanted, std::string refused, bool log,
                 bool to_peer = true);

    bool on() const { return fast_ != nullptr; }
    std::string state() const;  // "off", "on", "unavailable: <why>"

    void attach(SwitchPort& sp);
    // Re-decide whether the port forwards in the kernel (capture, faults, flows, up/down).
    void update(SwitchPort& sp);
    void update_bridge(Bridge& br);
    void detach(SwitchPort& sp);

    // Per packet (cheap): NORMAL learned or moved this MAC in this round.
    void note_learned(const Bridge& br, const std::uint8_t* mac, std::uint16_t vlan) {
        if (!fast_) return;
        if (change_count_ == changes_.size()) {
            resync_ = true;  // too many for one round: the next aging pass publishes all
            return;
        }
        changes_[change_count_++] = key(br.id, mac, vlan);
    }
    bool has_changes() const { return change_count_ != 0; }
    void publish_changes(std::uint64_t now_ns);
    // Once a second: MACs only the kernel saw lately stay alive (before aging) ...
    void refresh_from_kernel(std::uint64_t now_ns);
    // ... and after aging: withdraw what the switch forgot or saw move; and deliver to a
    // container's veth peer only where it is one and no other process taps the host end
    // (KernelFastPath::refresh_delivery).
    void reconcile(std::uint64_t now_ns);

    void fill_info(const SwitchPort& sp, PortInfo& pi) const;

  private:
    static fastpath::FdbKey key(std::uint32_t domain, const std::uint8_t* mac, std::uint16_t vlan);
    SwitchPort* port_of(const fastpath::FdbKey& key, std::uint64_t now_ns) const;
    void publish(const fastpath::FdbKey& key, std::uint64_t now_ns);

    PortRegistry& registry_;
    bool wanted_;
    bool log_;
    bool to_peer_;
    std::unique_ptr<fastpath::KernelFastPath> fast_;  // null: off or unavailable
    std::string unavailable_;                         // why, when asked for but refused
    std::array<fastpath::FdbKey, 64> changes_{};
    std::uint32_t change_count_ = 0;
    bool resync_ = false;
};

}  // namespace sy::datapath
