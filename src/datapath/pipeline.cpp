#include "datapath/pipeline.hpp"

namespace sy::datapath {

namespace {
// The program of a bridge that has only the default flow.
const flow::Program& plain_normal() {
    static const flow::Program p = [] {
        flow::Program prog;
        flow::Op op;
        op.type = flow::OpType::normal;
        prog.push(op);
        return prog;
    }();
    return p;
}
}  // namespace

void Pipeline::process(Worker& w, SwitchPort& in, PacketBatch& batch) {
    LaneCounters& counters = w.lane(in.id)->counters;
    {
        Verdicts v;
        ingress(w, in, batch, v);
        advance(batch, v, counters);
    }
    if (batch.empty()) return;
    const flow::Program* programs[PacketBatch::kCapacity];
    classify(w, in, batch, programs);
    Verdicts v;
    execute(w, in, batch, programs, v);
    advance(batch, v, counters);
    // Nothing goes on after execute: whatever is left had no verdict (a broken stage), and
    // advance() has counted and released it already.
    batch.clear();
}

void Pipeline::classify(Worker&, SwitchPort& in, PacketBatch& batch,
                        const flow::Program** programs) {
    (void)in;
    for (std::uint32_t i = 0; i < batch.count; ++i) programs[i] = &plain_normal();
}

void Pipeline::execute(Worker& w, SwitchPort& in, PacketBatch& batch,
                       const flow::Program** programs, Verdicts& v) {
    NormalBurstCache cache;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        if (auto drop = run_program(w, in, batch.packets[i], *programs[i], cache)) {
            v.drop(i, *drop);
        } else {
            v.consumed(i);
        }
    }
}

}  // namespace sy::datapath
