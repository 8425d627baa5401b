#pragma once
// Announcing an interface's addresses on its segment when it comes up: a gratuitous ARP per
// IPv4 address and an unsolicited neighbour advertisement (override flag, to all nodes) per
// IPv6 address, so peers that cached an older MAC for the address update at once instead of
// timing out (RFC 5227 section 3, RFC 4861 section 7.2.6).

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "container/address.hpp"

namespace sy::container {

// The frames, for tests: a broadcast ARP request with sender = target = the address, or an
// ICMPv6 neighbour advertisement from the address to ff02::1 with the target link-layer option.
std::vector<std::uint8_t> gratuitous_arp_frame(const MacAddress& mac, const IpAddress& ipv4);
std::vector<std::uint8_t> unsolicited_na_frame(const MacAddress& mac, const IpAddress& ipv6);

// Sends them from interface `ifname` inside the network namespace at `netns_path`.
Status announce_addresses(const std::string& netns_path, const std::string& ifname,
                          const MacAddress& mac, const std::vector<IpPrefix>& addresses);

}  // namespace sy::container
