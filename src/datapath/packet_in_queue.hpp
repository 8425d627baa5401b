#pragma once
// The hand-off of packet-ins (the CONTROLLER action, a table-miss flow sending to the
// controller) from the poll thread to the OpenFlow agent: a bounded lock-free queue of
// fixed slots (Vyukov's bounded MPMC ring), so the per-packet path copies the frame into a
// free slot and moves on, never allocating, never waiting. When every slot is taken the
// packet-in is dropped and counted (DropReason::controller_queue_full).
//
// Slots are allocated once and only touched when used (their data pages stay unbacked until
// a packet-in lands in them).

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace sy::datapath {

struct PacketInRecord {
    std::uint32_t bridge_id = 0;
    std::uint32_t in_port = 0;
    std::uint8_t reason = 0;  // OFPR_*
    std::uint8_t table = 0;
    std::uint64_t cookie = 0;
    std::uint32_t total_len = 0;  // the frame's length
    std::uint32_t length = 0;     // bytes kept in data (max_len and kMaxData)
    static constexpr std::size_t kMaxData = 65535;
    std::uint8_t data[kMaxData];
};

class PacketInQueue {
  public:
    static constexpr std::size_t kSlots = 128;  // a power of two

    PacketInQueue() : slots_(new Slot[kSlots]) {
        for (std::size_t i = 0; i < kSlots; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
    }

    // Producer (poll thread). False when full.
    template <typename Fill>
    bool push(Fill&& fill) {
        std::size_t pos = tail_.load(std::memory_order_relaxed);
        for (;;) {
            Slot& s = slots_[pos & (kSlots - 1)];
            const std::size_t seq = s.seq.load(std::memory_order_acquire);
            const auto diff = static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos);
            if (diff == 0) {
                if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    fill(s.record);
                    s.seq.store(pos + 1, std::memory_order_release);
                    return true;
                }
            } else if (diff < 0) {
                return false;
            } else {
                pos = tail_.load(std::memory_order_relaxed);
            }
        }
    }

    // Consumer (the agent). False when empty; `use` sees the record before its slot is reused.
    template <typename Use>
    bool pop(Use&& use) {
        std::size_t pos = head_.load(std::memory_order_relaxed);
        for (;;) {
            Slot& s = slots_[pos & (kSlots - 1)];
            const std::size_t seq = s.seq.load(std::memory_order_acquire);
            const auto diff =
                static_cast<std::intptr_t>(seq) - static_cast<std::intptr_t>(pos + 1);
            if (diff == 0) {
                if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    use(static_cast<const PacketInRecord&>(s.record));
                    s.seq.store(pos + kSlots, std::memory_order_release);
                    return true;
                }
            } else if (diff < 0) {
                return false;
            } else {
                pos = head_.load(std::memory_order_relaxed);
            }
        }
    }

  private:
    struct Slot {
        std::atomic<std::size_t> seq{0};
        PacketInRecord record;
        Slot() {}  // record left unwritten: its pages are touched only when used
    };
    std::unique_ptr<Slot[]> slots_;
    alignas(64) std::atomic<std::size_t> tail_{0};
    alignas(64) std::atomic<std::size_t> head_{0};
};

}  // namespace sy::datapath
