#pragma once
// Which remote of a tunnel port a MAC address was last seen behind, so known unicast goes to
// that one remote and only broadcast and unknown unicast are replicated to all of them
// (flood-and-learn). The switch's MAC table says "behind the tunnel port"; this says "behind
// which far end". A fixed direct-mapped table: no allocation per packet; a collision forgets
// the older MAC, which only costs a flood. Entries age out like the switch's (300 s).

#include <array>
#include <cstdint>

#include "base/bytes.hpp"

namespace sy::port {

class RemoteLearning {
  public:
    static constexpr std::size_t kSlots = 4096;
    static constexpr std::uint64_t kAgeNs = 300ull * 1'000'000'000ull;

    void learn(const std::uint8_t* mac, std::uint16_t remote, std::uint64_t now_ns) {
        Slot& s = slots_[slot_of(key(mac))];
        s.key = key(mac);
        s.remote = remote;
        s.seen_ns = now_ns;
    }
    // The remote's index, or -1 when unknown (or aged out).
    int lookup(const std::uint8_t* mac, std::uint64_t now_ns) const {
        const Slot& s = slots_[slot_of(key(mac))];
        if (s.key != key(mac) || now_ns - s.seen_ns > kAgeNs) return -1;
        return s.remote;
    }
    void clear() { slots_ = {}; }

  private:
    struct Slot {
        std::uint64_t key = 0;  // MAC | valid bit
        std::uint64_t seen_ns = 0;
        std::uint16_t remote = 0;
    };
    static std::uint64_t key(const std::uint8_t* mac) { return load_mac48(mac) | (1ull << 63); }
    static std::size_t slot_of(std::uint64_t k) {
        return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> 52) % kSlots;
    }
    std::array<Slot, kSlots> slots_{};
};

}  // namespace sy::port
