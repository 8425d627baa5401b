#include "capture/kernel_capture.hpp"

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

#include "base/bytes.hpp"
#include "capture/pcapng_writer.hpp"

namespace sy::capture {
namespace {

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

std::string errno_text() {
    return std::strerror(errno);
}

Status enter_netns(const std::string& netns) {
    if (netns.empty()) return {};
    const std::string path = netns.find('/') == std::string::npos ? "/run/netns/" + netns : netns;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        return Status(Errc::not_found, fmt::format("network namespace {}: cannot open {}: {}",
                                                   netns, path, errno_text()));
    if (::setns(fd.get(), CLONE_NEWNET) != 0)
        return Status(Errc::io_error,
                      fmt::format("network namespace {}: setns failed: {}", netns, errno_text()));
    return {};
}

// Which pcap link type the interface's frames have, from its ARPHRD type.
Result<LinkType> link_type_of(int fd, const std::string& iface) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd, SIOCGIFHWADDR, &ifr) != 0)
        return Status(Errc::io_error, fmt::format("interface {}: cannot read its hardware type: {}",
                                                  iface, errno_text()));
    switch (ifr.ifr_hwaddr.sa_family) {
        case ARPHRD_ETHER:
        case ARPHRD_LOOPBACK:
            return LinkType::ethernet;
        case ARPHRD_NONE:
            return LinkType::raw;  // tun, wireguard: frames start at IP
        default:
            return Status(
                Errc::unsupported,
                fmt::format("interface {}: unsupported hardware type {} (Ethernet-like and "
                            "raw IP interfaces are supported)",
                            iface, ifr.ifr_hwaddr.sa_family));
    }
}

KernelMark mark_of(std::uint32_t tp_status) {
    if (tp_status & TP_STATUS_CSUMNOTREADY) return KernelMark::csum_notready;
    if (tp_status & TP_STATUS_CSUM_VALID) return KernelMark::csum_valid;
    return KernelMark::none;
}

std::uint64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<KernelCaptureStats> run_kernel_capture(const KernelCaptureOptions& options,
                                              const std::atomic<bool>& stop,
                                              const std::function<void()>& on_ready) {
    if (Status s = enter_netns(options.netns); !s) return s;
    Fd sock(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, __builtin_bswap16(ETH_P_ALL)));
    if (sock.get() < 0)
        return Status(Errc::io_error, fmt::format("cannot open a packet socket: {} (needs "
                                                  "CAP_NET_RAW)",
                                                  errno_text()));
    const unsigned ifindex = ::if_nametoindex(options.interface.c_str());
    if (ifindex == 0)
        return Status(Errc::not_found,
                      fmt::format("interface {} not found{}", options.interface,
                                  options.netns.empty() ? "" : " in namespace " + options.netns));
    auto link = link_type_of(sock.get(), options.interface);
    if (!link) return link.status();

    const int one = 1;
    if (::setsockopt(sock.get(), SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0 ||
        ::setsockopt(sock.get(), SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
        return Status(Errc::io_error,
                      fmt::format("cannot enable PACKET_AUXDATA: {}", errno_text()));
    const int rcvbuf = 8 << 20;
    (void)::setsockopt(sock.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = __builtin_bswap16(ETH_P_ALL);
    sll.sll_ifindex = static_cast<int>(ifindex);
    if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
        return Status(Errc::io_error, fmt::format("cannot bind to interface {}: {}",
                                                  options.interface, errno_text()));

    auto writer = PcapngWriter::open(options.output_path, *link, options.interface);
    if (!writer) return writer.status();
    on_ready();

    // 4 bytes of headroom so a VLAN tag the kernel took out of the frame can be put back.
    constexpr std::size_t kHeadroom = 4;
    std::vector<std::uint8_t> buffer(kHeadroom + 256 * 1024);
    alignas(
        cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata)) + CMSG_SPACE(sizeof(timespec))];
    KernelCaptureStats stats;
    const auto start = std::chrono::steady_clock::now();
    auto last_flush = start;
    for (;;) {
        if (stop.load(std::memory_order_relaxed)) break;
        if (options.max_packets != 0 && stats.packets >= options.max_packets) break;
        const auto now = std::chrono::steady_clock::now();
        if (options.max_seconds > 0 &&
            std::chrono::duration<double>(now - start).count() >= options.max_seconds)
            break;
        if (now - last_flush > std::chrono::milliseconds(500)) {
            if (Status s = writer->flush(); !s) return s;
            last_flush = now;
        }
        pollfd pfd{sock.get(), POLLIN, 0};
        const int ready = ::poll(&pfd, 1, 100);
        if (ready < 0 && errno != EINTR)
            return Status(Errc::io_error, fmt::format("poll failed: {}", errno_text()));
        if (ready <= 0) continue;

        sockaddr_ll from{};
        iovec iov{buffer.data() + kHeadroom, buffer.size() - kHeadroom};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(sock.get(), &msg, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return Status(Errc::io_error, fmt::format("receive failed: {}", errno_text()));
        }
        std::uint32_t original = static_cast<std::uint32_t>(n);
        std::size_t captured = std::min<std::size_t>(static_cast<std::size_t>(n), iov.iov_len);
        std::uint8_t* frame = buffer.data() + kHeadroom;
        KernelMark mark = KernelMark::unknown;
        std::uint64_t stamp = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
                tpacket_auxdata aux;
                std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
                mark = mark_of(aux.tp_status);
                const bool vlan = (aux.tp_status & TP_STATUS_VLAN_VALID) != 0;
                if (vlan && *link == LinkType::ethernet && captured >= 12) {
                    const std::uint16_t tpid =
                        (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : 0x8100;
                    std::memmove(frame - 4, frame, 12);
                    frame -= 4;
                    store_be16(frame + 12, tpid);
                    store_be16(frame + 14, aux.tp_vlan_tci);
                    captured += 4;
                    original += 4;
                }
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec ts;
                std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                stamp = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
                        static_cast<std::uint64_t>(ts.tv_nsec);
            }
        }
        if (stamp == 0) stamp = now_ns();
        const Direction direction =
            from.sll_pkttype == PACKET_OUTGOING ? Direction::outbound : Direction::inbound;
        if (mark == KernelMark::csum_notready) ++stats.marked_notready;
        if (mark == KernelMark::csum_valid) ++stats.marked_valid;
        writer->write({frame, captured}, stamp, direction, nullptr, mark, original);
        ++stats.packets;
    }
    tpacket_stats kstats{};
    socklen_t len = sizeof kstats;
    if (::getsockopt(sock.get(), SOL_PACKET, PACKET_STATISTICS, &kstats, &len) == 0)
        stats.kernel_drops = kstats.tp_drops;
    if (Status s = writer->close(); !s) return s;
    return stats;
}

}  // namespace sy::capture
