#pragma once
// Writing a packet seen at a switch port to the port's capture (pcapng with the packet's
// offload metadata), when the port is captured in that direction.

#include "datapath/switch_port.hpp"

namespace sy::datapath {

void capture_packet(SwitchPort& sp, const Packet& p, bool outbound);

}  // namespace sy::datapath
