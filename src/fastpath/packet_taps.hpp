#pragma once
// Which interfaces other packet sockets listen on (tcpdump, wireshark, dhclient): read from
// /proc/net/packet, minus the switch's own port sockets (by inode). The fast path
// delivers to a container's veth peer directly (veth_peer.hpp), past the host end's transmit,
// where such a tap would see the frame: while a tap listens on a port, or on every interface
// (`tcpdump -i any`), that port's frames go through its transmit again, so a capture on the
// host end sees both directions as it would on a Linux bridge.

#include <set>
#include <string>

namespace sy::fastpath {

struct PacketTaps {
    bool any = false;         // a socket bound to every interface (ifindex 0)
    std::set<int> ifindexes;  // sockets bound to these interfaces

    bool covers(int ifindex) const { return any || ifindexes.count(ifindex) != 0; }
};

// Parses /proc/net/packet's text, skipping sockets whose inode is in `own_inodes`.
PacketTaps parse_packet_taps(const std::string& proc_net_packet,
                             const std::set<unsigned long>& own_inodes);
// The taps of this network namespace now, but for the sockets `own_inodes`. No taps if the
// file cannot be read.
PacketTaps packet_taps_except(const std::set<unsigned long>& own_inodes);

}  // namespace sy::fastpath
