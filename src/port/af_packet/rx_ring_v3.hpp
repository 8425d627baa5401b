#pragma once
// TPACKET_V3 memory-mapped receive ring for an AF_PACKET socket (opt-in, see
// af_packet_port.cpp for why it is not the default). Blocks of 128 KiB hold a 64 KiB GSO
// super-frame with its headers. Frames are copied from the ring into pool buffers, and each
// block goes back to the kernel as soon as it has been read.

#include <cstdint>

#include "base/status.hpp"
#include "packet/packet_batch.hpp"
#include "packet/packet_pool.hpp"
#include "port/port.hpp"

namespace sy::port {

class RxRingV3 {
  public:
    static constexpr std::uint32_t kBlockSize = 128u << 10;
    static constexpr std::uint32_t kBlockCount = 32;
    static constexpr std::uint32_t kRetireTimeoutMs = 1;  // the smallest the kernel takes

    RxRingV3() = default;
    RxRingV3(const RxRingV3&) = delete;
    RxRingV3& operator=(const RxRingV3&) = delete;
    ~RxRingV3();

    // Set up on `fd` (before bind, after PACKET_VNET_HDR). `what` names the port in errors.
    Status setup(int fd, const std::string& what);

    // Copies up to the batch's free room of frames out of the ring. `vnet_hdr`: each frame is
    // preceded by a virtio-net header.
    std::uint32_t read(PacketPool& pool, PacketBatch& batch, bool vnet_hdr, PortCounters& counters);

  private:
    void release_block();

    std::uint8_t* map_ = nullptr;
    std::size_t map_size_ = 0;
    std::uint32_t block_ = 0;       // block being read, or next to wait for
    bool in_block_ = false;         // block_ is owned by us and partly read
    std::uint32_t left_ = 0;        // packets left in block_
    std::uint8_t* next_ = nullptr;  // next tpacket3_hdr in block_
};

}  // namespace sy::port
