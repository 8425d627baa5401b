#pragma once
// The Switch implementation. Beyond the facade it lets tests and benchmarks plug in their own
// ports (in-memory ports) and drive rounds by hand with an injected clock.
//
// Threading: the poll thread runs "rounds" (receive a burst from every port, switch, send)
// while holding `mu_`, and releases it between rounds; control calls take `mu_` too, and a
// waiting control call makes the poll thread step aside (waiters_), so configuration changes
// wait at most one round and never race with packet processing. When no packet arrived for
// `busy_poll_us`, the poll thread sleeps in epoll on every port's fd (idle switch ~0% CPU).

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "capture/pcapng_writer.hpp"
#include "datapath/drop_reason.hpp"
#include "datapath/lab_faults.hpp"
#include "datapath/switch.hpp"
#include "fastpath/kernel_fast_path.hpp"
#include "l2/mac_table.hpp"
#include "l2/vlan.hpp"
#include "offload/tx_prepare.hpp"
#include "port/port.hpp"

namespace sy::datapath {

struct SwitchOptions {
    bool start_poll_thread = true;
    // Nanoseconds from any fixed origin; default: CLOCK_MONOTONIC. Tests inject their own.
    std::function<std::uint64_t()> clock;
    std::uint32_t pool_packets = 2048;  // buffers of kSuperFrameBufferSize (lazily backed)
    std::uint32_t busy_poll_us = 50;    // keep polling this long after the last packet
    // Adaptive polling: when traffic comes back within this long after the poll thread went
    // to sleep, the next quiet spell is polled through (up to twice the gap seen, at most this
    // long), because waking a sleeping thread costs ~80 us per packet on a VM (measured: ping
    // every 10 ms through the switch, 137-165 us RTT sleeping vs 53-61 us polling, the Linux
    // bridge 47-58 us). Idle switches still sleep after this long. 0: fixed busy_poll_us.
    std::uint32_t busy_poll_max_us = 25'000;
    std::uint32_t poll_slice_us = 100;  // scheduler slice for the poll thread (0: default)
    // Nice value of the poll thread. -5 measured (2 vCPUs, iperf3 in two namespaces, median
    // of 8 runs): UDP 64 B loss 30% -> 0% at the same delivered rate, TCP and ping unchanged.
    // Not a real-time policy: busy containers still get their share. Needs CAP_SYS_NICE.
    int poll_nice = -5;
    std::uint32_t mac_table_capacity = 8192;
    bool log = true;  // port events (vanished interfaces) on stderr
    // How kernel interfaces receive: recvmmsg; a TPACKET_V2 ring (no system call per frame,
    // the kernel copies in the sender's softirq); or a TPACKET_V3 ring (fewer system calls
    // under load, but up to 1 ms of added latency under light load: block timer).
    port::AfPacketRxMode af_packet_rx_ring = port::AfPacketRxMode::recvmmsg;
    // Which ports check the L4 checksum of packets that arrive with no checksum metadata
    // (counted as verified good/bad; good ones are marked verified). Never changes bytes.
    enum class RxVerify { never, legacy_ports, all_ports } rx_verify = RxVerify::legacy_ports;
    // The kernel fast path (SwitchSettings::kernel_fastpath). Needs the default clock: the
    // kernel stamps MACs it forwards with CLOCK_MONOTONIC.
    bool kernel_fastpath = false;
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

    // Add a port whose I/O the caller built (in-memory ports in tests and benchmarks).
    // `config.kind` is informational here.
    Status add_port(const std::string& bridge, const PortConfig& config,
                    std::unique_ptr<port::Port> io);
    // The port's I/O object, valid until the port is deleted or vanishes; nullptr if unknown.
    port::Port* port_io(const std::string& bridge, const std::string& port);
    // One round by hand (only when constructed without a poll thread). Returns the number of
    // packets received.
    std::uint32_t run_once();
    std::uint64_t ports_vanished() const;

  private:
    struct SwitchPort;
    struct Bridge;
    class ControlLock;

    std::uint32_t poll_round();
    void poll_thread_main();
    void process(SwitchPort& in, PacketBatch& batch);
    void verify_rx(SwitchPort& in, Packet& p);
    void output(SwitchPort& in, SwitchPort& out, Packet* p, std::uint16_t vlan);
    void flood(SwitchPort& in, Bridge& bridge, Packet* p, std::uint16_t vlan);
    void enqueue(SwitchPort& out, Packet* p);
    void flush(SwitchPort& out);
    void capture(SwitchPort& sp, const Packet& p, bool outbound);
    void drop(SwitchPort& sp, DropReason reason, Packet* p);
    void reap_vanished_ports();
    void rebuild_active();
    void detach_port(SwitchPort& sp);
    SwitchPort* find(const std::string& bridge, const std::string& port) const;
    Status attach(const std::string& bridge, const PortConfig& config,
                  std::unique_ptr<port::Port> io);
    PortInfo info(const SwitchPort& sp) const;
    void wake();

    // The kernel fast path's side of the switch (fast_path_sync.cpp).
    void fast_open();
    void fast_attach(SwitchPort& sp);
    void fast_update(SwitchPort& sp);
    void fast_detach(SwitchPort& sp);
    void fast_note_learned(const Bridge& br, const std::uint8_t* mac, std::uint16_t vlan);
    Bridge* bridge_by_id(std::uint32_t id) const;
    SwitchPort* port_of(const fastpath::FdbKey& key) const;
    void fast_publish(const fastpath::FdbKey& key);
    void fast_publish_changes();
    void fast_refresh_from_kernel();
    void fast_reconcile();
    void fast_fill_info(const SwitchPort& sp, PortInfo& pi) const;

    SwitchOptions options_;
    PacketPool pool_;
    mutable std::mutex mu_;
    std::atomic<int> waiters_{0};
    std::atomic<bool> stop_{false};
    std::map<std::string, std::unique_ptr<Bridge>> bridges_;
    std::vector<std::unique_ptr<SwitchPort>> ports_;  // index = PortId; null once deleted
    std::vector<SwitchPort*> active_;                 // up ports, polled each round
    std::vector<SwitchPort*> dirty_;                  // ports with packets waiting to be sent
    std::vector<SwitchPort*> flood_targets_;          // scratch, capacity reserved
    std::vector<Packet*> segments_;                   // scratch for egress preparation
    std::uint64_t now_ns_ = 0;
    std::uint64_t last_expire_ns_ = 0;
    std::uint64_t aging_ns_ = l2::MacTable::kDefaultAgingNs;
    std::uint64_t ports_vanished_ = 0;
    std::uint32_t next_bridge_id_ = 1;
    std::unique_ptr<fastpath::KernelFastPath> fast_;  // null: off or unavailable
    std::string fast_unavailable_;                    // why, when asked for but refused
    // MACs learned or moved in this round, published to the kernel after it (no system call
    // per packet); on overflow everything is reconciled at the next aging pass.
    std::array<fastpath::FdbKey, 64> fast_changes_{};
    std::uint32_t fast_change_count_ = 0;
    bool fast_resync_ = false;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::thread thread_;
};

}  // namespace sy::datapath
