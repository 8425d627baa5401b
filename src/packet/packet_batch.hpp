#pragma once
// The unit the datapath passes between stages: up to 32 packet pointers, like DPDK bursts,
// BESS PacketBatch and OVS dp_packet_batch. Fixed size so it lives on the stack.

#include <cstddef>
#include <cstdint>

#include "packet/packet.hpp"

namespace sy {

struct PacketBatch {
    static constexpr std::size_t kCapacity = 32;

    std::uint32_t count = 0;
    Packet* packets[kCapacity];

    bool full() const { return count == kCapacity; }
    bool empty() const { return count == 0; }
    // Returns false (and does not add) when full; the caller decides what that means.
    bool push(Packet* p) {
        if (full()) return false;
        packets[count++] = p;
        return true;
    }
    void clear() { count = 0; }
    Packet** begin() { return packets; }
    Packet** end() { return packets + count; }
};

}  // namespace sy
