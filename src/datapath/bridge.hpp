#pragma once
// A bridge: its ports (by registry id and by OpenFlow number), the MAC table its NORMAL
// action learns into, and its flow tables.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datapath/switch_port.hpp"
#include "flow/flow_tables.hpp"
#include "l2/mac_table.hpp"

namespace sy::datapath {

struct Bridge {
    Bridge(std::string name_, std::uint32_t id_, std::uint32_t mac_capacity, std::uint64_t now_ns)
        : name(std::move(name_)),
          id(id_),
          fdb(mac_capacity),
          flows(flow::make_bridge_tables(now_ns)) {
        flows_changed();
    }

    std::string name;
    std::uint32_t id;  // unique for the switch's lifetime (the kernel fast path's domain)
    l2::MacTable fdb;
    std::unique_ptr<flow::FlowTables> flows;  // never null; changed under the round lock
    // True while the tables hold only the default flow (priority=0,actions=NORMAL): every
    // packet takes plain NORMAL without a lookup (its counters credited per batch), and the
    // kernel fast path may run.
    bool flows_default = true;
    const flow::FlowRule* default_rule = nullptr;  // that flow, while flows_default
    // OpenFlow agent's switches (changed under the round lock): CONTROLLER ops hand the
    // packet to the agent's queue (else they count controller_none), and fail-open makes the
    // bridge the plain learning bridge whatever its flows (standalone fail mode while no
    // controller is connected).
    bool packet_in = false;
    bool fail_open = false;
    std::vector<SwitchPort*> ports;
    std::vector<SwitchPort*> by_ofport;  // index = OpenFlow number; null where none

    SwitchPort* port_by_ofport(flow::OfPort n) const {
        return n < by_ofport.size() ? by_ofport[n] : nullptr;
    }
    // After every change of `flows`.
    void flows_changed() {
        flows_default = flows->is_default();
        flow::FlowMask consulted;
        default_rule = flows_default ? flows->lookup(0, flow::FlowKey{}, consulted) : nullptr;
    }
};

}  // namespace sy::datapath
