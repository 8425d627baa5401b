#pragma once
// A port: where packets enter and leave the switch. The datapath sees every port kind
// (kernel interface, TAP, in-memory) through this interface: bursts in, bursts out, the
// offload capabilities the egress preparation needs, counters, and a file descriptor the poll
// thread can sleep on.
//
// Threading: a port is used by one poll thread. Counters are plain integers written by that
// thread; others read them only while holding the lock that serialises the poll thread's
// rounds (see datapath::SwitchCore).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "offload/tx_prepare.hpp"
#include "packet/packet_batch.hpp"
#include "packet/packet_pool.hpp"

namespace sy::port {

// Why a port dropped a packet at the I/O boundary (the datapath has its own reasons).
enum class PortDrop : std::uint8_t {
    rx_no_buffer,     // the packet pool was empty
    rx_bad_vnet_hdr,  // malformed virtio-net header (case 6): never forwarded
    rx_truncated,     // frame larger than a packet buffer
    tx_queue_full,    // the kernel had no room (EAGAIN/ENOBUFS)
    tx_too_big,       // the kernel refused the frame size (EMSGSIZE)
    tx_error,         // any other send error
    tx_port_gone,     // sent while, or after, the interface vanished
    // The kernel dropped frames for this port because its socket queue was full: the switch
    // did not drain it fast enough (PACKET_STATISTICS tp_drops; read when stats are asked for).
    // With a TPACKET_V2 ring also frames bigger than a slot whose full copy found the socket's
    // receive memory full (counted when their truncated slot is read).
    rx_kernel_queue_full,
    // Tunnel ports (port/tunnel/): a received datagram whose VXLAN/Geneve header is malformed
    // or too short; a VNI the port does not carry; a source that is none of its remotes; a
    // Geneve critical option we do not understand, or an OAM frame.
    rx_tunnel_bad_header,
    rx_tunnel_wrong_vni,
    rx_tunnel_unknown_remote,
    rx_tunnel_geneve_critical_option,
    rx_tunnel_geneve_oam,
    // The kernel dropped datagrams for the tunnel's UDP socket: a full socket queue
    // (SO_MEMINFO drops; read when stats are asked for).
    rx_tunnel_kernel_dropped,
    // The host stack dropped datagrams with a bad (non-zero) outer UDP checksum before the
    // switch could see them. The kernel counts these per network namespace only
    // (UdpInCsumErrors / Udp6InCsumErrors), so this is that count since the port opened:
    // bad checksums of any other UDP traffic of the namespace count here too.
    rx_tunnel_bad_outer_csum,
    // `--remote flow` and no flow set tun_dst (or set one of the other IP version).
    tx_tunnel_no_remote,
    // Sent while the interface was down (a TAP whose other side has not brought it up, or that
    // was just moved into another namespace): the device is there, the frame is not delivered.
    tx_link_down,
    tx_no_buffer,    // no buffer of the port's own to copy the frame into (DPDK pool empty)
    tx_bad_offload,  // offload metadata the device cannot carry out (never sent wrong)
    count_
};
inline constexpr std::size_t kPortDropCount = static_cast<std::size_t>(PortDrop::count_);
const char* to_string(PortDrop reason);

// Counters the port's driver keeps (DPDK: rte_eth_stats, xstats), name -> value.
using DriverStats = std::vector<std::pair<std::string, std::uint64_t>>;

struct PortCounters {
    std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
    std::uint64_t drops[kPortDropCount] = {};

    void drop(PortDrop reason, std::uint64_t n = 1) {
        drops[static_cast<std::size_t>(reason)] += n;
    }
    std::uint64_t dropped(PortDrop reason) const { return drops[static_cast<std::size_t>(reason)]; }
};

class Port {
  public:
    Port(std::string name, offload::PortOffloadCaps caps) : name_(std::move(name)), caps_(caps) {}
    virtual ~Port() = default;
    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;

    const std::string& name() const { return name_; }
    const offload::PortOffloadCaps& caps() const { return caps_; }
    // Largest IP datagram the port sends without GSO (0: no limit).
    std::uint32_t mtu() const { return caps_.mtu; }

    // Receive up to the batch's free capacity, appended to `batch`. Returns how many were
    // added. Never blocks. Ports that copy frames in take the buffers from `pool` (the poll
    // thread's); ports with buffers of their own (DPDK mbufs) hand out those, owned by them.
    virtual std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) = 0;
    // Send every packet in `batch`, then give each one back to its owner (sent or dropped,
    // counted; see sy::release) and clear the batch. Packets may come from any owner.
    virtual void tx_burst(PacketBatch& batch) = 0;
    // Readable when rx_burst has something (or the port failed); -1 if the port cannot be
    // waited on and must be polled.
    virtual int poll_fd() const = 0;
    // True for ports that have nothing to wait on (DPDK poll-mode drivers): while such a port
    // is attached the poll thread never sleeps.
    virtual bool needs_busy_poll() const { return poll_fd() < 0; }
    // The kernel interface and the AF_PACKET socket this port reads it through, for the kernel
    // fast path (fastpath/); 0 and -1 for ports that are not packet sockets.
    virtual int kernel_ifindex() const { return 0; }
    virtual int kernel_socket() const { return -1; }

    // True once the underlying device vanished (deleted interface, closed TAP): the datapath
    // then removes the port. `gone_reason()` says why, for the log.
    bool gone() const { return gone_; }
    const std::string& gone_reason() const { return gone_reason_; }

    // Brings in counters the kernel keeps for the port (control path, not per packet).
    virtual void refresh_counters() {}
    // Appends the driver's own counters (control path; empty for kernel ports).
    virtual void driver_stats(DriverStats& out) const { (void)out; }

    PortCounters& counters() { return counters_; }
    const PortCounters& counters() const { return counters_; }

  protected:
    void mark_gone(std::string reason) {
        if (gone_) return;
        gone_ = true;
        gone_reason_ = std::move(reason);
    }
    PortCounters counters_;

  private:
    std::string name_;
    offload::PortOffloadCaps caps_;
    bool gone_ = false;
    std::string gone_reason_;
};

}  // namespace sy::port
