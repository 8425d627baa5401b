#pragma once
// The datapath's one entry point for the control plane (daemon, tests, benchmarks):
// bridges and ports are created, removed and inspected only through this facade. Calls are
// thread-safe with respect to the poll thread(s); they return a Status with a precise message
// and change nothing on error.
//
// CONTRACT shared by the datapath (owner) and the control layer (user). Extend it; do not
// break it without updating both sides.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "datapath/packet_in_queue.hpp"
#include "flow/flow_cache_stats.hpp"
#include "flow/flow_tables.hpp"
#include "packet/offload_info.hpp"
#include "port/af_packet/rx_mode.hpp"
#include "port/tunnel/tunnel_options.hpp"

namespace sy::port {
class Port;
}

namespace sy::datapath {

// vxlan/geneve: a tunnel port over a UDP socket of the host's stack (port/tunnel/).
// dpdk / dpdk_vhost_user: opened by the PortOpener the daemon composes in (--dpdk;
// docs/dpdk.md): the datapath itself knows nothing of DPDK.
enum class PortKind { af_packet, tap, memory, vxlan, geneve, dpdk, dpdk_vhost_user };

inline bool is_tunnel(PortKind kind) {
    return kind == PortKind::vxlan || kind == PortKind::geneve;
}

// How a port exchanges offload metadata with the kernel.
enum class OffloadMode {
    vnet_hdr,  // PACKET_VNET_HDR / IFF_VNET_HDR: partial checksums and GSO carried both ways
    legacy,    // plain packet socket, no metadata: what the old userspace datapath did
};

struct PortConfig {
    std::string name;  // port name on the bridge; for af_packet/tap also the interface name
    // OpenFlow port number on its bridge (flows say output:N, in_port=N); 0 when adding:
    // the lowest free number. The switch reports the number it gave; the control plane
    // keeps it so that a restart gives every port the same number again.
    std::uint32_t ofport = 0;
    PortKind kind = PortKind::af_packet;
    OffloadMode offload = OffloadMode::vnet_hdr;
    std::uint16_t access_vlan = 0;           // 0: untagged port (no VLAN config)
    std::vector<std::uint16_t> trunk_vlans;  // non-empty: trunk port carrying these VLANs
    // Lab-only fault injection: flip a bit in this fraction of forwarded L4 payloads.
    double corrupt_fraction = 0.0;
    // Lab-only, UNSAFE: tell the receiver that every unchecked packet sent on this port needs
    // no checksum verification, as pre-3.14 veth did (CHECKSUM_UNNECESSARY on everything).
    // Exists to demonstrate the bug. Mechanism on ports that carry partial checksums (vnet
    // header): an unchecked TCP/UDP packet leaves with NEEDS_CSUM (csum_start = its L4 header,
    // csum_offset 16/6) and its bytes untouched. A modern kernel ignores DATA_VALID on packet
    // socket transmit, but a local receiver trusts CHECKSUM_PARTIAL (skb_csum_unnecessary), so
    // a damaged payload is delivered. (Were the packet routed on to a device that finishes the
    // checksum, it would be finished over a field that is not a seed: wrong either way.)
    // Other packets, and ports without partial checksums, get the verified mark (DATA_VALID).
    bool unsafe_mark_verified = false;
    // kind vxlan/geneve: remotes, key, UDP port, outer header options (tunnel.type follows
    // the kind).
    port::TunnelOptions tunnel;
    // DPDK ports: what rte_dev_probe is given (kind dpdk), or the vhost-user socket and
    // whether the switch connects to it as the client (kind dpdk_vhost_user); queue counts.
    std::string devargs;
    std::string vhost_socket;
    bool vhost_client = false;
    std::uint16_t rx_queues = 1, tx_queues = 1;
};

// Per-port counters. Drop reasons are named so a person can see why.
struct PortStats {
    std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
    std::uint64_t csum_completed_sw = 0;   // partial checksums finished in software
    std::uint64_t csum_verified_good = 0;  // L4 checksums we checked and found right
    std::uint64_t csum_verified_bad = 0;   // ... and found wrong (forwarded unmarked)
    // ... of which the field held exactly the pseudo-header sum: a partial checksum that lost
    // its metadata before reaching us (the original bug's fingerprint)
    std::uint64_t csum_pseudo_seed = 0;
    std::uint64_t gso_passed = 0;     // super-frames handed on whole
    std::uint64_t gso_segmented = 0;  // super-frames segmented in software
    std::uint64_t segments_out = 0;   // segments those produced
    // super-frames (passed or segmented) whose segment size was lowered to fit this port's MTU
    std::uint64_t gso_resized = 0;
    std::uint64_t corrupted_injected = 0;  // lab fault injection
    std::uint64_t unsafe_marked = 0;       // unchecked packets sent marked (unsafe_mark_verified)
    // Frames the kernel fast path forwarded from / to this port without userspace seeing
    // them (not included in rx_/tx_packets above, which count what userspace handled).
    std::uint64_t fastpath_rx_packets = 0, fastpath_rx_bytes = 0;
    std::uint64_t fastpath_tx_packets = 0, fastpath_tx_bytes = 0;
    // Nanoseconds its poll thread spent on this port's packets: receiving them, taking them
    // through the pipeline, and its share of sending what they made. Over time: the load the
    // port puts on its thread (what `show` reports and rebalancing measures).
    std::uint64_t poll_ns = 0;
    std::vector<std::pair<std::string, std::uint64_t>> drops;  // reason -> count (non-zero)
    // The port driver's own counters (DPDK: rte_eth_stats, non-zero xstats, and how the
    // port mapped offloads); empty for kernel ports.
    std::vector<std::pair<std::string, std::uint64_t>> driver;
};

// Adds `from`'s counters to `into` (drops by name); not `driver`, which is the driver's own.
void accumulate(PortStats& into, const PortStats& from);

struct PortInfo {
    PortConfig config;
    std::uint32_t id = 0;
    bool up = true;  // false once the underlying interface vanished
    // The kernel fast path at this port: empty when the switch runs without it, else
    // "active", "paused: <why>", "not eligible: <why>" or "error: <why>".
    std::string fast_path;
    // ... and it hands frames for this port to the port's veth peer directly (a container's
    // interface; SwitchSettings::fastpath_to_peer).
    bool fast_path_to_peer = false;
    // Tunnel ports: the MTU inner IP packets must fit (underlay MTU minus the overhead), and
    // the underlay's. 0 for other ports.
    std::uint32_t inner_mtu = 0;
    std::uint32_t underlay_mtu = 0;
    PortStats stats;
};

struct BridgeInfo {
    std::string name;
    std::vector<PortInfo> ports;
    std::uint32_t id = 0;           // unique for the switch's lifetime (PacketInRecord::bridge_id)
    std::uint32_t poll_thread = 0;  // which poll thread serves it (sharded_switch.hpp)
    // Share of its poll thread's time the bridge took over the last load measurement (0.25:
    // a quarter); negative until measured (one poll thread: never, nothing to balance).
    double load = -1;
    // How its poll thread's flow cache classified packets; all zero while the bridge has only
    // the default flow (nothing to classify: plain NORMAL).
    flow::FlowCacheStats flow_cache = {};
};

struct FdbEntry {
    std::uint8_t mac[6];
    std::uint16_t vlan;
    std::string port;
    std::uint32_t age_seconds;
};

enum class CaptureDirection { in, out, both };

// What `trace` saw, step by step (like ovs-appctl ofproto/trace): the tables visited and the
// flows matched, every action with the packet after it and its checksum/GSO state, and per
// output port what egress preparation would do with it.
struct TraceStep {
    enum class Kind : std::uint8_t {
        lookup,  // table `table`: `flow` matched (cookie), or no flow did
        action,  // `text` ran; `packet`/`offload` describe the packet after it
        note,    // `text`: an instruction, a skipped action, the action set starting
        output,  // to `port`: `text` says what egress preparation does there
        drop,    // the packet goes no further: `text` says why
    };
    Kind kind = Kind::note;
    int depth = 0;  // resubmit nesting
    std::uint8_t table = 0;
    bool matched = false;
    std::uint64_t cookie = 0;
    std::string flow;     // lookup: the flow that matched (ovs-ofctl syntax, priority first)
    std::string text;     // action / note / output decision / drop reason
    std::string port;     // output: the port's name
    std::string packet;   // action: the headers after it (one line)
    std::string offload;  // the checksum/GSO state after it ("partial csum_start=34 ...")
};
struct TraceReport {
    std::string packet;   // the packet traced (one line)
    std::string offload;  // its checksum/GSO state on arrival
    std::vector<TraceStep> steps;
    std::string megaflow;  // the fields the decision depends on (what the caches keep)
};
struct TraceRequest {
    std::uint32_t in_port = 0;  // OpenFlow number
    std::vector<std::uint8_t> frame;
    OffloadInfo offload;  // its metadata as a port would deliver it
};

// How the daemon wants the switch built (the rest of SwitchOptions is for tests/benchmarks).
struct SwitchSettings {
    // Forward known unicast between kernel ports inside the kernel (eBPF), see
    // fastpath/kernel_fast_path.hpp: on by default, the fastest path that keeps the checksum
    // contract (docs/performance.md). If the kernel refuses, the switch logs why and runs
    // without it. Ports it cannot serve (TAP, legacy, trunks, captured) use userspace anyway.
    bool kernel_fastpath = true;
    // The fast path hands a frame for a container's veth to the container's interface
    // directly (bpf_redirect_peer) instead of through the veth's transmit: faster, but a
    // packet tap on the host end (tcpdump -i vethXXX) then sees only the container's side.
    bool fastpath_to_peer = true;
    // Keep polling this long after the last packet before sleeping, the longest window
    // adaptive polling may stretch it to (0: no adaptation), and how long a yield may give the
    // core away before the thread stops spinning (0: never stops). Unset: the defaults of
    // datapath/poll_loop.hpp.
    std::optional<std::uint32_t> busy_poll_us;
    std::optional<std::uint32_t> busy_poll_max_us;
    std::optional<std::uint32_t> busy_poll_contended_us;
    // How kernel interfaces (af_packet ports) receive: a TPACKET_V2 ring (default: measured
    // faster on 64-byte floods and ping, docs/performance.md), recvmmsg, or a TPACKET_V3 ring
    // (port/af_packet/rx_mode.hpp). A port whose ring the kernel refuses is refused with the
    // kernel's reason, like any other port that cannot be opened.
    port::AfPacketRxMode af_packet_rx = port::AfPacketRxMode::ring_v2;
    std::uint32_t af_packet_ring_slots = port::kDefaultRingV2Slots;  // 2 KiB slots per port
    // Opens ports of the kinds the datapath has no driver for (dpdk, dpdk_vhost_user); empty:
    // such ports are refused. Called on the control thread, outside the round lock.
    std::function<Result<std::unique_ptr<port::Port>>(const PortConfig&)> open_external;
    // Poll threads (datapath/sharded_switch.hpp): each bridge is served by one of them.
    std::uint32_t poll_threads = 1;
    // With more than one: how often the load of each bridge is measured and, when one thread
    // is much busier than another, a bridge moved (datapath/rebalance_plan.hpp). 0: never.
    std::uint32_t rebalance_interval_ms = 10'000;
};

class Switch {
  public:
    static std::unique_ptr<Switch> create(const SwitchSettings& settings = {});  // starts polling
    virtual ~Switch() = default;

