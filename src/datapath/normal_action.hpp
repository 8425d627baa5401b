#pragma once
// The NORMAL action: the learning bridge, as in OVS. VLAN admission by the ingress port's
// policy (access, trunk), learning the source MAC, looking up the destination, and sending
// to one port or flooding the packet's VLAN, each egress port getting the tag it needs. It is
// the only action a bridge without flows runs (the default flow priority=0,actions=NORMAL).
// Decisions are made against the live MAC table, so nothing cached ever holds a stale MAC.

#include <cstdint>
#include <optional>

#include "datapath/fast_path_sync.hpp"
#include "datapath/port_registry.hpp"
#include "datapath/worker.hpp"

namespace sy::datapath {

// Frames of one burst mostly belong to one or a few flows: remembering the last source
// learned and the last destination looked up skips most hash-table work. One per batch.
struct NormalBurstCache {
    std::uint64_t src_key = ~0ull;
    std::uint64_t dst_key = ~0ull;
    PortId dst_port = kNoPort;
};

class NormalAction {
  public:
    NormalAction(PortRegistry& registry, FastPathSync& fast) : registry_(registry), fast_(fast) {}

    // Takes `p` (received on `in`) when it returns nullopt: sent, possibly as copies. On a
    // drop the caller still owns `p` and counts the reason returned.
    std::optional<DropReason> run(Worker& w, SwitchPort& in, Packet* p, NormalBurstCache& cache);

  private:
    std::optional<DropReason> output(Worker& w, SwitchPort& in, SwitchPort& out, Packet* p,
                                     std::uint16_t vlan);
    std::optional<DropReason> flood(Worker& w, SwitchPort& in, Packet* p, std::uint16_t vlan);

    PortRegistry& registry_;
    FastPathSync& fast_;
};

// A copy of `p` from the worker's pool (bytes, offload metadata, parsed headers), or null.
Packet* clone_packet(Worker& w, const Packet& p);
Packet* clone_packet_from(PacketPool& pool, const Packet& p);

}  // namespace sy::datapath
