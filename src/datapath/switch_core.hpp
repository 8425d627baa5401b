#pragma once
// The Switch implementation: the composition of the datapath's parts, each with one job —
//   PortRegistry   bridges and ports (names, ids, OpenFlow numbers)
//   PollLoop       the poll thread and its scheduling (adaptive busy polling, epoll sleep)
//   PortReadiness  which ports a round receives from (epoll: only those with work)
//   Worker         what a poll thread owns (pool, per-port egress lanes, counters)
//   Pipeline       the stages a received batch goes through (ingress, classify, execute,
//                  egress), with NORMAL as an action
//   FastPathSync   the kernel fast path's view of the switch
// — and the facade the control plane calls, each call under the round lock (round_lock.hpp)
// so configuration changes never race with packet processing. Beyond the facade it lets
// tests and benchmarks plug in their own ports (in-memory ports) and drive rounds by hand
// with an injected clock.

#include <functional>
#include <memory>
#include <mutex>

#include "datapath/bridge_handoff.hpp"
#include "datapath/fast_path_sync.hpp"
#include "datapath/pipeline.hpp"
#include "datapath/poll_loop.hpp"
#include "datapath/port_readiness.hpp"
#include "datapath/port_registry.hpp"
#include "datapath/round_lock.hpp"
#include "datapath/switch.hpp"
#include "datapath/worker.hpp"
#include "port/af_packet/rx_mode.hpp"

namespace sy::datapath {

struct SwitchOptions {
    bool start_poll_thread = true;
    // Nanoseconds from any fixed origin; default: CLOCK_MONOTONIC. Tests inject their own.
    std::function<std::uint64_t()> clock;
    std::uint32_t pool_packets = 2048;  // buffers of kSuperFrameBufferSize (lazily backed)
    PollOptions poll;
    std::uint32_t mac_table_capacity = 8192;
    bool log = true;  // port events (vanished interfaces) on stderr
    // How kernel interfaces receive: recvmmsg; a TPACKET_V2 ring (no system call per frame,
    // the kernel copies in the sender's softirq); or a TPACKET_V3 ring (fewer system calls
    // under load, but up to 1 ms of added latency under light load: block timer). recvmmsg
    // here (tests and benchmarks build switches without ring memory); the daemon's default
    // is SwitchSettings'.
    port::AfPacketRxMode af_packet_rx_ring = port::AfPacketRxMode::recvmmsg;
    std::uint32_t af_packet_ring_slots = port::kDefaultRingV2Slots;
    // Which ports check the L4 checksum of packets that arrive with no checksum metadata
    // (counted as verified good/bad; good ones are marked verified). Never changes bytes.
    enum class RxVerify { never, legacy_ports, all_ports } rx_verify = RxVerify::legacy_ports;
    // The kernel fast path (SwitchSettings::kernel_fastpath). Needs the default clock: the
    // kernel stamps MACs it forwards with CLOCK_MONOTONIC.
    bool kernel_fastpath = false;
    // ... delivering to a container's veth peer directly (SwitchSettings::fastpath_to_peer).
    bool fastpath_to_peer = true;
    // Bridge ids this switch gives: first, first + stride, ... (PortRegistry): ShardedSwitch
    // gives each poll thread its own so ids are unique across threads.
    std::uint32_t first_bridge_id = 1;
    std::uint32_t bridge_id_stride = 1;
    // Opens dpdk / dpdk_vhost_user ports (SwitchSettings::open_external).
    std::function<Result<std::unique_ptr<port::Port>>(const PortConfig&)> open_external;
};

class SwitchCore final : public Switch {
  public:
    explicit SwitchCore(SwitchOptions options = {});
    ~SwitchCore() override;

