#include "datapath/verdicts.hpp"

#include <cassert>

namespace sy::datapath {

void advance(PacketBatch& batch, const Verdicts& verdicts, LaneCounters& counters) {
    std::uint32_t kept = 0, missing = 0;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        Packet* p = batch.packets[i];
        const std::uint8_t v = verdicts.at(i);
        if (v == Verdicts::kNext) {
            batch.packets[kept++] = p;
        } else if (v == Verdicts::kConsumed) {
            // the stage handed it on
        } else if (v < kDropReasonCount) {
            counters.drop(static_cast<DropReason>(v));
            release(p);
        } else {
            assert(false && "a pipeline stage left a packet without a verdict");
            ++missing;
            release(p);
        }
    }
    batch.count = kept;
    counters.unaccounted += missing;
}

}  // namespace sy::datapath
