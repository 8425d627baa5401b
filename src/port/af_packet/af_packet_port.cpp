// Design choices, measured on this machine (veth pairs, kernel 6.18, 2 busy vCPUs):
//
// * RX with recvmmsg by default, a TPACKET_V2 or TPACKET_V3 ring as options
//   (AfPacketOptions::rx, AfPacketRxMode).
//   A V3 block is handed to user space only when it is full or its retire timer fires
//   (>= 1 ms): under light load every packet waits for the timer, and TCP's ACK clock with it.
//   Measured through the switch between two namespaces (dataplane_switch_host, same run,
//   load average ~12): ping avg 0.27 / 1.3 ms with recvmmsg vs 14 / 20 ms with the ring;
//   iperf3 TCP 3.9 / 4.4 Gbit/s with recvmmsg vs 0.8 / 2.0 Gbit/s with the ring. A V2 ring
//   has fixed slots, and slots big enough for 64 KiB super-frames waste it on small frames;
//   the V2 option (rx_ring_v2.hpp) uses 2 KiB slots and takes bigger frames off the socket
//   (PACKET_COPY_THRESH), so the kernel copies small frames in the sender's softirq and the
//   poll thread makes no system call per frame. Measured against recvmmsg (bench/topology
//   harness, 2 rounds of 3 s each, medians, load average ~1): UDP 64 B 227 vs 213 kpps
//   delivered (loss 26% vs 32%), TCP 17.0 vs 18.2 Gbit/s, ping 83 vs 114 us; a second ping
//   pass 79-103 vs 98-99 us. Within this machine's noise except a small UDP gain: not the
//   default until a clearer win.
//   recvmmsg scatters the virtio-net header and the frame straight into a pool buffer: one
//   kernel copy, no user copy, up to 32 frames per system call under load, no timer.
// * TX with sendmmsg and the virtio-net header in its own iovec: frames of any size up to
//   64 KiB leave from the pool buffer without a copy in user space, 32 per system call. A
//   TX ring would need 64 KiB slots for the same reason as above.
// * PACKET_QDISC_BYPASS is off by default: veth has no qdisc (noqueue), so bypassing saves
//   nothing there, and it hides our transmissions from packet taps (tcpdump on the host side
//   would not see what the switch sent, which the lab relies on).
#include "port/af_packet/af_packet_port.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "port/af_packet/auxdata.hpp"
#include "port/kernel_caps.hpp"
#include "port/netdev.hpp"
#include "port/sys_error.hpp"
#include "port/vlan_tag.hpp"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

