#include "port/tunnel/tunnel_port.hpp"

#include <fmt/core.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/bytes.hpp"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#endif

namespace sy::port {

std::uint64_t TunnelPort::coarse_now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

namespace {

void set_int(int fd, int level, int name, int value) {
    (void)::setsockopt(fd, level, name, &value, sizeof value);
}

// The host's MTU towards `remote` (the route's device or a learned path MTU); 1500 if it
// cannot tell (no route yet).
std::uint32_t path_mtu(const UnderlayAddress& remote, std::uint16_t port) {
    const int fd = ::socket(remote.ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 1500;
    sockaddr_storage sa;
    const socklen_t len = remote.to_sockaddr(port, sa);
    int mtu = 0;
    socklen_t mtu_len = sizeof mtu;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
        ::getsockopt(fd, remote.ipv6 ? IPPROTO_IPV6 : IPPROTO_IP, remote.ipv6 ? IPV6_MTU : IP_MTU,
                     &mtu, &mtu_len) != 0 ||
        mtu < 576) {
        mtu = 1500;
    }
    ::close(fd);
    return static_cast<std::uint32_t>(mtu);
}

std::uint32_t socket_drops(int fd) {
    std::uint32_t info[SK_MEMINFO_VARS] = {};
    socklen_t len = sizeof info;
    if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0 ||
        len < sizeof(std::uint32_t) * (SK_MEMINFO_DROPS + 1)) {
        return 0;
    }
    return info[SK_MEMINFO_DROPS];
}

// The namespace's count of UDP datagrams dropped for a bad checksum (IPv4 or IPv6).
std::uint64_t host_udp_csum_errors(bool ipv6) {
    std::FILE* f = std::fopen(ipv6 ? "/proc/net/snmp6" : "/proc/net/snmp", "r");
    if (!f) return 0;
    std::uint64_t value = 0;
    char line[1024];
    char names[1024] = {};
    while (std::fgets(line, sizeof line, f)) {
        if (ipv6) {
            unsigned long long v = 0;
            if (std::sscanf(line, "Udp6InCsumErrors %llu", &v) == 1) value = v;
            continue;
        }
        if (std::strncmp(line, "Udp: ", 5) != 0) continue;
        if (names[0] == 0) {  // the header line comes first, then the values
            std::snprintf(names, sizeof names, "%s", line);
            continue;
        }
        int column = -1, i = 0;
        for (char* t = std::strtok(names, " \n"); t; t = std::strtok(nullptr, " \n"), ++i)
            if (std::strcmp(t, "InCsumErrors") == 0) column = i;
        i = 0;
        for (char* t = std::strtok(line, " \n"); t; t = std::strtok(nullptr, " \n"), ++i)
            if (i == column) value = std::strtoull(t, nullptr, 10);
        break;
    }
    std::fclose(f);
    return value;
}

}  // namespace

