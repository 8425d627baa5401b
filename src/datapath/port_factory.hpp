#pragma once
// Opens the I/O side of a port from its configuration (kind and offload mode).

#include <memory>

#include "datapath/switch.hpp"
#include "port/port.hpp"

namespace sy::datapath {

// `af_packet_rx_ring`: receive kernel interfaces through a TPACKET_V3 ring, not recvmmsg.
Result<std::unique_ptr<port::Port>> open_port(const PortConfig& config,
                                              bool af_packet_rx_ring = false);

// What an in-memory port declares: a vnet-header-like port (partial checksums, TCP GSO, the
// verified mark) or, in legacy mode, a bare one.
offload::PortOffloadCaps memory_port_caps(OffloadMode mode);

}  // namespace sy::datapath