namespace sy::port {

struct AfPacketPort::Scratch {
    AuxBuffer rx_aux[PacketBatch::kCapacity];
    VirtioNetHdr rx_hdr[PacketBatch::kCapacity];
    VirtioNetHdr tx_hdr[PacketBatch::kCapacity];
    iovec rx_iov[PacketBatch::kCapacity][2] = {};
    iovec tx_iov[PacketBatch::kCapacity][2] = {};
    mmsghdr rx_msg[PacketBatch::kCapacity] = {};
    mmsghdr tx_msg[PacketBatch::kCapacity] = {};
    Packet* rx_pkt[PacketBatch::kCapacity] = {};
};

namespace {

Status sys_error(const std::string& what, const std::string& ifname) {
    return Status(Errc::io_error,
                  fmt::format("af_packet port {}: {}: {}", ifname, what, std::strerror(errno)));
}

}  // namespace

Result<std::unique_ptr<AfPacketPort>> AfPacketPort::open(const std::string& ifname,
                                                         const AfPacketOptions& options) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
        return Status(Errc::invalid_argument,
                      fmt::format("af_packet port: bad interface name '{}'", ifname));
    }
    const unsigned ifindex = ::if_nametoindex(ifname.c_str());
    if (ifindex == 0) {
        return Status(Errc::not_found,
                      fmt::format("af_packet port: no interface named '{}'", ifname));
    }
    // Protocol 0: receive nothing until bind() names the interface, so no foreign frames
    // slip in between socket() and bind().
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return sys_error("socket(AF_PACKET)", ifname);
    auto fail = [&](const char* what) {
        Status s = sys_error(what, ifname);
        ::close(fd);
        return s;
    };
    const int one = 1;
    if (options.vnet_hdr && ::setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0) {
        return fail("setsockopt(PACKET_VNET_HDR)");
    }
    if (::setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0) {
        return fail("setsockopt(PACKET_AUXDATA)");
    }
    if (::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) {
        return fail("setsockopt(PACKET_IGNORE_OUTGOING)");
    }
    if (options.qdisc_bypass &&
        ::setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) {
        return fail("setsockopt(PACKET_QDISC_BYPASS)");
    }
    std::unique_ptr<RxRingV2> ring_v2;
    std::unique_ptr<RxRingV3> ring_v3;
    Status ring_status = Status::ok();
    if (options.rx == AfPacketRxMode::ring_v2) {
        ring_v2 = std::make_unique<RxRingV2>();
        ring_status =
            ring_v2->setup(fd, fmt::format("af_packet port {}", ifname), options.ring_v2_slots);
    } else if (options.rx == AfPacketRxMode::ring_v3) {
        ring_v3 = std::make_unique<RxRingV3>();
        ring_status = ring_v3->setup(fd, fmt::format("af_packet port {}", ifname));
    }
    if (!ring_status) {
        ring_v2.reset();  // unmap before the socket goes
        ring_v3.reset();
        ::close(fd);
        return ring_status;
    }
    // Deep socket buffers absorb bursts while the poll thread is busy with other ports.
    const int buf = 8 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);

    std::uint32_t mtu = 0;
    if (Status st = bring_up_and_read_mtu(ifname, fmt::format("af_packet port {}", ifname), mtu);
        !st) {
        ::close(fd);
        return st;
    }
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = static_cast<int>(ifindex);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        return fail("bind");
    }
    auto port = std::unique_ptr<AfPacketPort>(new AfPacketPort(
        ifname, kernel_port_caps(options.vnet_hdr, mtu), fd, static_cast<int>(ifindex), options));
    port->ring_v2_ = std::move(ring_v2);
    port->ring_v3_ = std::move(ring_v3);
    return port;
}

AfPacketPort::AfPacketPort(std::string ifname, offload::PortOffloadCaps caps, int fd, int ifindex,
                           AfPacketOptions options)
    : Port(std::move(ifname), caps),
      fd_(fd),
      ifindex_(ifindex),
      options_(options),
      scratch_(std::make_unique<Scratch>()) {}

AfPacketPort::~AfPacketPort() {
    ring_v2_.reset();  // unmap before the socket goes
    ring_v3_.reset();
    ::close(fd_);
}

void AfPacketPort::handle_error(int err, const char* what) {
    if (is_device_gone(err)) {
        mark_gone(
            fmt::format("{} failed: {} (interface deleted or down)", what, std::strerror(err)));
    }
}

std::uint32_t AfPacketPort::rx_ring_burst(PacketPool& pool, PacketBatch& batch) {
    std::uint32_t n = 0;
    if (ring_v2_) {
        n = ring_v2_->read(pool, batch, options_.vnet_hdr, counters_);
        if (const int err = ring_v2_->take_error(); err != 0) {
            handle_error(err, "recvmsg (PACKET_RX_RING copy)");
        }
    } else {
        n = ring_v3_->read(pool, batch, options_.vnet_hdr, counters_);
    }
    if (n == 0 && !gone()) {
        // Nothing in the ring: a vanished interface shows only as a socket error.
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
            handle_error(err, "PACKET_RX_RING");
        }
    }
    return n;
}

