#pragma once
// The frame a flow key describes, for `switchyard trace BR FLOW` (what ovs-appctl
// ofproto/trace builds from a flow string): Ethernet, an 802.1Q tag when vlan_tci has
// kVlanPresent, then by dl_type IPv4 / IPv6 / ARP with the key's fields, then TCP, UDP,
// SCTP, ICMP or ICMPv6 by nw_proto, then `payload_len` zero bytes. Every checksum is right:
// the IPv4 header checksum, TCP/UDP/ICMP/ICMPv6 over their pseudo-headers, SCTP's CRC32c.
// Fragments (nw_frag): the IPv4 MF bit or an IPv6 fragment header, offset 100 (800 bytes)
// for a later fragment, which then carries no L4 header; a first fragment's L4 checksum
// covers the bytes it has. extract_key() of the result gives back the key's packet fields.

#include <cstdint>
#include <vector>

#include "base/status.hpp"
#include "flow/flow_key.hpp"

namespace sy::flow {

struct SynthOptions {
    std::uint16_t payload_len = 0;  // bytes after the headers (zeros)
};

// Errc::invalid_argument when the key cannot be a frame (dl_type below 0x0600, nw_frag
// "later" without "fragment", a payload that makes the IP datagram longer than 65535).
Result<std::vector<std::uint8_t>> synthesize_packet(const FlowKey& key,
                                                    const SynthOptions& options = {});

}  // namespace sy::flow
