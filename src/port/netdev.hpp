#pragma once
// Interface properties the kernel-backed ports need, through any socket's ioctls.

#include <cstdint>
#include <string>

#include "base/status.hpp"

namespace sy::port {

// Reads the interface's MTU into `mtu` and sets it administratively up if it is not: a packet
// socket bound to a down interface reports ENETDOWN at once, which would read as "vanished".
// `what` prefixes error messages ("af_packet port veth0").
Status bring_up_and_read_mtu(const std::string& ifname, const std::string& what,
                             std::uint32_t& mtu);

}  // namespace sy::port
