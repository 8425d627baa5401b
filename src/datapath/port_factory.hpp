#pragma once
// Opens the I/O side of a port from its configuration (kind and offload mode).

#include <memory>

#include "datapath/switch.hpp"
#include "port/port.hpp"

namespace sy::datapath {

Result<std::unique_ptr<port::Port>> open_port(const PortConfig& config);

// What an in-memory port declares: a vnet-header-like port (partial checksums, TCP GSO, the
// verified mark) or, in legacy mode, a bare one.
offload::PortOffloadCaps memory_port_caps(OffloadMode mode);

}  // namespace sy::datapath
