// What this relies on in the kernel (net/packet/af_packet.c, checked against mainline with
// po->vnet_hdr_sz, i.e. 6.x; the logic is the same since vnet headers came to the rings in
// 4.x):
//
// * packet_set_ring(): with a receive ring the socket's hook becomes tpacket_rcv() instead of
//   packet_rcv(), and the receive queue is purged. From then on the only skbs on the queue
//   are the full copies described below. PACKET_VNET_HDR must be set before the ring (the
//   setsockopt answers EBUSY once a ring exists), which AfPacketPort::open does.
// * tpacket_rcv(), TPACKET_V2: the frame goes at macoff, after the aligned slot header and
//   the address, and, with a vnet header size set, virtio_net_hdr_from_skb() writes the
//   header right before the frame (h + tp_mac - 10): the same function packet_recvmsg()
//   uses, so the metadata is the same as on the recvmmsg path. VLAN offload tags go into
//   tp_vlan_tci/tp_vlan_tpid with TP_STATUS_VLAN_VALID|TP_STATUS_VLAN_TPID_VALID.
// * tpacket_rcv(), frame larger than the slot (macoff + snaplen > frame_size): if
//   copy_thresh is non-zero and the socket's receive memory is under sk_rcvbuf, it takes a
//   reference (or a clone) of the whole skb; the slot gets the truncated frame (snaplen cut to
//   the slot, vnet header still written); then, holding sk_receive_queue.lock, it claims the
//   slot, and if it has the copy it sets TP_STATUS_COPY in the status it will publish and
//   queues the skb on sk_receive_queue. The slot is handed to user space
//   (__packet_set_status) only after that. So when we see a TP_STATUS_COPY slot its skb is
//   already queued, and copies are queued in slot order: the n-th COPY slot is the n-th skb
//   recvmsg returns. If the ring is full (no slot) the copy is freed, never queued, and the
//   frame counts in tp_drops. If the receive memory is full, there is no copy and no
//   TP_STATUS_COPY: only the truncated slot (tp_snaplen < tp_len), counted here as
//   rx_kernel_queue_full since the kernel does not count it.
// * packet_recvmsg() on a ring socket is the ordinary one: virtio-net header in front of the
//   frame (packet_rcv_vnet), PACKET_AUXDATA with the VLAN tag, MSG_TRUNC if our buffer is too
//   small.
// * PACKET_STATISTICS (packet_getsockopt): for V1/V2 the kernel returns struct
//   tpacket_stats, whose tp_drops counts full-ring drops; V3's struct only adds a field after
//   it, so AfPacketPort::refresh_counters reads every mode the same way.
#include "port/af_packet/rx_ring_v2.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "packet/vnet_hdr.hpp"
#include "port/af_packet/auxdata.hpp"
#include "port/vlan_tag.hpp"

namespace sy::port {

RxRingV2::~RxRingV2() {
    if (map_) ::munmap(map_, map_size_);
}

Status RxRingV2::setup(int fd, const std::string& what, std::uint32_t frames) {
    auto fail = [&](const char* call) {
        return Status(Errc::io_error, fmt::format("{}: {}: {}", what, call, std::strerror(errno)));
    };
    const int version = TPACKET_V2;
    if (::setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
        return fail("setsockopt(PACKET_VERSION, V2)");
    }
    // Any non-zero value: frames bigger than a slot are queued whole besides the truncated
    // slot copy (the kernel only tests it for zero).
    const int copy_thresh = 1;
    if (::setsockopt(fd, SOL_PACKET, PACKET_COPY_THRESH, &copy_thresh, sizeof copy_thresh) != 0) {
        return fail("setsockopt(PACKET_COPY_THRESH)");
    }
    if (!valid_ring_v2_slots(frames))
        return Status(
            Errc::invalid_argument,
            fmt::format("{}: {} ring slots: want a multiple of {} from {} to {}", what, frames,
                        kRingV2SlotsPerBlock, kRingV2SlotsPerBlock, kMaxRingV2Slots));
    frame_count_ = frames;
    tpacket_req req{};
    req.tp_block_size = kBlockSize;
    req.tp_block_nr = frames / kFramesPerBlock;
    req.tp_frame_size = kFrameSize;
    req.tp_frame_nr = frames;
    if (::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
        return fail("setsockopt(PACKET_RX_RING)");
    }
    map_size_ = std::size_t{kFrameSize} * frames;
    void* m = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
    if (m == MAP_FAILED) m = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        map_size_ = 0;
        return fail("mmap of the RX ring");
    }
    map_ = static_cast<std::uint8_t*>(m);
    fd_ = fd;
    return Status::ok();
}

