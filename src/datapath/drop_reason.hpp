#pragma once
// Why the datapath dropped a packet between a port's receive and a port's send. Each reason
// belongs to the pipeline stage that decides it (stage_of), so stats and trace can say where
// a packet ended. Port I/O drops (port::PortDrop) and egress-preparation drops
// (offload::TxDropReason) have their own enums; stats report all of them by name.

#include <cstddef>
#include <cstdint>

namespace sy::datapath {

enum class Stage : std::uint8_t { ingress, classify, execute, normal, egress, count_ };
const char* to_string(Stage stage);

enum class DropReason : std::uint8_t {
    // ingress
    runt,  // shorter than an Ethernet header
    // classify: the flow tables' verdict (flow::ProgramDrop)
    flow_no_match,            // table miss (OpenFlow 1.3: drop)
    flow_drop,                // the matching flows output nowhere (actions=drop)
    flow_ttl_expired,         // dec_ttl on a TTL of 0 or 1
    flow_too_many_resubmits,  // a resubmit loop
    flow_too_many_ops,        // the flows' actions made too long a program
    // execute
    flow_rewrite_failed,    // a set-field the packet's headers cannot take
    flow_no_port,           // output to a port number the bridge does not have (or down)
    flow_no_buffer,         // no buffer for the copy an output needs
    controller_queue_full,  // the packet-in queue to the controller was full
    controller_none,        // a packet-in with no controller to take it
    // NORMAL (the learning bridge)
    vlan_tagged_on_access,   // a tagged frame on an access port
    vlan_untagged_on_trunk,  // an untagged frame on a trunk port
    vlan_not_allowed,        // a tag for a VLAN the trunk does not carry
    no_destination,          // nowhere to send it (alone in its VLAN, or back to the sender)
    flood_no_buffer,         // the pool ran out while copying a flooded frame
    // egress
    vlan_no_headroom,  // no room to push a tag
    port_down,         // the egress port's device vanished
    count_
};
inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);
const char* to_string(DropReason reason);
Stage stage_of(DropReason reason);

}  // namespace sy::datapath
