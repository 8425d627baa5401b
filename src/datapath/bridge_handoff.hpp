#pragma once
// A bridge on its way from one poll thread to another (ShardedSwitch's load rebalancing):
// everything it holds, taken whole from one SwitchCore and adopted by another. The ports keep
// their open I/O (sockets, rings, DPDK queues: what arrives meanwhile waits in them, nothing is
// reopened or lost), OpenFlow numbers, captures and counters; the bridge keeps its id, flows
// (with their counters and timeouts) and OpenFlow state; learned MACs are carried by port,
// because PortIds are per registry.

#include <cstdint>
#include <memory>
#include <vector>

#include "datapath/bridge.hpp"
#include "datapath/switch_port.hpp"

namespace sy::datapath {

struct BridgeHandoff {
    struct LearnedMac {
        std::uint8_t mac[6];
        std::uint16_t vlan;
        std::size_t port;  // index into `ports`
        std::uint64_t last_seen_ns;
    };
    std::unique_ptr<Bridge> bridge;
    std::vector<std::unique_ptr<SwitchPort>> ports;  // in the bridge's port order
    std::vector<LearnedMac> macs;
};

}  // namespace sy::datapath