    virtual Status add_bridge(const std::string& name) = 0;
    virtual Status del_bridge(const std::string& name) = 0;
    virtual Status add_port(const std::string& bridge, const PortConfig& config) = 0;
    virtual Status del_port(const std::string& bridge, const std::string& port) = 0;
    virtual std::vector<BridgeInfo> bridges() const = 0;
    virtual Result<std::vector<FdbEntry>> fdb(const std::string& bridge) const = 0;
    // MAC aging time for learned entries (default 300 s).
    virtual void set_mac_aging_seconds(std::uint32_t seconds) = 0;

    // Start/stop writing every packet seen at a port (with its offload metadata) to a pcapng
    // file. One capture per port at a time.
    virtual Status start_capture(const std::string& bridge, const std::string& port,
                                 CaptureDirection direction, const std::string& path) = 0;
    virtual Status stop_capture(const std::string& bridge, const std::string& port) = 0;

    // "off", "on" or "unavailable: <why>" (the kernel fast path, see SwitchSettings).
    virtual std::string kernel_fastpath_state() const = 0;

    // Flows (flow/flow_tables.hpp: OpenFlow 1.3 FLOW_MOD semantics, as OVS). Changes are all
    // or nothing and atomic for packets: a packet sees the tables before or after, never
    // half of a change. A bridge without flows of its own has the default flow
    // priority=0,actions=NORMAL.
    virtual flow::FlowModOutcome apply_flows(const std::string& bridge,
                                             std::span<const flow::FlowMod> mods) = 0;
    // Afterwards the bridge holds exactly `flows` (unchanged flows keep their counters).
    virtual flow::FlowModOutcome replace_flows(const std::string& bridge,
                                               std::span<const flow::FlowMod> flows) = 0;
    virtual Result<std::vector<flow::FlowStats>> dump_flows(
        const std::string& bridge, const flow::FlowFilter& filter) const = 0;
    virtual Result<flow::AggregateStats> aggregate_flows(const std::string& bridge,
                                                         const flow::FlowFilter& filter) const = 0;
    virtual Result<std::vector<flow::TableStats>> table_stats(const std::string& bridge) const = 0;
    // What the bridge would do with this frame, without sending it or learning from it.
    virtual Result<TraceReport> trace(const std::string& bridge, const TraceRequest& request) = 0;

