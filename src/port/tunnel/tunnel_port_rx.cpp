// The receiving half of the tunnel port: datagrams from the UDP socket (recvmmsg, UDP_GRO
// buffers split into their datagrams), decapsulated, and TCP segments of one inner flow
// rebuilt into super-frames (tcp_coalesce.hpp). The rest of the port is in tunnel_port.cpp.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "base/bytes.hpp"
#include "port/tunnel/tunnel_port.hpp"

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

namespace sy::port {

void TunnelPort::emit(Packet* p, PacketBatch& batch, std::uint32_t& added) {
    if (pending_count_ == 0 && batch.push(p)) {
        ++added;
        return;
    }
    // Bounded by construction: a burst reads at most kCapacity buffers of kMaxGroSegments.
    if (pending_head_ + pending_count_ == kPendingSlots) {
        counters_.drop(PortDrop::rx_no_buffer);
        release(p);
        return;
    }
    pending_[pending_head_ + pending_count_++] = p;
}

void TunnelPort::close_run(PacketBatch& batch, std::uint32_t& added) {
    if (coalescer_.open()) emit(coalescer_.finish(), batch, added);
}

std::uint32_t TunnelPort::rx_burst(PacketPool& pool, PacketBatch& batch) {
    std::uint32_t added = 0;
    // What the last burst could not hand on goes first; read more only when it is all out.
    while (pending_count_ > 0 && batch.push(pending_[pending_head_])) {
        ++pending_head_;
        --pending_count_;
        ++added;
    }
    if (pending_count_ > 0) return added;
    pending_head_ = 0;

    std::uint32_t n = 0;
    const std::uint32_t room = static_cast<std::uint32_t>(PacketBatch::kCapacity - batch.count);
    for (; n < room; ++n) {
        Packet* p = pool.alloc();
        if (!p) {
            counters_.drop(PortDrop::rx_no_buffer);
            break;
        }
        rx_packets_[n] = p;
        rx_iov_[n] = {p->data(), p->tailroom()};
        mmsghdr& m = rx_msgs_[n];
        std::memset(&m, 0, sizeof m);
        m.msg_hdr.msg_iov = &rx_iov_[n];
        m.msg_hdr.msg_iovlen = 1;
        m.msg_hdr.msg_name = &rx_addr_[n];
        m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        if (udp_gro_) {
            m.msg_hdr.msg_control = rx_cmsg_[n].data();
            m.msg_hdr.msg_controllen = rx_cmsg_[n].size();
        }
    }
    if (n == 0) return added;
    int got = ::recvmmsg(fd_, rx_msgs_.get(), n, MSG_DONTWAIT, nullptr);
    if (got < 0) got = 0;
    const std::uint64_t now = got > 0 ? coarse_now_ns() : 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        Packet* p = rx_packets_[i];
        if (i >= static_cast<std::uint32_t>(got)) {
            pool.free(p);
            continue;
        }
        mmsghdr& m = rx_msgs_[i];
        if (m.msg_hdr.msg_flags & MSG_TRUNC) {
            counters_.drop(PortDrop::rx_truncated);
            pool.free(p);
            continue;
        }
        const std::uint32_t total = m.msg_len;
        if (total == 0) {
            counters_.drop(PortDrop::rx_tunnel_bad_header);
            pool.free(p);
            continue;
        }
        // With UDP_GRO the buffer holds datagrams of gso_size bytes each (the last shorter).
        std::uint32_t dgram = total;
        for (cmsghdr* c = udp_gro_ ? CMSG_FIRSTHDR(&m.msg_hdr) : nullptr; c;
             c = CMSG_NXTHDR(&m.msg_hdr, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
                int size = 0;
                std::memcpy(&size, CMSG_DATA(c), sizeof size);
                if (size > 0) dgram = static_cast<std::uint32_t>(size);
            }
        }
        const auto source = UnderlayAddress::from_sockaddr(rx_addr_[i]);
        int remote = -1;
        if (source) {
            for (std::size_t r = 0; r < remotes_.size(); ++r)
                if (remotes_[r] == *source) remote = static_cast<int>(r);
        }
        if (!source || (!options_.remote_flow && remote < 0)) {
            counters_.drop(PortDrop::rx_tunnel_unknown_remote, (total + dgram - 1) / dgram);
            pool.free(p);
            continue;
        }
        bool buffer_used = false;              // p carries a frame on (its first datagram's)
        std::uint8_t* const base = p->data();  // p's own frame start moves once it is used
        for (std::uint32_t off = 0; off < total; off += dgram) {
            const std::uint32_t len = total - off < dgram ? total - off : dgram;
            std::uint8_t* d = base + off;
            const TunnelRxHeader h = parse_tunnel_header(options_.type, d, len);
            if (h.error != TunnelRxError::none) {
                counters_.drop(h.error == TunnelRxError::critical_option
                                   ? PortDrop::rx_tunnel_geneve_critical_option
                               : h.error == TunnelRxError::oam ? PortDrop::rx_tunnel_geneve_oam
                                                               : PortDrop::rx_tunnel_bad_header);
                continue;
            }
            if (!options_.key_flow && h.vni != options_.vni) {
                counters_.drop(PortDrop::rx_tunnel_wrong_vni);
                continue;
            }
            const std::uint8_t* inner = d + h.length;
            const std::uint32_t inner_len = len - h.length;
            if (remote >= 0 && !(inner[6] & 1))
                learned_.learn(inner + 6, static_cast<std::uint16_t>(remote), now);
            counters_.rx_packets++;
            counters_.rx_bytes += inner_len;

            const TcpSegment seg = describe_tcp4_segment(inner, inner_len);
            if (seg.csum_bad) coalescer_.count_csum_bad();
            if (coalescer_.open()) {
                const TunnelMeta& t = coalescer_.packet()->tunnel;
                if (t.id == h.vni && t.ipv6 == source->ipv6 && t.src == source->bytes &&
                    coalescer_.try_append(inner, seg)) {
                    continue;
                }
                close_run(batch, added);
            }
            // The datagram's frame becomes a packet of its own: the first in place, the
            // others copied out of the buffer they share.
            Packet* q = p;
            if (off == 0) {
                buffer_used = true;
                p->length = total;
                p->pull_front(h.length);
                p->length = inner_len;
            } else {
                q = pool.alloc();
                if (!q) {
                    counters_.drop(PortDrop::rx_no_buffer);
                    continue;
                }
                std::memcpy(q->data(), inner, inner_len);
                q->length = inner_len;
            }
            // Nothing about the inner frame's checksums is known: state none (decapsulation
            // never marks anything verified, docs/checksum-contract.md); only a rebuilt
            // super-frame, whose segments were all checked, leaves the coalescer verified.
            q->offload = {};
            q->tunnel.present = true;
            q->tunnel.id = h.vni;
            q->tunnel.ipv6 = source->ipv6;
            q->tunnel.src = source->bytes;
            q->tunnel.dst = local_.bytes;
            q->tunnel.remote = remote < 0 ? 0xffff : static_cast<std::uint16_t>(remote);
            if (seg.eligible) {
                coalescer_.start(q, seg);
            } else {
                emit(q, batch, added);
            }
        }
        if (!buffer_used) pool.free(p);
    }
    close_run(batch, added);
    return added;
}

}  // namespace sy::port