std::uint32_t AfPacketPort::rx_burst(PacketPool& pool, PacketBatch& batch) {
    if (gone()) return 0;
    if (ring_v2_ || ring_v3_) return rx_ring_burst(pool, batch);
    Scratch& s = *scratch_;
    const std::uint32_t want = PacketBatch::kCapacity - batch.count;
    std::uint32_t n = 0;
    for (; n < want; ++n) {
        Packet* p = pool.alloc();
        if (!p) {
            if (n == 0) counters_.drop(PortDrop::rx_no_buffer);
            break;
        }
        s.rx_pkt[n] = p;
        int iov = 0;
        if (options_.vnet_hdr) s.rx_iov[n][iov++] = {&s.rx_hdr[n], sizeof(VirtioNetHdr)};
        s.rx_iov[n][iov++] = {p->data(), p->tailroom()};
        msghdr& m = s.rx_msg[n].msg_hdr;
        m = {};
        m.msg_iov = s.rx_iov[n];
        m.msg_iovlen = static_cast<std::size_t>(iov);
        m.msg_control = &s.rx_aux[n];
        m.msg_controllen = sizeof(AuxBuffer);
    }
    if (n == 0) return 0;
    const int got = ::recvmmsg(fd_, s.rx_msg, n, MSG_DONTWAIT, nullptr);
    if (got < 0) {
        const int err = errno;
        for (std::uint32_t i = 0; i < n; ++i) pool.free(s.rx_pkt[i]);
        if (err != EAGAIN && err != EINTR) handle_error(err, "recvmmsg");
        return 0;
    }
    std::uint32_t added = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        Packet* p = s.rx_pkt[i];
        if (static_cast<int>(i) >= got) {
            pool.free(p);
            continue;
        }
        std::uint32_t len = s.rx_msg[i].msg_len;
        if (options_.vnet_hdr) len = len >= sizeof(VirtioNetHdr) ? len - sizeof(VirtioNetHdr) : 0;
        if (s.rx_msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
            counters_.drop(PortDrop::rx_truncated);
            pool.free(p);
            continue;
        }
        p->length = len;
        if (options_.vnet_hdr &&
            decode_vnet_hdr(s.rx_hdr[i], p->bytes(), p->offload) != VnetDecodeStatus::ok) {
            counters_.drop(PortDrop::rx_bad_vnet_hdr);
            pool.free(p);
            continue;
        }
        // With VLAN offload (veth has it) the kernel keeps the tag out of band and the packet
        // socket delivers the frame without it; PACKET_AUXDATA says what it was.
        if (!restore_vlan_tag_from_auxdata(s.rx_msg[i].msg_hdr, *p)) {
            counters_.drop(PortDrop::rx_truncated);
            pool.free(p);
            continue;
        }
        counters_.rx_packets++;
        counters_.rx_bytes += p->length;
        batch.push(p);
        ++added;
    }
    return added;
}

void AfPacketPort::tx_burst(PacketBatch& batch) {
    Scratch& s = *scratch_;
    const std::uint32_t n = batch.count;
    if (gone()) {
        counters_.drop(PortDrop::tx_port_gone, n);
    } else {
        for (std::uint32_t i = 0; i < n; ++i) {
            Packet* p = batch.packets[i];
            int iov = 0;
            if (options_.vnet_hdr) {
                s.tx_hdr[i] = encode_vnet_hdr(p->offload);
                s.tx_iov[i][iov++] = {&s.tx_hdr[i], sizeof(VirtioNetHdr)};
            }
            s.tx_iov[i][iov++] = {p->data(), p->length};
            msghdr& m = s.tx_msg[i].msg_hdr;
            m = {};
            m.msg_iov = s.tx_iov[i];
            m.msg_iovlen = static_cast<std::size_t>(iov);
        }
        std::uint32_t done = 0;
        while (done < n) {
            const int sent = ::sendmmsg(fd_, s.tx_msg + done, n - done, MSG_DONTWAIT);
            if (sent > 0) {
                for (int i = 0; i < sent; ++i) {
                    counters_.tx_packets++;
                    counters_.tx_bytes +=
                        batch.packets[done + static_cast<std::uint32_t>(i)]->length;
                }
                done += static_cast<std::uint32_t>(sent);
                continue;
            }
            // The message at `done` failed: count it, skip it, send the rest.
            const int err = errno;
            if (err == EINTR) continue;
            if (err == EAGAIN || err == ENOBUFS) {
                counters_.drop(PortDrop::tx_queue_full);
            } else if (err == EMSGSIZE) {
                counters_.drop(PortDrop::tx_too_big);
            } else if (is_device_gone(err)) {
                handle_error(err, "sendmmsg");
                counters_.drop(PortDrop::tx_port_gone, n - done);
                break;
            } else {
                counters_.drop(PortDrop::tx_error);
            }
            ++done;
        }
    }
    for (Packet* p : batch) release(p);
    batch.clear();
}

void AfPacketPort::refresh_counters() {
    // Reading the statistics resets them in the kernel: add them up here. The kernel returns
    // struct tpacket_stats for recvmmsg and TPACKET_V2, tpacket_stats_v3 (the same two fields
    // first, then one more) for V3; asking for the shorter struct gets the drops in every mode.
    tpacket_stats st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0 && st.tp_drops != 0) {
        counters_.drop(PortDrop::rx_kernel_queue_full, st.tp_drops);
    }
}

}  // namespace sy::port
