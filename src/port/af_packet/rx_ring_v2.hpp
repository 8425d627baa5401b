#pragma once
// TPACKET_V2 memory-mapped receive ring for an AF_PACKET socket (opt-in,
// AfPacketRxMode::ring_v2). Unlike recvmmsg, the kernel copies each frame into the ring in
// the softirq that delivers it (on veth: the SENDER's context), so the poll thread makes no
// system call and frees no skb per frame; unlike TPACKET_V3, each slot is handed over as soon
// as it is written (no block retire timer, no added latency).
//
// Slots are 2048 bytes: a full 1500-byte-MTU frame (1514 bytes) fits after the slot header,
// the address and the virtio-net header (the kernel puts the frame at offset 76 with
// PACKET_VNET_HDR), and small frames waste little. 4096-byte slots would only add room for
// frames up to ~4000 bytes at half the slots per MiB. The default 4096 slots (8 MiB) absorb a
// burst of 4096 frames while the poll thread serves other ports; fewer save memory on hosts
// with many ports (daemon --af-packet-ring-slots).
//
// Bigger frames (GSO super-frames up to 64 KiB, jumbo frames) take the copy path: with
// PACKET_COPY_THRESH the kernel writes a truncated copy flagged TP_STATUS_COPY into the slot
// and queues the whole frame on the socket's receive queue; read() then takes it with
// recvmsg, in ring order (see rx_ring_v2.cpp for the kernel code this relies on).

#include <cstdint>
#include <string>

#include "base/status.hpp"
#include "packet/packet_batch.hpp"
#include "packet/packet_pool.hpp"
#include "port/af_packet/rx_mode.hpp"
#include "port/port.hpp"

namespace sy::port {

class RxRingV2 {
  public:
    static constexpr std::uint32_t kFrameSize = 2048;
    static constexpr std::uint32_t kDefaultFrameCount = kDefaultRingV2Slots;
    // Blocks are what the kernel allocates: 64 KiB is a multiple of every page size Linux
    // uses, and 128 of them are easier to find than larger contiguous runs.
    static constexpr std::uint32_t kBlockSize = 64u << 10;
    static constexpr std::uint32_t kFramesPerBlock = kBlockSize / kFrameSize;
    static_assert(kBlockSize % kFrameSize == 0, "slots are contiguous across blocks");
    static_assert(kFramesPerBlock == kRingV2SlotsPerBlock, "rx_mode.hpp's bounds");

    RxRingV2() = default;
    RxRingV2(const RxRingV2&) = delete;
    RxRingV2& operator=(const RxRingV2&) = delete;
    ~RxRingV2();

    // Set up on `fd` (before bind, after PACKET_VNET_HDR and PACKET_AUXDATA). `what` names
    // the port in errors; `frames`: slots (valid_ring_v2_slots).
    Status setup(int fd, const std::string& what, std::uint32_t frames = kDefaultFrameCount);

    // Copies up to the batch's free room of frames out of the ring (and, for frames bigger
    // than a slot, off the socket). `vnet_hdr`: frames come with a virtio-net header.
    std::uint32_t read(PacketPool& pool, PacketBatch& batch, bool vnet_hdr, PortCounters& counters);

    // The errno of a failed recvmsg on the copy path since the last call (0: none). The
    // socket reports a vanished interface there, and recvmsg clears it from SO_ERROR.
    int take_error() {
        const int e = error_;
        error_ = 0;
        return e;
    }

  private:
    enum class CopyResult : std::uint8_t { done, retry_later };
    // Takes the whole frame of a TP_STATUS_COPY slot off the socket into `p`; `keep`: good.
    CopyResult read_full_copy(Packet& p, bool vnet_hdr, PortCounters& counters, bool& keep);

    int fd_ = -1;
    std::uint8_t* map_ = nullptr;
    std::size_t map_size_ = 0;
    std::uint32_t next_ = 0;  // next slot to read
    std::uint32_t frame_count_ = kDefaultFrameCount;
    int error_ = 0;
};

}  // namespace sy::port
