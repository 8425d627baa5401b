#pragma once
// Why the datapath (between a port's receive and a port's send) dropped a packet. Port I/O
// drops (port::PortDrop) and egress-preparation drops (offload::TxDropReason) have their own
// enums; stats report all three by name.

#include <cstddef>
#include <cstdint>

namespace sy::datapath {

enum class DropReason : std::uint8_t {
    runt,                    // shorter than an Ethernet header
    vlan_tagged_on_access,   // a tagged frame on an access port
    vlan_untagged_on_trunk,  // an untagged frame on a trunk port
    vlan_not_allowed,        // a tag for a VLAN the trunk does not carry
    vlan_no_headroom,        // no room to push a tag
    no_destination,          // nowhere to send it (alone in its VLAN, or back to the sender)
    flood_no_buffer,         // the pool ran out while copying a flooded frame
    port_down,               // the egress port's device vanished
    count_
};
inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);
const char* to_string(DropReason reason);

}  // namespace sy::datapath
