#pragma once
// A kernel interface (veth end, any netdev) over an AF_PACKET socket.
//
// vnet-header mode (default): PACKET_VNET_HDR is on, so every frame arrives with a
// virtio-net header: partial checksums (CHECKSUM_PARTIAL) and GSO super-frames keep their
// metadata, and we hand metadata back on send, so the kernel finishes or segments what we
// pass on. Legacy mode: a plain packet socket, no metadata at all — what OVS's userspace
// datapath did; frames then leave with whatever their checksum field held (the bug, on
// purpose, for the lab).
//
// I/O: recvmmsg/sendmmsg with up to 32 messages per call, straight into and out of pool
// buffers; as options, receive through a TPACKET_V2 or TPACKET_V3 ring (see
// af_packet_port.cpp for why neither is the default). PACKET_IGNORE_OUTGOING so we never
// receive our own transmissions.

#include <memory>

#include "base/status.hpp"
#include "packet/vnet_hdr.hpp"
#include "port/af_packet/rx_mode.hpp"
#include "port/af_packet/rx_ring_v2.hpp"
#include "port/af_packet/rx_ring_v3.hpp"
#include "port/port.hpp"

namespace sy::port {

struct AfPacketOptions {
    bool vnet_hdr = true;       // false: legacy mode (no offload metadata either way)
    bool qdisc_bypass = false;  // see af_packet_port.cpp: hides our sends from packet taps
    using RxMode = AfPacketRxMode;
    RxMode rx = RxMode::recvmmsg;                       // see rx_mode.hpp and af_packet_port.cpp
    std::uint32_t ring_v2_slots = kDefaultRingV2Slots;  // RxMode::ring_v2: 2 KiB slots
};

class AfPacketPort final : public Port {
  public:
    static Result<std::unique_ptr<AfPacketPort>> open(const std::string& ifname,
                                                      const AfPacketOptions& options);
    ~AfPacketPort() override;

    std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) override;
    void tx_burst(PacketBatch& batch) override;
    int poll_fd() const override { return fd_; }

    bool vnet_hdr() const { return options_.vnet_hdr; }
    int ifindex() const { return ifindex_; }
    int kernel_ifindex() const override { return ifindex_; }
    int kernel_socket() const override { return fd_; }
    void refresh_counters() override;

  private:
    AfPacketPort(std::string ifname, offload::PortOffloadCaps caps, int fd, int ifindex,
                 AfPacketOptions options);
    void handle_error(int err, const char* what);

    std::uint32_t rx_ring_burst(PacketPool& pool, PacketBatch& batch);

    int fd_;
    int ifindex_;
    std::unique_ptr<RxRingV2> ring_v2_;  // both null: recvmmsg
    std::unique_ptr<RxRingV3> ring_v3_;
    AfPacketOptions options_;
    // Scratch for one burst, allocated once (never per packet).
    struct Scratch;
    std::unique_ptr<Scratch> scratch_;
};

}  // namespace sy::port