    Status add_bridge(const std::string& name) override;
    Status del_bridge(const std::string& name) override;
    Status add_port(const std::string& bridge, const PortConfig& config) override;
    Status del_port(const std::string& bridge, const std::string& port) override;
    std::vector<BridgeInfo> bridges() const override;
    Result<std::vector<FdbEntry>> fdb(const std::string& bridge) const override;
    void set_mac_aging_seconds(std::uint32_t seconds) override;
    Status start_capture(const std::string& bridge, const std::string& port,
                         CaptureDirection direction, const std::string& path) override;
    Status stop_capture(const std::string& bridge, const std::string& port) override;
    std::string kernel_fastpath_state() const override;
    flow::FlowModOutcome apply_flows(const std::string& bridge,
                                     std::span<const flow::FlowMod> mods) override;
    flow::FlowModOutcome replace_flows(const std::string& bridge,
                                       std::span<const flow::FlowMod> flows) override;
    Result<std::vector<flow::FlowStats>> dump_flows(const std::string& bridge,
                                                    const flow::FlowFilter& filter) const override;
    Result<flow::AggregateStats> aggregate_flows(const std::string& bridge,
                                                 const flow::FlowFilter& filter) const override;
    Result<std::vector<flow::TableStats>> table_stats(const std::string& bridge) const override;
    Result<TraceReport> trace(const std::string& bridge, const TraceRequest& request) override;
    Status set_openflow_state(const std::string& bridge, bool packet_in, bool fail_open) override;
    std::size_t take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                std::size_t max) override;
    Status packet_out(const std::string& bridge, std::uint32_t in_port,
                      const flow::ActionList& actions,
                      std::span<const std::uint8_t> frame) override;
    std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> take_expired_flows() override;

    // Add a port whose I/O the caller built (in-memory ports in tests and benchmarks).
    // `config.kind` is informational here.
    Status add_port(const std::string& bridge, const PortConfig& config,
                    std::unique_ptr<port::Port> io);
    // The port's I/O object, valid until the port is deleted or vanishes; nullptr if unknown.
    port::Port* port_io(const std::string& bridge, const std::string& port);
    // Moving a bridge to another poll thread (bridge_handoff.hpp). take_bridge removes it
    // from this switch between two rounds with its ports' I/O still open; adopt_bridge makes
    // it this switch's and polls its ports from the next round. can_adopt first: adopt_bridge
    // cannot fail after it said yes (nothing else changes bridges while ShardedSwitch moves).
    Result<std::unique_ptr<BridgeHandoff>> take_bridge(const std::string& name);
    Status can_adopt(const BridgeInfo& bridge) const;
    void adopt_bridge(std::unique_ptr<BridgeHandoff> handoff);

    // One round by hand (only when constructed without a poll thread). Returns the number of
    // packets received.
    std::uint32_t run_once();
    std::uint64_t ports_vanished() const;

  private:
    std::uint32_t poll_round();
    void housekeeping();
    void reap_vanished_ports();
    void detach_port(SwitchPort& sp);
    // A registered port joins the poll round: its lane, readiness, the kernel fast path ...
    void start_polling(SwitchPort& sp);
    // ... and leaves it (its queued packets sent; the lane itself stays for the caller).
    void stop_polling(SwitchPort& sp);
    Status attach(const std::string& bridge, const PortConfig& config,
                  std::unique_ptr<port::Port> io);
    PortInfo info(const SwitchPort& sp) const;
    // What this poll thread's lane counted for the port (egress preparation, datapath drops).
    PortStats lane_counters(const SwitchPort& sp) const;
    // After a round's sending: each port that received in it gets its share of the time.
    void charge_flush(std::uint64_t flush_ns, std::uint32_t received);
    // After a change of br.flows: the default-flow shortcut, the worker's cache, the fast path.
    void flows_changed(Bridge& br);
    void wake();
    // Sends what this round (or a packet-out) queued; true if a port vanished meanwhile.
    bool flush_dirty();
    // The program a packet-out's actions make for `key` (flows: output:TABLE alone).
    flow::Program packet_out_program(Bridge& br, const flow::ActionList& actions,
                                     const flow::FlowKey& key);

    SwitchOptions options_;
    RoundLock lock_;
    PortRegistry registry_;
    FastPathSync fast_;
    PacketInQueue packet_ins_;  // before pipeline_, which pushes into it
    Pipeline pipeline_;
    Worker worker_;
    PortReadiness ready_;
    std::vector<PortId> ready_ids_;  // this round's ports to receive from
    // This round's ports that received, and how many packets (their share of the sending).
    struct Received {
        SwitchPort* port;
        std::uint32_t packets;
    };
    std::vector<Received> received_;
    bool sweep_ = false;  // next round receives from every active port (see housekeeping)
    std::unique_ptr<PollLoop> poll_;
    std::uint64_t last_expire_ns_ = 0;
    std::uint64_t aging_ns_ = l2::MacTable::kDefaultAgingNs;
    std::uint64_t ports_vanished_ = 0;
    // Timed-out flows that asked for FLOW_REMOVED, until the agent takes them. Written once
    // a second by housekeeping (not the per-packet path), hence a plain mutex.
    std::mutex expired_mutex_;
    std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> expired_;
    std::unique_ptr<flow::FlowTables> scratch_tables_;  // packet-out's actions as one flow
};

}  // namespace sy::datapath
