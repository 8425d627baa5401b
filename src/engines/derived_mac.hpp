#pragma once
// The MAC a container interface gets when its engine does not choose one: 02:53 and the four
// bytes of its IPv4 address (the low four of its IPv6 address without IPv4), as Docker's own
// bridge derives 02:42:... from the IP. The same address always gets the same MAC, so a
// container restarted with its old address (Docker's IPAM and host-local both hand it out
// again) also keeps its MAC, and peers' ARP and neighbour caches stay right.

#include <string>

namespace sy::engines {

// Addresses as CIDR ("10.1.0.2/24"); either may be empty. Neither parseable: 02:53:00:00:00:00.
std::string mac_for_address(const std::string& ipv4_cidr, const std::string& ipv6_cidr = {});

}  // namespace sy::engines
