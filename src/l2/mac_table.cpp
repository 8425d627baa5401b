#include "l2/mac_table.hpp"

#include <bit>

namespace sy::l2 {

MacTable::MacTable(std::uint32_t capacity) {
    std::uint32_t buckets = capacity / kWays;
    if (buckets == 0) buckets = 1;
    bucket_count_ = std::bit_ceil(buckets);
    bucket_mask_ = bucket_count_ - 1;
    entries_ = std::make_unique<Entry[]>(std::size_t{bucket_count_} * kWays);
}

std::uint64_t MacTable::make_key(const std::uint8_t* mac, VlanId vlan) {
    std::uint64_t k = 0;
    for (int i = 0; i < 6; ++i) k = (k << 8) | mac[i];
    return kLiveBit | (std::uint64_t{vlan & 0xFFFu} << 48) | k;
}

void MacTable::key_to_mac(std::uint64_t key, std::uint8_t* mac) {
    for (int i = 5; i >= 0; --i) {
        mac[i] = static_cast<std::uint8_t>(key);
        key >>= 8;
    }
}

MacTable::Entry* MacTable::bucket(std::uint64_t key) const {
    // Fibonacci hashing: the multiply spreads MAC and VLAN bits into the high bits we keep.
    const std::uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 32;
    return &entries_[(h & bucket_mask_) * kWays];
}

void MacTable::learn(const std::uint8_t* mac, VlanId vlan, PortId port, std::uint64_t now_ns) {
    if (mac[0] & 1) return;  // group addresses are never sources
    const std::uint64_t key = make_key(mac, vlan);
    Entry* b = bucket(key);
    Entry* free_slot = nullptr;
    Entry* oldest = &b[0];
    for (std::uint32_t w = 0; w < kWays; ++w) {
        Entry& e = b[w];
        if (e.key == key) {
            if (e.port != port) {
                e.port = port;
                ++counters_.moved;
            }
            e.last_seen_ns = now_ns;
            return;
        }
        if (!free_slot && (!e.live() || expired(e, now_ns))) free_slot = &e;
        if (e.last_seen_ns < oldest->last_seen_ns) oldest = &e;
    }
    Entry* slot = free_slot;
    if (!slot) {
        slot = oldest;
        ++counters_.evicted;
    } else if (slot->live()) {
        ++counters_.aged;
    }
    slot->key = key;
    slot->port = port;
    slot->last_seen_ns = now_ns;
    ++counters_.learned;
}

void MacTable::refresh(const std::uint8_t* mac, VlanId vlan, PortId port, std::uint64_t seen_ns) {
    const std::uint64_t key = make_key(mac, vlan);
    Entry* b = bucket(key);
    for (std::uint32_t w = 0; w < kWays; ++w) {
        if (b[w].key == key && b[w].port == port && b[w].last_seen_ns < seen_ns) {
            b[w].last_seen_ns = seen_ns;
            return;
        }
    }
}

PortId MacTable::lookup(const std::uint8_t* mac, VlanId vlan, std::uint64_t now_ns) const {
    const std::uint64_t key = make_key(mac, vlan);
    const Entry* b = bucket(key);
    for (std::uint32_t w = 0; w < kWays; ++w) {
        if (b[w].key == key) return expired(b[w], now_ns) ? kNoPort : b[w].port;
    }
    return kNoPort;
}

void MacTable::flush_port(PortId port) {
    for (std::uint32_t i = 0; i < bucket_count_ * kWays; ++i) {
        if (entries_[i].live() && entries_[i].port == port) entries_[i] = Entry{};
    }
}

void MacTable::clear() {
    for (std::uint32_t i = 0; i < bucket_count_ * kWays; ++i) entries_[i] = Entry{};
}

std::uint32_t MacTable::expire(std::uint64_t now_ns) {
    std::uint32_t removed = 0;
    for (std::uint32_t i = 0; i < bucket_count_ * kWays; ++i) {
        if (entries_[i].live() && expired(entries_[i], now_ns)) {
            entries_[i] = Entry{};
            ++removed;
        }
    }
    counters_.aged += removed;
    return removed;
}

}  // namespace sy::l2
