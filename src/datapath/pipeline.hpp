#pragma once
// The pipeline a received batch goes through, stage by stage (docs/architecture.md):
//
//   ingress   capture (in), runt check, lab faults, checksum check of unvouched packets
//   classify  the bridge's flow tables: which Program each packet runs (plain NORMAL for a
//             bridge that has only the default flow, without a lookup)
//   execute   run the Program: rewrites (through the checksum module), outputs, NORMAL
//   egress    per output port: prepare (finish/pass/segment), capture (out), queue
//
// Each stage records a verdict per packet (verdicts.hpp) and advance() moves the packets and
// counts the drops, per stage, under named reasons. Headers are parsed at most once per
// packet (PacketMeta), the first time a stage needs them. Per packet: no allocation, no
// exception, no lock.

#include "datapath/fast_path_sync.hpp"
#include "datapath/normal_action.hpp"
#include "datapath/packet_in_queue.hpp"
#include "datapath/port_registry.hpp"
#include "datapath/verdicts.hpp"
#include "datapath/worker.hpp"
#include "flow/program.hpp"

namespace sy::datapath {

class Pipeline {
  public:
    // `packet_ins`: where CONTROLLER ops hand packets to the OpenFlow agent (none: they are
    // dropped as controller_none).
    Pipeline(PortRegistry& registry, FastPathSync& fast, PacketInQueue* packet_ins = nullptr)
        : registry_(registry), normal_(registry, fast), packet_ins_(packet_ins) {}

    // Runs a batch received on `in` through every stage. The batch is empty afterwards:
    // every packet was queued for a port or dropped and counted.
    void process(Worker& w, SwitchPort& in, PacketBatch& batch);

    // Runs `prog` on `p` (received on `in`): the execute stage for one packet. nullopt: the
    // packet was consumed (queued for ports, possibly as copies); otherwise the caller still
    // owns it and the reason says why it was not sent. Public for trace and tests.
    std::optional<DropReason> run_program(Worker& w, SwitchPort& in, Packet* p,
                                          const flow::Program& prog, NormalBurstCache& cache);

  private:
    // A CONTROLLER op: the packet (consumed) copied into the agent's queue.
    std::optional<DropReason> to_controller(SwitchPort& in, Packet* p, const flow::Op& op);
    void ingress(Worker& w, SwitchPort& in, PacketBatch& batch, Verdicts& v);
    void classify(Worker& w, SwitchPort& in, PacketBatch& batch, const flow::Program** programs);
    void execute(Worker& w, SwitchPort& in, PacketBatch& batch, const flow::Program** programs,
                 Verdicts& v);
    PortRegistry& registry_;
    NormalAction normal_;
    PacketInQueue* packet_ins_;
};

}  // namespace sy::datapath
