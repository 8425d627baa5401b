#include "port/tap/tap_port.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "packet/vnet_hdr.hpp"
#include "port/kernel_caps.hpp"
#include "port/netdev.hpp"
#include "port/sys_error.hpp"

namespace sy::port {

namespace {

Status tap_error(const std::string& what, const std::string& ifname) {
    return Status(Errc::io_error,
                  fmt::format("tap port {}: {}: {}", ifname, what, std::strerror(errno)));
}

}  // namespace

Result<std::unique_ptr<TapPort>> TapPort::open(const std::string& ifname, bool vnet_hdr) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
        return Status(Errc::invalid_argument,
                      fmt::format("tap port: bad interface name '{}'", ifname));
    }
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return tap_error("open /dev/net/tun", ifname);
    auto fail = [&](const char* what) {
        Status s = tap_error(what, ifname);
        ::close(fd);
        return s;
    };
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (vnet_hdr) ifr.ifr_flags |= IFF_VNET_HDR;
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) return fail("ioctl(TUNSETIFF)");
    if (vnet_hdr) {
        int hdr_size = sizeof(VirtioNetHdr);
        if (::ioctl(fd, TUNSETVNETHDRSZ, &hdr_size) != 0) return fail("ioctl(TUNSETVNETHDRSZ)");
        // Exactly these: the kernel may then send us partial checksums and TCP super-frames,
        // never UDP fragmentation/segmentation offload we would have to implement.
        const unsigned offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        if (::ioctl(fd, TUNSETOFFLOAD, offloads) != 0) return fail("ioctl(TUNSETOFFLOAD)");
    }
    std::uint32_t mtu = 1500;
    if (Status st = bring_up_and_read_mtu(ifname, fmt::format("tap port {}", ifname), mtu); !st) {
        ::close(fd);
        return st;
    }
    return std::unique_ptr<TapPort>(
        new TapPort(ifname, kernel_port_caps(vnet_hdr, mtu), fd, vnet_hdr));
}

TapPort::TapPort(std::string ifname, offload::PortOffloadCaps caps, int fd, bool vnet_hdr)
    : Port(std::move(ifname), caps), fd_(fd), vnet_hdr_(vnet_hdr) {}

TapPort::~TapPort() {
    ::close(fd_);
}

std::uint32_t TapPort::rx_burst(PacketPool& pool, PacketBatch& batch) {
    if (gone()) return 0;
    std::uint32_t added = 0;
    while (!batch.full()) {
        Packet* p = pool.alloc();
        if (!p) {
            counters_.drop(PortDrop::rx_no_buffer);
            break;
        }
        VirtioNetHdr hdr;
        iovec iov[2];
        int n = 0;
        if (vnet_hdr_) iov[n++] = {&hdr, sizeof hdr};
        iov[n++] = {p->data(), p->tailroom()};
        const ssize_t got = ::readv(fd_, iov, n);
        if (got < 0) {
            const int err = errno;
            pool.free(p);
            if (is_device_gone(err)) {
                mark_gone(fmt::format("read failed: {} (device deleted)", std::strerror(err)));
            }
            break;
        }
        const std::size_t hdr_len = vnet_hdr_ ? sizeof hdr : 0;
        if (static_cast<std::size_t>(got) < hdr_len) {
            counters_.drop(PortDrop::rx_truncated);
            pool.free(p);
            continue;
        }
        p->length = static_cast<std::uint32_t>(static_cast<std::size_t>(got) - hdr_len);
        if (vnet_hdr_ && decode_vnet_hdr(hdr, p->bytes(), p->offload) != VnetDecodeStatus::ok) {
            counters_.drop(PortDrop::rx_bad_vnet_hdr);
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

void TapPort::tx_burst(PacketBatch& batch) {
    for (Packet* p : batch) {
        if (gone()) {
            counters_.drop(PortDrop::tx_port_gone);
            release(p);
            continue;
        }
        VirtioNetHdr hdr;
        iovec iov[2];
        int n = 0;
        if (vnet_hdr_) {
            hdr = encode_vnet_hdr(p->offload);
            iov[n++] = {&hdr, sizeof hdr};
        }
        iov[n++] = {p->data(), p->length};
        if (::writev(fd_, iov, n) >= 0) {
            counters_.tx_packets++;
            counters_.tx_bytes += p->length;
        } else {
            const int err = errno;
            if (err == EAGAIN || err == ENOBUFS) {
                counters_.drop(PortDrop::tx_queue_full);
            } else if (err == EMSGSIZE || err == EINVAL) {
                counters_.drop(PortDrop::tx_too_big);
            } else if (err == EIO) {
                // tun answers EIO while the interface is down, not gone: moving a TAP into
                // another namespace takes it down until the other side brings it up again.
                counters_.drop(PortDrop::tx_link_down);
            } else if (is_device_gone(err)) {
                mark_gone(fmt::format("write failed: {} (device deleted)", std::strerror(err)));
                counters_.drop(PortDrop::tx_port_gone);
            } else {
                counters_.drop(PortDrop::tx_error);
            }
        }
        release(p);
    }
    batch.clear();
}

}  // namespace sy::port
