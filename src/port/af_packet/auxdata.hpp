#pragma once
// PACKET_AUXDATA: what the kernel tells a packet socket about a frame beside its bytes. We use
// it for the VLAN tag that VLAN offload (veth has it) keeps out of band: the recvmmsg path and
// the TPACKET_V2 ring's full-copy path (rx_ring_v2.cpp) put it back the same way.

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "packet/packet.hpp"
#include "port/vlan_tag.hpp"

namespace sy::port {

// Room for one PACKET_AUXDATA control message.
union AuxBuffer {
    cmsghdr align;
    std::uint8_t bytes[CMSG_SPACE(sizeof(tpacket_auxdata))];
};

// Put the tag back where it was on the wire, so trunk ports see their tags. False only
// without headroom (never with a pool).
inline bool restore_vlan_tag_from_auxdata(const msghdr& m, Packet& p) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&m), c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
        tpacket_auxdata aux;
        std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
        if (!(aux.tp_status & TP_STATUS_VLAN_VALID)) return true;
        const std::uint16_t tpid =
            (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
        return insert_vlan_tag(p, tpid, aux.tp_vlan_tci);
    }
    return true;
}

}  // namespace sy::port
