#pragma once
// How an AF_PACKET port receives. Its own header so the switch settings (datapath facade) can
// name it without pulling in the port. Trade-offs: af_packet_port.cpp and rx_ring_v2.hpp.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sy::port {

enum class AfPacketRxMode : std::uint8_t {
    recvmmsg,  // up to 32 frames per system call into pool buffers, no ring memory
    ring_v2,   // TPACKET_V2 ring (the daemon's default): per-frame slots, visible at once, no
               // system call per frame
    ring_v3,   // TPACKET_V3 ring: blocks handed over when full or after >= 1 ms
};

// TPACKET_V2 ring size in 2 KiB slots (rx_ring_v2.hpp): the default, and the bounds of what
// a ring accepts (whole 64 KiB blocks, at most 256 MiB).
inline constexpr std::uint32_t kDefaultRingV2Slots = 4096;
inline constexpr std::uint32_t kRingV2SlotsPerBlock = 32;
inline constexpr std::uint32_t kMaxRingV2Slots = 1u << 17;
inline constexpr bool valid_ring_v2_slots(std::uint32_t n) {
    return n >= kRingV2SlotsPerBlock && n <= kMaxRingV2Slots && n % kRingV2SlotsPerBlock == 0;
}

// "recvmmsg", "ring-v2", "ring-v3" (the daemon's --af-packet-rx spelling).
const char* to_string(AfPacketRxMode mode);
std::optional<AfPacketRxMode> parse_af_packet_rx_mode(std::string_view text);

}  // namespace sy::port
