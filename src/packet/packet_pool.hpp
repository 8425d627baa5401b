#pragma once
// A fixed set of packet buffers, allocated once at construction. alloc() and free() never
// touch the heap: on the per-packet path an empty pool is a counted drop, not an allocation.
//
// Ownership: a pool is owned by ONE thread (a poll thread, or a test). It has no locks and
// no atomics; handing packets across threads needs a queue that returns them to the owner.

#include <cstdint>
#include <memory>
#include <vector>

#include "packet/packet.hpp"

namespace sy {

inline constexpr std::uint32_t kDefaultHeadroom = 128;
// Largest frame a GSO super-frame can be: a 64 KiB IP datagram behind Ethernet and two VLAN
// tags. Pools that receive super-frames need buffers of kSuperFrameBufferSize.
inline constexpr std::uint32_t kMaxSuperFrame = 65535 + 14 + 2 * 4;
inline constexpr std::uint32_t kSuperFrameBufferSize = kDefaultHeadroom + kMaxSuperFrame;

class PacketPool final : public PacketOwner {
  public:
    // `buffer_size` includes the headroom. A headroom that does not leave room for a frame
    // (headroom >= buffer_size) becomes 0; see headroom().
    PacketPool(std::uint32_t count, std::uint32_t buffer_size,
               std::uint32_t headroom = kDefaultHeadroom);
    PacketPool(const PacketPool&) = delete;
    PacketPool& operator=(const PacketPool&) = delete;

    // A reset packet (length 0, offset = headroom, offload none), or nullptr when empty.
    Packet* alloc();
    // Return a packet taken from this pool. Foreign pointers and double frees are ignored
    // and counted (bad_frees()), never corrupting the free list.
    void free(Packet* p);
    void release(Packet* p) override { free(p); }

    bool owns(const Packet* p) const;
    std::uint32_t capacity() const { return static_cast<std::uint32_t>(packets_.size()); }
    std::uint32_t available() const { return static_cast<std::uint32_t>(free_count_); }
    std::uint32_t in_use() const { return capacity() - available(); }
    std::uint32_t buffer_size() const { return buffer_size_; }
    std::uint32_t headroom() const { return headroom_; }
    // Largest frame a packet can hold when started at the default headroom.
    std::uint32_t max_frame() const { return buffer_size_ - headroom_; }
    std::uint64_t alloc_failures() const { return alloc_failures_; }
    std::uint64_t bad_frees() const { return bad_frees_; }

  private:
    std::uint32_t buffer_size_;
    std::uint32_t headroom_;
    std::unique_ptr<std::uint8_t[]> storage_;
    std::vector<Packet> packets_;
    std::vector<Packet*> free_list_;  // stack; capacity == count, never grows
    std::vector<std::uint8_t> is_free_;
    std::size_t free_count_ = 0;
    std::uint64_t alloc_failures_ = 0;
    std::uint64_t bad_frees_ = 0;
};

}  // namespace sy
