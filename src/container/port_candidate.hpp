#pragma once
// Whether a host interface can be a switch port at all. The switch receives everything the
// interface sees and sends Ethernet frames out of it; a loopback device hands every frame
// straight back (the bridge then learns its containers' MACs on `lo` and stops forwarding to
// them), a non-Ethernet device cannot carry the frames, and an interface enslaved to a Linux
// bridge, bond, team, VRF or Open vSwitch is already somebody else's port.

#include <string>

#include "base/status.hpp"

namespace sy::container {

// Errc::invalid_argument with the reason, Errc::not_found when there is no such interface.
Status check_port_candidate(const std::string& ifname);

}  // namespace sy::container
