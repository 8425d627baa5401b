#pragma once
// How a stage says what becomes of each packet of the batch it was given, and the one routine
// that acts on it. A stage never frees, forwards or forgets a packet itself: it records a
// verdict per packet — go on to the next stage, consumed (the stage handed it to an egress
// queue), or dropped for a named reason — and advance() moves the packets and counts the
// drops. Ownership is checked, not a convention: a packet left without a verdict is a bug,
// caught in debug builds and counted (and released) in release builds.

#include <array>
#include <cstdint>

#include "datapath/drop_reason.hpp"
#include "datapath/worker.hpp"
#include "packet/packet_batch.hpp"

namespace sy::datapath {

class Verdicts {
  public:
    static constexpr std::uint8_t kUnset = 0xff;
    static constexpr std::uint8_t kNext = 0xfe;
    static constexpr std::uint8_t kConsumed = 0xfd;
    static_assert(kDropReasonCount < kConsumed, "drop reasons must fit below the markers");

    Verdicts() { v_.fill(kUnset); }
    void next(std::uint32_t i) { v_[i] = kNext; }
    void consumed(std::uint32_t i) { v_[i] = kConsumed; }
    void drop(std::uint32_t i, DropReason r) { v_[i] = static_cast<std::uint8_t>(r); }
    std::uint8_t at(std::uint32_t i) const { return v_[i]; }

  private:
    std::array<std::uint8_t, PacketBatch::kCapacity> v_;
};

// Applies `verdicts` to `batch`: packets to go on stay (in order, compacted), dropped ones
// are released and counted in `counters`, consumed ones leave the batch. Packets without a
// verdict (a broken stage) are released and counted in `counters.unaccounted`.
void advance(PacketBatch& batch, const Verdicts& verdicts, LaneCounters& counters);

}  // namespace sy::datapath
