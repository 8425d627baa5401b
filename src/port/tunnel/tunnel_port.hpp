#pragma once
// A VXLAN or Geneve tunnel port: a UDP socket of the host's own stack (its routes, neighbours,
// NICs, firewall), bound to the local address and the tunnel's UDP port. Encapsulation and
// decapsulation are ours; the outer IP and UDP headers, their checksums and the path to the
// remote are the kernel's. docs/tunnels.md explains the design and the numbers behind it.
//
// Send: each frame goes out as one datagram, [tunnel header | inner frame] gathered from two
// places (no copy); to the remote learned for its destination MAC, to every remote when the
// destination is broadcast or unknown, or to the packet's tun_dst (`--remote flow`). Runs of
// equal-size datagrams to one remote (the segments of one TCP super-frame) leave as one
// UDP_SEGMENT send, so the host stack carries them as one buffer as far as it can.
// The port declares no checksum or segmentation offload and the inner MTU: the egress
// preparation finishes inner partial checksums in software and segments TCP super-frames to
// fit the underlay, and drops other oversized frames (docs/checksum-contract.md).
//
// Receive: recvmmsg straight into pool buffers, with UDP_GRO so that one buffer can hold many
// datagrams of one outer flow; each datagram's tunnel header is checked and pulled off. The
// host stack has verified the outer UDP checksum (or it was zero); the inner frame's
// checksums are unchecked, so it enters the switch with no checksum state (never verified),
// except that consecutive in-order TCP segments of one inner flow whose checksums we checked
// are rebuilt into one super-frame (software GRO, tcp_coalesce.hpp), handed on as verified
// with GSO metadata.

#include <sys/socket.h>

#include <array>
#include <memory>
#include <vector>

#include "base/status.hpp"
#include "port/port.hpp"
#include "port/tunnel/remote_learning.hpp"
#include "port/tunnel/tcp_coalesce.hpp"
#include "port/tunnel/tunnel_header.hpp"
#include "port/tunnel/tunnel_options.hpp"
#include "port/tunnel/underlay_address.hpp"

struct mmsghdr;

namespace sy::port {

class TunnelPort final : public Port {
  public:
    static Result<std::unique_ptr<TunnelPort>> open(const std::string& name,
                                                    const TunnelOptions& options);
    ~TunnelPort() override;

    std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) override;
    void tx_burst(PacketBatch& batch) override;
    int poll_fd() const override { return fd_; }
    void refresh_counters() override;
    // Software GRO counters: rx_gro_super_frames, rx_gro_merged_segments, rx_gro_csum_bad.
    void driver_stats(DriverStats& out) const override;

    // Bytes a tunnel adds in front of the inner IP datagram: outer IP, UDP, tunnel header,
    // inner Ethernet header.
    static std::uint32_t overhead(bool ipv6) {
        return (ipv6 ? 40u : 20u) + 8u + kTunnelHeaderLen + 14u;
    }
    std::uint32_t underlay_mtu() const { return underlay_mtu_; }

  private:
    static constexpr std::size_t kTxSlots = 64;
    // UDP_SEGMENT: at most this many datagrams in one send (the kernel's UDP_MAX_SEGMENTS).
    static constexpr std::size_t kMaxGsoSegments = 64;
    // UDP_GRO: at most this many datagrams in one received buffer (the kernel's
    // UDP_GRO_CNT_MAX), so one burst yields at most kCapacity * kMaxGroSegments frames.
    static constexpr std::size_t kMaxGroSegments = 64;
    static constexpr std::size_t kPendingSlots = PacketBatch::kCapacity * kMaxGroSegments;

    TunnelPort(std::string name, offload::PortOffloadCaps caps, int fd, TunnelOptions options,
               std::vector<UnderlayAddress> remotes, UnderlayAddress local,
               std::uint32_t underlay_mtu);

    // One datagram to send: the frame of `packet` behind its tunnel header, to `dst`.
    struct TxSlot {
        Packet* packet;
        const sockaddr_storage* dst;
        socklen_t dst_len;
        std::uint8_t tos;
        std::uint8_t header[kTunnelHeaderLen];
    };
    void queue(Packet* p, std::uint32_t vni, const sockaddr_storage* dst, socklen_t dst_len);
    void flush();
    void count_tx_error(int err, std::uint64_t datagrams);
    std::uint8_t outer_tos(const Packet& p) const;
    // Hands `p` to the batch, or keeps it for the next burst when the batch is full.
    static std::uint64_t coarse_now_ns();  // CLOCK_MONOTONIC_COARSE (learning ages)
    void emit(Packet* p, PacketBatch& batch, std::uint32_t& added);
    void close_run(PacketBatch& batch, std::uint32_t& added);

    int fd_;
    TunnelOptions options_;
    std::vector<UnderlayAddress> remotes_;
    std::vector<sockaddr_storage> remote_sa_;
    socklen_t remote_sa_len_ = 0;
    UnderlayAddress local_;
    std::uint32_t underlay_mtu_;
    bool udp_segment_ = true;  // cleared when the kernel refuses UDP_SEGMENT
    RemoteLearning learned_;

    // Per-burst scratch, allocated once.
    std::unique_ptr<mmsghdr[]> rx_msgs_;
    std::array<iovec, PacketBatch::kCapacity> rx_iov_{};
    std::array<sockaddr_storage, PacketBatch::kCapacity> rx_addr_{};
    std::array<Packet*, PacketBatch::kCapacity> rx_packets_{};
    std::array<std::array<std::uint8_t, 64>, PacketBatch::kCapacity> rx_cmsg_{};
    bool udp_gro_ = false;  // the kernel accepted UDP_GRO on the socket
    TcpCoalescer coalescer_;
    // Frames of the last burst that did not fit its batch (one buffer can hold 64 datagrams).
    std::unique_ptr<Packet*[]> pending_;
    std::size_t pending_head_ = 0, pending_count_ = 0;

    std::array<TxSlot, kTxSlots> tx_{};
    std::size_t tx_count_ = 0;
    std::array<sockaddr_storage, kTxSlots> tx_flow_dst_{};  // destinations chosen by flows
    std::unique_ptr<mmsghdr[]> tx_msgs_;
    std::array<std::array<iovec, 2 * kMaxGsoSegments>, kTxSlots> tx_iov_{};
    std::array<std::array<std::uint8_t, 64>, kTxSlots> tx_cmsg_{};
    std::uint64_t kernel_drops_base_ = 0;
    std::uint64_t csum_errors_base_ = 0;
};

}  // namespace sy::port