Result<std::unique_ptr<TunnelPort>> TunnelPort::open(const std::string& name,
                                                     const TunnelOptions& options) {
    if (Status s = check_tunnel_options(options); !s) return s;
    std::vector<UnderlayAddress> remotes;
    for (const auto& r : options.remotes) remotes.push_back(*UnderlayAddress::parse(r));
    UnderlayAddress local;
    if (!options.local.empty()) {
        local = *UnderlayAddress::parse(options.local);
    } else {
        local.ipv6 = !remotes.empty() && remotes.front().ipv6;
    }
    const bool v6 = local.ipv6;
    const std::string what = fmt::format("{} port {}", to_string(options.type), name);
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return Status(Errc::io_error,
                      fmt::format("{}: UDP socket: {}", what, std::strerror(errno)));
    }
    if (v6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    sockaddr_storage bind_sa;
    const socklen_t bind_len = local.to_sockaddr(options.udp_port(), bind_sa);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&bind_sa), bind_len) != 0) {
        const int err = errno;
        ::close(fd);
        const std::string where =
            fmt::format("UDP port {} on {}", options.udp_port(),
                        options.local.empty() ? (v6 ? "::" : "0.0.0.0") : options.local);
        if (err == EADDRINUSE) {
            return Status(Errc::already_exists,
                          fmt::format("{}: {} is already in use (another tunnel port, or a "
                                      "kernel vxlan/geneve device on this host)",
                                      what, where));
        }
        if (err == EADDRNOTAVAIL) {
            return Status(Errc::invalid_argument,
                          fmt::format("{}: local address {} is not an address of this host", what,
                                      options.local));
        }
        return Status(Errc::io_error,
                      fmt::format("{}: bind {}: {}", what, where, std::strerror(err)));
    }
    // The outer UDP checksum: the host computes it (usually offloaded) or, IPv4 without
    // --csum, sends zero. IPv6 always sends one: receivers drop zero by default (the kernel's
    // vxlan without udp6zerocsumrx); zero is accepted on receive (RFC 6935).
    if (v6) {
        set_int(fd, IPPROTO_UDP, UDP_NO_CHECK6_TX, 0);
        set_int(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, 1);
    } else {
        set_int(fd, SOL_SOCKET, SO_NO_CHECK, options.csum ? 0 : 1);
        set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, options.df ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT);
    }
    if (options.ttl != 0)
        set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, options.ttl);
    if (options.tos != 0)
        set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, options.tos);
    // Room for bursts: a tunnel carries a whole bridge's traffic through one socket.
    constexpr int kSocketBuffer = 8 << 20;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer) != 0)
        set_int(fd, SOL_SOCKET, SO_RCVBUF, kSocketBuffer);
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kSocketBuffer, sizeof kSocketBuffer) != 0)
        set_int(fd, SOL_SOCKET, SO_SNDBUF, kSocketBuffer);

    const std::uint32_t underlay =
        remotes.empty() ? 1500 : path_mtu(remotes.front(), options.udp_port());
    offload::PortOffloadCaps caps{};  // no checksum or segmentation offload: see the header
    caps.mtu = underlay - overhead(v6);
    return std::unique_ptr<TunnelPort>(
        new TunnelPort(name, caps, fd, options, std::move(remotes), local, underlay));
}

