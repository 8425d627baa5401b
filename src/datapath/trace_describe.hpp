#pragma once
// One-line descriptions for `trace`: a packet's headers (with what its L4 checksum field
// holds), its checksum/GSO metadata, and what egress preparation did with it.

#include <string>

#include "offload/tx_prepare.hpp"
#include "packet/packet.hpp"

namespace sy::datapath {

// "02:00:00:00:00:0a > 02:00:00:00:00:0b vlan 10 ipv4 10.0.0.1 > 10.0.0.2 ttl 64 tcp
//  1234 > 80 [S] l4csum good"
std::string describe_packet(Packet& p);
// "partial (csum_start 34, offset 16)", "verified", "none"; plus " gso tcpv4 size 1448".
std::string describe_offload(const OffloadInfo& o);
// What TxPreparer::prepare did, from its counters before and after one packet and its
// result: "partial checksum handed to the port (it finishes it)", "checksum completed in
// software", "segmented in software into 45 segments", "dropped: oversize", ...
std::string describe_egress(const offload::TxCounters& before, const offload::TxCounters& after,
                            const offload::TxResult& result, const offload::PortOffloadCaps& caps);

}  // namespace sy::datapath
