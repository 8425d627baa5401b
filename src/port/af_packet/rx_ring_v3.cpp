#include "port/af_packet/rx_ring_v3.hpp"

#include <linux/if_packet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "packet/vnet_hdr.hpp"
#include "port/vlan_tag.hpp"

namespace sy::port {

RxRingV3::~RxRingV3() {
    if (map_) ::munmap(map_, map_size_);
}

Status RxRingV3::setup(int fd, const std::string& what) {
    const int version = TPACKET_V3;
    if (::setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
        return Status(Errc::io_error, fmt::format("{}: setsockopt(PACKET_VERSION, V3): {}", what,
                                                  std::strerror(errno)));
    }
    tpacket_req3 req{};
    req.tp_block_size = kBlockSize;
    req.tp_block_nr = kBlockCount;
    req.tp_frame_size = 2048;  // nominal in V3 (frames are packed), must divide the block
    req.tp_frame_nr = kBlockSize / req.tp_frame_size * kBlockCount;
    req.tp_retire_blk_tov = kRetireTimeoutMs;
    if (::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
        return Status(Errc::io_error, fmt::format("{}: setsockopt(PACKET_RX_RING): {}", what,
                                                  std::strerror(errno)));
    }
    map_size_ = std::size_t{kBlockSize} * kBlockCount;
    void* m = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
    if (m == MAP_FAILED) m = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        map_size_ = 0;
        return Status(Errc::io_error,
                      fmt::format("{}: mmap of the RX ring: {}", what, std::strerror(errno)));
    }
    map_ = static_cast<std::uint8_t*>(m);
    return Status::ok();
}

void RxRingV3::release_block() {
    auto* bd = reinterpret_cast<tpacket_block_desc*>(map_ + std::size_t{block_} * kBlockSize);
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    block_ = (block_ + 1) % kBlockCount;
    in_block_ = false;
}

std::uint32_t RxRingV3::read(PacketPool& pool, PacketBatch& batch, bool vnet_hdr,
                             PortCounters& counters) {
    std::uint32_t added = 0;
    while (!batch.full()) {
        if (!in_block_) {
            auto* bd =
                reinterpret_cast<tpacket_block_desc*>(map_ + std::size_t{block_} * kBlockSize);
            if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
                break;  // the kernel still fills it
            }
            in_block_ = true;
            left_ = bd->hdr.bh1.num_pkts;
            next_ = reinterpret_cast<std::uint8_t*>(bd) + bd->hdr.bh1.offset_to_first_pkt;
        }
        if (left_ == 0) {
            release_block();
            continue;
        }
        const auto* h = reinterpret_cast<const tpacket3_hdr*>(next_);
        const std::uint8_t* frame = next_ + h->tp_mac;
        const std::uint32_t len = h->tp_snaplen;
        const bool truncated = h->tp_snaplen < h->tp_len;
        next_ += h->tp_next_offset;
        --left_;
        if (truncated) {
            counters.drop(PortDrop::rx_truncated);
        } else if (Packet* p = pool.alloc(); !p) {
            counters.drop(PortDrop::rx_no_buffer);
        } else if (len > p->tailroom()) {
            counters.drop(PortDrop::rx_truncated);
            pool.free(p);
        } else {
            std::memcpy(p->data(), frame, len);
            p->length = len;
            bool ok = true;
            if (vnet_hdr) {
                VirtioNetHdr vh;
                std::memcpy(&vh, frame - sizeof vh, sizeof vh);
                ok = decode_vnet_hdr(vh, p->bytes(), p->offload) == VnetDecodeStatus::ok;
            }
            if (ok && (h->tp_status & TP_STATUS_VLAN_VALID)) {  // tag kept out of band
                const std::uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID)
                                               ? h->hv1.tp_vlan_tpid
                                               : std::uint16_t{0x8100};
                insert_vlan_tag(*p, tpid, static_cast<std::uint16_t>(h->hv1.tp_vlan_tci));
            }
            if (!ok) {
                counters.drop(PortDrop::rx_bad_vnet_hdr);
                pool.free(p);
            } else {
                counters.rx_packets++;
                counters.rx_bytes += p->length;
                batch.push(p);
                ++added;
            }
        }
        if (left_ == 0) release_block();
    }
    return added;
}

}  // namespace sy::port