    // The OpenFlow agent's hooks (docs/openflow.md). A switch without them says so.
    // packet_in: CONTROLLER ops queue packet-ins (else they are dropped as controller_none);
    // fail_open: the bridge forwards as the plain learning bridge, ignoring its flows.
    virtual Status set_openflow_state(const std::string& bridge, bool packet_in, bool fail_open) {
        (void)bridge, (void)packet_in, (void)fail_open;
        return Status(Errc::unsupported, "this switch has no OpenFlow hooks");
    }
    // Hands at most `max` queued packet-ins to `use` (oldest first); returns how many.
    virtual std::size_t take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                        std::size_t max) {
        (void)use, (void)max;
        return 0;
    }
    // Sends `frame` as if it arrived on `in_port` (a port number, or CONTROLLER / LOCAL /
    // ANY: from nowhere) through `actions` (output:TABLE alone runs the flow tables).
    virtual Status packet_out(const std::string& bridge, std::uint32_t in_port,
                              const flow::ActionList& actions,
                              std::span<const std::uint8_t> frame) {
        (void)bridge, (void)in_port, (void)actions, (void)frame;
        return Status(Errc::unsupported, "this switch has no OpenFlow hooks");
    }
    // Flows removed by their timeouts since the last call that asked for FLOW_REMOVED
    // (flow flag send_flow_rem), with their bridge's id.
    virtual std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> take_expired_flows() {
        return {};
    }
    // How many poll threads forward (BridgeInfo::poll_thread says which serves a bridge).
    virtual std::uint32_t poll_threads() const { return 1; }
    // How many times a bridge was moved to another poll thread by load, and the last move
    // in words (empty: none yet).
    virtual std::uint64_t bridges_moved() const { return 0; }
    virtual std::string last_move() const { return {}; }
};

}  // namespace sy::datapath
