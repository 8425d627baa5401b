#pragma once
// The tunnel a packet came out of, or the one it should go into: OVS's tunnel metadata
// (tun_id, tun_src, tun_dst as flow fields). A tunnel port fills it on decapsulation; flows
// may match it and set it (set_field:...->tun_dst); a tunnel port reads it on encapsulation.
// Addresses are IPv4 or IPv6, in wire order; all zero means "none".

#include <array>
#include <cstdint>

namespace sy {

struct TunnelMeta {
    std::uint64_t id = 0;                // VNI / key
    std::array<std::uint8_t, 16> src{};  // outer source (IPv4 in the first 4 bytes when v4)
    std::array<std::uint8_t, 16> dst{};  // outer destination
    bool ipv6 = false;
    bool present = false;  // the packet came from (or is bound for) a tunnel
    // Which of a tunnel port's remotes the packet came from / should go to (an index into the
    // port's remote list; 0xffff: every remote, or chosen by dst).
    std::uint16_t remote = 0xffff;

    // Back to "none" with plain stores: `tunnel = {}` on every packet allocation built a
    // temporary and copied it, stalling store forwarding (the top of the pool's profile).
    void clear() {
        id = 0;
        src.fill(0);
        dst.fill(0);
        ipv6 = present = false;
        remote = 0xffff;
    }
};

}  // namespace sy
