#pragma once
// How an AF_PACKET port receives. Its own header so the switch settings (datapath facade) can
// name it without pulling in the port. Trade-offs: af_packet_port.cpp and rx_ring_v2.hpp.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sy::port {

enum class AfPacketRxMode : std::uint8_t {
    recvmmsg,  // default: up to 32 frames per system call into pool buffers, no timer
    ring_v2,   // TPACKET_V2 ring: per-frame slots, visible at once, no system call per frame
    ring_v3,   // TPACKET_V3 ring: blocks handed over when full or after >= 1 ms
};

// "recvmmsg", "ring-v2", "ring-v3" (the daemon's --af-packet-rx spelling).
const char* to_string(AfPacketRxMode mode);
std::optional<AfPacketRxMode> parse_af_packet_rx_mode(std::string_view text);

}  // namespace sy::port
