#pragma once
// MAC learning table: (VLAN, MAC) -> port, with aging. Fixed capacity, allocated once; learn
// and lookup touch one 8-way bucket and never allocate, so they can run per packet. When a
// bucket is full the least recently seen entry is replaced (counted as an eviction), like a
// hardware FDB under pressure: unknown destinations are then flooded, never misdelivered.
//
// Time is passed in by the caller (nanoseconds from any monotonic origin), so tests can age
// entries without sleeping. Not thread-safe: the owner (a poll thread) serialises access.

#include <cstdint>
#include <memory>

#include "packet/packet.hpp"

namespace sy::l2 {

using VlanId = std::uint16_t;

struct MacTableCounters {
    std::uint64_t learned = 0;  // new entries
    std::uint64_t moved = 0;    // a known MAC seen on another port
    std::uint64_t evicted = 0;  // live entries replaced because their bucket was full
    std::uint64_t aged = 0;     // entries removed because they were too old
};

struct MacEntryView {
    std::uint8_t mac[6];
    VlanId vlan;
    PortId port;
    std::uint64_t last_seen_ns;
};

class MacTable {
  public:
    static constexpr std::uint32_t kWays = 8;
    static constexpr std::uint64_t kDefaultAgingNs = 300ull * 1'000'000'000ull;

    // `capacity` is rounded up to a power of two (at least one bucket).
    explicit MacTable(std::uint32_t capacity = 8192);

    void set_aging_ns(std::uint64_t ns) { aging_ns_ = ns; }
    std::uint64_t aging_ns() const { return aging_ns_; }
    std::uint32_t capacity() const { return bucket_count_ * kWays; }

    // Record that `mac` was seen on `port` in `vlan` at time `now_ns`. Multicast sources are
    // ignored (they are never valid source addresses).
    void learn(const std::uint8_t* mac, VlanId vlan, PortId port, std::uint64_t now_ns);
    // `mac` was seen on `port` at `seen_ns` by someone else (the kernel fast path): moves the
    // entry's last-seen time forward, never back, and never creates or moves an entry.
    void refresh(const std::uint8_t* mac, VlanId vlan, PortId port, std::uint64_t seen_ns);
    // The port `mac` was last seen on, or kNoPort if unknown or aged out.
    PortId lookup(const std::uint8_t* mac, VlanId vlan, std::uint64_t now_ns) const;
    // Forget everything learned on `port` (port removed or went down).
    void flush_port(PortId port);
    void clear();
    // Remove entries older than the aging time. Returns how many were removed.
    std::uint32_t expire(std::uint64_t now_ns);

    const MacTableCounters& counters() const { return counters_; }

    // Visit live entries (control path; not per packet).
    template <typename F>
    void for_each(std::uint64_t now_ns, F&& visit) const {
        for (std::uint32_t i = 0; i < bucket_count_ * kWays; ++i) {
            const Entry& e = entries_[i];
            if (!e.live() || expired(e, now_ns)) continue;
            MacEntryView v{};
            key_to_mac(e.key, v.mac);
            v.vlan = static_cast<VlanId>((e.key >> 48) & 0xFFF);
            v.port = e.port;
            v.last_seen_ns = e.last_seen_ns;
            visit(v);
        }
    }

  private:
    static constexpr std::uint64_t kLiveBit = 1ull << 63;
    struct Entry {
        std::uint64_t key = 0;  // kLiveBit | vlan << 48 | mac; 0 = empty slot
        std::uint64_t last_seen_ns = 0;
        PortId port = kNoPort;
        bool live() const { return key != 0; }
    };

    static std::uint64_t make_key(const std::uint8_t* mac, VlanId vlan);
    static void key_to_mac(std::uint64_t key, std::uint8_t* mac);
    Entry* bucket(std::uint64_t key) const;
    bool expired(const Entry& e, std::uint64_t now_ns) const {
        return now_ns > e.last_seen_ns && now_ns - e.last_seen_ns > aging_ns_;
    }

    std::uint32_t bucket_count_ = 1;
    std::uint32_t bucket_mask_ = 0;
    std::unique_ptr<Entry[]> entries_;
    std::uint64_t aging_ns_ = kDefaultAgingNs;
    MacTableCounters counters_;
};

}  // namespace sy::l2