namespace {

// The virtio-net header (if any) of a frame already in `p`, decoded by the same function as
// on the recvmmsg path. Callers add the VLAN tag afterwards, like that path: offsets are
// decoded on the untagged frame, then moved by the tag.
bool decode_vnet(Packet& p, const std::uint8_t* vnet, PortCounters& counters) {
    if (vnet) {
        VirtioNetHdr vh;
        std::memcpy(&vh, vnet, sizeof vh);
        if (decode_vnet_hdr(vh, p.bytes(), p.offload) != VnetDecodeStatus::ok) {
            counters.drop(PortDrop::rx_bad_vnet_hdr);
            return false;
        }
    }
    return true;
}

}  // namespace

RxRingV2::CopyResult RxRingV2::read_full_copy(Packet& p, bool vnet_hdr, PortCounters& counters,
                                              bool& keep) {
    VirtioNetHdr vh;
    AuxBuffer aux;
    iovec iov[2];
    std::size_t n = 0;
    if (vnet_hdr) iov[n++] = {&vh, sizeof vh};
    iov[n++] = {p.data(), p.tailroom()};
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = n;
    m.msg_control = &aux;
    m.msg_controllen = sizeof aux;
    const ssize_t got = ::recvmsg(fd_, &m, MSG_DONTWAIT);
    if (got < 0) {
        const int err = errno;
        if (err == EINTR) return CopyResult::retry_later;
        if (err == EAGAIN || err == EWOULDBLOCK) {
            // Not expected (the kernel queues the copy before it publishes the slot): all we
            // have is the truncated slot.
            counters.drop(PortDrop::rx_truncated);
            return CopyResult::done;
        }
        // A pending socket error (interface down or gone) is returned before the queue is
        // looked at: the copy is still queued, the slot stays ours until the next try.
        error_ = err;
        return CopyResult::retry_later;
    }
    if (m.msg_flags & MSG_TRUNC) {
        counters.drop(PortDrop::rx_truncated);
        return CopyResult::done;
    }
    std::size_t len = static_cast<std::size_t>(got);
    if (vnet_hdr) len = len >= sizeof vh ? len - sizeof vh : 0;
    p.length = static_cast<std::uint32_t>(len);
    if (!decode_vnet(p, vnet_hdr ? reinterpret_cast<const std::uint8_t*>(&vh) : nullptr,
                     counters)) {
        return CopyResult::done;
    }
    if (!restore_vlan_tag_from_auxdata(m, p)) {
        counters.drop(PortDrop::rx_truncated);
        return CopyResult::done;
    }
    keep = true;
    return CopyResult::done;
}

std::uint32_t RxRingV2::read(PacketPool& pool, PacketBatch& batch, bool vnet_hdr,
                             PortCounters& counters) {
    const std::uint32_t vnet_size = vnet_hdr ? sizeof(VirtioNetHdr) : 0;
    std::uint32_t added = 0;
    while (!batch.full()) {
        auto* h = reinterpret_cast<tpacket2_hdr*>(map_ + std::size_t{next_} * kFrameSize);
        // Acquire: the slot's contents are read only after the kernel published them.
        const std::uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) break;  // the kernel has not filled it yet
        Packet* p = pool.alloc();
        if (!p) {
            // Like recvmmsg: the frames wait in the ring; what no longer fits there the
            // kernel counts (rx_kernel_queue_full).
            if (added == 0) counters.drop(PortDrop::rx_no_buffer);
            break;
        }
        bool keep = false;
        if (status & TP_STATUS_COPY) {
            if (read_full_copy(*p, vnet_hdr, counters, keep) == CopyResult::retry_later) {
                pool.free(p);
                break;
            }
        } else if (h->tp_snaplen < h->tp_len) {
            // Bigger than a slot and no full copy: the socket's receive memory was full.
            counters.drop(PortDrop::rx_kernel_queue_full);
        } else if (h->tp_mac < vnet_size || h->tp_mac + h->tp_snaplen > kFrameSize ||
                   h->tp_snaplen > p->tailroom()) {
            counters.drop(PortDrop::rx_truncated);  // never from a sane kernel
        } else {
            const std::uint8_t* frame = reinterpret_cast<const std::uint8_t*>(h) + h->tp_mac;
            std::memcpy(p->data(), frame, h->tp_snaplen);
            p->length = h->tp_snaplen;
            keep = decode_vnet(*p, vnet_hdr ? frame - vnet_size : nullptr, counters);
            if (keep && (status & TP_STATUS_VLAN_VALID)) {  // tag kept out of band
                const std::uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID)
                                               ? h->tp_vlan_tpid
                                               : std::uint16_t{ETH_P_8021Q};
                keep = insert_vlan_tag(*p, tpid, h->tp_vlan_tci);
                if (!keep) counters.drop(PortDrop::rx_truncated);
            }
        }
        // Release: every read of the slot is done before the kernel may refill it.
        __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        next_ = next_ + 1 == frame_count_ ? 0 : next_ + 1;
        if (!keep) {
            pool.free(p);
            continue;
        }
        counters.rx_packets++;
        counters.rx_bytes += p->length;
        batch.push(p);
        ++added;
    }
    return added;
}

}  // namespace sy::port