TunnelPort::TunnelPort(std::string name, offload::PortOffloadCaps caps, int fd,
                       TunnelOptions options, std::vector<UnderlayAddress> remotes,
                       UnderlayAddress local, std::uint32_t underlay_mtu)
    : Port(std::move(name), caps),
      fd_(fd),
      options_(std::move(options)),
      remotes_(std::move(remotes)),
      local_(local),
      underlay_mtu_(underlay_mtu),
      rx_msgs_(new mmsghdr[PacketBatch::kCapacity]),
      pending_(new Packet*[kPendingSlots]),
      tx_msgs_(new mmsghdr[kTxSlots]) {
    remote_sa_.resize(remotes_.size());
    for (std::size_t i = 0; i < remotes_.size(); ++i)
        remote_sa_len_ = remotes_[i].to_sockaddr(options_.udp_port(), remote_sa_[i]);
    // One buffer can then carry many datagrams of one outer flow (the host's GRO, or a
    // UDP_SEGMENT send arriving whole over a veth): one recvmmsg slot instead of ~45.
    const int on = 1;
    udp_gro_ = ::setsockopt(fd_, SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
    kernel_drops_base_ = socket_drops(fd_);
    csum_errors_base_ = host_udp_csum_errors(local_.ipv6);
}

TunnelPort::~TunnelPort() {
    for (std::size_t i = 0; i < pending_count_; ++i) release(pending_[pending_head_ + i]);
    ::close(fd_);
}

void TunnelPort::refresh_counters() {
    counters_.drops[static_cast<std::size_t>(PortDrop::rx_tunnel_kernel_dropped)] =
        socket_drops(fd_) - kernel_drops_base_;
    counters_.drops[static_cast<std::size_t>(PortDrop::rx_tunnel_bad_outer_csum)] =
        host_udp_csum_errors(local_.ipv6) - csum_errors_base_;
}

void TunnelPort::driver_stats(DriverStats& out) const {
    const TcpCoalescer::Stats& g = coalescer_.stats();
    out.emplace_back("rx_gro_super_frames", g.super_frames);
    out.emplace_back("rx_gro_merged_segments", g.merged_segments);
    out.emplace_back("rx_gro_csum_bad", g.csum_bad);
}

std::uint8_t TunnelPort::outer_tos(const Packet& p) const {
    const std::uint8_t* f = p.data();
    std::uint32_t l3 = 14;
    if (p.length < 18) return 0;
    std::uint16_t type = load_be16(f + 12);
    if (type == 0x8100 || type == 0x88a8) {
        type = load_be16(f + 16);
        l3 = 18;
    }
    if (p.length < l3 + 2) return 0;
    if (type == 0x0800) return f[l3 + 1];
    if (type == 0x86dd) return static_cast<std::uint8_t>(((f[l3] & 0x0f) << 4) | (f[l3 + 1] >> 4));
    return 0;
}

void TunnelPort::queue(Packet* p, std::uint32_t vni, const sockaddr_storage* dst,
                       socklen_t dst_len) {
    if (tx_count_ == kTxSlots) flush();
    TxSlot& s = tx_[tx_count_++];
    s.packet = p;
    s.dst = dst;
    s.dst_len = dst_len;
    s.tos = options_.tos_inherit ? outer_tos(*p) : 0;
    write_tunnel_header(options_.type, vni, s.header);
}

void TunnelPort::tx_burst(PacketBatch& batch) {
    const std::uint64_t now = coarse_now_ns();
    for (Packet*& p : batch) {
        if (p->length < 14) {
            counters_.drop(PortDrop::tx_error);
            release(p);
            p = nullptr;
            continue;
        }
        const std::uint32_t vni =
            options_.key_flow ? static_cast<std::uint32_t>(p->tunnel.id & 0xFFFFFF) : options_.vni;
        if (options_.remote_flow) {
            UnderlayAddress dst;
            dst.ipv6 = p->tunnel.ipv6;
            dst.bytes = p->tunnel.dst;
            if (!p->tunnel.present || dst.is_zero() || dst.ipv6 != local_.ipv6) {
                counters_.drop(PortDrop::tx_tunnel_no_remote);
                release(p);
                p = nullptr;
                continue;
            }
            if (tx_count_ == kTxSlots) flush();
            sockaddr_storage& sa = tx_flow_dst_[tx_count_];
            const socklen_t len = dst.to_sockaddr(options_.udp_port(), sa);
            queue(p, vni, &sa, len);
            continue;
        }
        const std::uint8_t* eth = p->data();
        const int known = (eth[0] & 1) ? -1 : learned_.lookup(eth, now);
        if (known >= 0) {
            queue(p, vni, &remote_sa_[static_cast<std::size_t>(known)], remote_sa_len_);
        } else {
            for (const auto& sa : remote_sa_) queue(p, vni, &sa, remote_sa_len_);
        }
    }
    flush();
    for (Packet* p : batch)
        if (p) release(p);
    batch.clear();
}

void TunnelPort::count_tx_error(int err, std::uint64_t datagrams) {
    if (err == EAGAIN || err == ENOBUFS) {
        counters_.drop(PortDrop::tx_queue_full, datagrams);
    } else if (err == EMSGSIZE) {
        counters_.drop(PortDrop::tx_too_big, datagrams);
    } else {
        counters_.drop(PortDrop::tx_error, datagrams);
    }
}

// Sends tx_[first, first + count) as individual datagrams or, when they form one UDP_SEGMENT
// run, as one. Messages are built into tx_msgs_ by flush().
void TunnelPort::flush() {
    if (tx_count_ == 0) return;
    // Group: same destination and TOS, equal sizes (the last may be shorter), bounded.
    struct Group {
        std::size_t first, count;
        std::uint32_t size;
    };
    std::array<Group, kTxSlots> groups{};
    std::size_t ngroups = 0;
    const bool gso = udp_segment_ && (options_.csum || local_.ipv6);
    for (std::size_t i = 0; i < tx_count_; ++i) {
        const std::uint32_t size = kTunnelHeaderLen + tx_[i].packet->length;
        if (gso && ngroups > 0) {
            Group& g = groups[ngroups - 1];
            const TxSlot& prev = tx_[g.first + g.count - 1];
            const std::uint32_t prev_size = kTunnelHeaderLen + prev.packet->length;
            const bool same_dst =
                prev.dst == tx_[i].dst || std::memcmp(prev.dst, tx_[i].dst, tx_[i].dst_len) == 0;
            if (same_dst && prev.tos == tx_[i].tos && prev_size == g.size && size <= g.size &&
                g.count < kMaxGsoSegments && (g.count + 1) * g.size <= 65000) {
                ++g.count;
                continue;
            }
        }
        groups[ngroups++] = Group{i, 1, size};
    }
    for (std::size_t gi = 0; gi < ngroups; ++gi) {
        const Group& g = groups[gi];
        mmsghdr& m = tx_msgs_[gi];
        std::memset(&m, 0, sizeof m);
        auto& iov = tx_iov_[gi];
        for (std::size_t k = 0; k < g.count; ++k) {
            TxSlot& s = tx_[g.first + k];
            iov[2 * k] = {s.header, kTunnelHeaderLen};
            iov[2 * k + 1] = {s.packet->data(), s.packet->length};
        }
        const TxSlot& s0 = tx_[g.first];
        m.msg_hdr.msg_name = const_cast<sockaddr_storage*>(s0.dst);
        m.msg_hdr.msg_namelen = s0.dst_len;
        m.msg_hdr.msg_iov = iov.data();
        m.msg_hdr.msg_iovlen = 2 * g.count;
        std::size_t clen = 0;
        std::uint8_t* cbuf = tx_cmsg_[gi].data();
        if (g.count > 1) {
            cmsghdr* c = reinterpret_cast<cmsghdr*>(cbuf);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
            const std::uint16_t seg = static_cast<std::uint16_t>(g.size);
            std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
            clen += CMSG_SPACE(sizeof(std::uint16_t));
        }
        if (options_.tos_inherit) {
            cmsghdr* c = reinterpret_cast<cmsghdr*>(cbuf + clen);
            c->cmsg_level = local_.ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
            c->cmsg_type = local_.ipv6 ? IPV6_TCLASS : IP_TOS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            const int tos = s0.tos;
            std::memcpy(CMSG_DATA(c), &tos, sizeof tos);
            clen += CMSG_SPACE(sizeof(int));
        }
        if (clen != 0) {
            m.msg_hdr.msg_control = cbuf;
            m.msg_hdr.msg_controllen = clen;
        }
    }
    std::size_t done = 0;
    while (done < ngroups) {
        const int sent = ::sendmmsg(fd_, tx_msgs_.get() + done,
                                    static_cast<unsigned>(ngroups - done), MSG_DONTWAIT);
        if (sent > 0) {
            for (int k = 0; k < sent; ++k) {
                const Group& g = groups[done + static_cast<std::size_t>(k)];
                counters_.tx_packets += g.count;
                for (std::size_t j = 0; j < g.count; ++j)
                    counters_.tx_bytes += tx_[g.first + j].packet->length;
            }
            done += static_cast<std::size_t>(sent);
            continue;
        }
        const int err = errno;
        const Group& g = groups[done];
        if (g.count > 1 && (err == EINVAL || err == EIO || err == EOPNOTSUPP)) {
            // The kernel refused the segmented send: from now on one datagram per send.
            udp_segment_ = false;
            for (std::size_t j = 0; j < g.count; ++j) {
                const TxSlot& s = tx_[g.first + j];
                iovec one[2] = {{const_cast<std::uint8_t*>(s.header), kTunnelHeaderLen},
                                {s.packet->data(), s.packet->length}};
                msghdr mh{};
                mh.msg_name = const_cast<sockaddr_storage*>(s.dst);
                mh.msg_namelen = s.dst_len;
                mh.msg_iov = one;
                mh.msg_iovlen = 2;
                if (::sendmsg(fd_, &mh, MSG_DONTWAIT) >= 0) {
                    counters_.tx_packets++;
                    counters_.tx_bytes += s.packet->length;
                } else {
                    count_tx_error(errno, 1);
                }
            }
        } else {
            count_tx_error(err, g.count);
        }
        ++done;
    }
    tx_count_ = 0;
}

}  // namespace sy::port
