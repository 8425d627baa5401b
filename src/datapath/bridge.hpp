#pragma once
// A bridge: its ports (by registry id and by OpenFlow number), the MAC table its NORMAL
// action learns into, and its flow tables.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datapath/switch_port.hpp"
#include "l2/mac_table.hpp"

namespace sy::datapath {

struct Bridge {
    Bridge(std::string name_, std::uint32_t id_, std::uint32_t mac_capacity)
        : name(std::move(name_)), id(id_), fdb(mac_capacity) {}

    std::string name;
    std::uint32_t id;  // unique for the switch's lifetime (the kernel fast path's domain)
    l2::MacTable fdb;
    // True while the tables hold only the default flow (priority=0,actions=NORMAL): every
    // packet takes plain NORMAL without a lookup, and the kernel fast path may run.
    bool flows_default = true;
    std::vector<SwitchPort*> ports;
    std::vector<SwitchPort*> by_ofport;  // index = OpenFlow number; null where none

    SwitchPort* port_by_ofport(flow::OfPort n) const {
        return n < by_ofport.size() ? by_ofport[n] : nullptr;
    }
};

}  // namespace sy::datapath
