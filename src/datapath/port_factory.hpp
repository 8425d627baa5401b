#pragma once
// Opens the I/O side of a port from its configuration (kind and offload mode).

#include <memory>

#include "datapath/switch.hpp"
#include "port/af_packet/rx_mode.hpp"
#include "port/port.hpp"

namespace sy::datapath {

// `af_packet_rx`: how kernel interfaces receive (recvmmsg, or a TPACKET_V2/V3 ring).
Result<std::unique_ptr<port::Port>> open_port(
    const PortConfig& config, port::AfPacketRxMode af_packet_rx = port::AfPacketRxMode::recvmmsg,
    std::uint32_t ring_v2_slots = port::kDefaultRingV2Slots);

// What an in-memory port declares: a vnet-header-like port (partial checksums, TCP GSO, the
// verified mark) or, in legacy mode, a bare one.
offload::PortOffloadCaps memory_port_caps(OffloadMode mode);

}  // namespace sy::datapath
