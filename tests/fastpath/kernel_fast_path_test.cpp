// The kernel fast path's decisions, run by the kernel itself (BPF_PROG_TEST_RUN) on frames we
// build, with maps filled through the real KernelFastPath API on two veth interfaces in a
// private network namespace. Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN); skipped
// otherwise.
#include "fastpath/kernel_fast_path.hpp"
#include "fastpath/veth_peer.hpp"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace sy::fastpath {
namespace {

const Mac kA = {0x02, 0, 0, 0, 0, 0xa};
const Mac kB = {0x02, 0, 0, 0, 0, 0xb};
const Mac kC = {0x02, 0, 0, 0, 0, 0xc};
const Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr std::uint32_t kBridge = 1, kOtherBridge = 2;

FdbKey key(const Mac& mac, std::uint16_t vlan = 0, std::uint32_t domain = kBridge) {
    FdbKey k;
    k.domain = domain;
    k.vlan = vlan;
    k.mac = mac;
    return k;
}

// An Ethernet frame of `size` bytes (IPv4 ethertype, zero payload).
std::vector<std::uint8_t> frame(const Mac& dst, const Mac& src, std::size_t size = 64,
                                std::uint16_t ethertype = ETH_P_IP) {
    std::vector<std::uint8_t> f(size, 0);
    std::memcpy(f.data(), dst.data(), 6);
    std::memcpy(f.data() + 6, src.data(), 6);
    f[12] = std::uint8_t(ethertype >> 8);
    f[13] = std::uint8_t(ethertype);
    f[14] = 0x45;
    return f;
}

class KernelFastPathTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (BPF and a private network namespace)";
        ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
        // veth pairs (this kernel has no dummy driver); only one end of each is used.
        ASSERT_EQ(std::system("ip link add sy-fp0 type veth peer name sy-fp0p && "
                              "ip link add sy-fp1 type veth peer name sy-fp1p && "
                              "ip link add sy-fp2 type veth peer name sy-fp2p && "
                              "ip link set sy-fp0 up && ip link set sy-fp1 up && "
                              "ip link set sy-fp2 up"),
                  0);
        if0_ = static_cast<int>(::if_nametoindex("sy-fp0"));
        if1_ = static_cast<int>(::if_nametoindex("sy-fp1"));
        if2_ = static_cast<int>(::if_nametoindex("sy-fp2"));
        ASSERT_GT(if0_, 0);
        ASSERT_GT(if1_, 0);
        auto fp = KernelFastPath::open();
        ASSERT_TRUE(fp) << fp.status().message();
        fp_ = std::move(fp.value());
        // sy-fp0 and sy-fp1 are ports of one bridge, sy-fp2 of another.
        for (int ifindex : {if0_, if1_, if2_}) {
            const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
            ASSERT_GE(fd, 0);
            sockets_.push_back(fd);
            ASSERT_TRUE(
                fp_->attach(ifindex, fd, ifindex == if2_ ? kOtherBridge : kBridge, 0, 1500));
            ASSERT_TRUE(fp_->set_enabled(ifindex, true));
        }
        ASSERT_TRUE(fp_->set_mac(key(kA, 0), if0_));
        ASSERT_TRUE(fp_->set_mac(key(kB, 0), if1_));
    }
    void TearDown() override {
        fp_.reset();
        for (int fd : sockets_) ::close(fd);
    }

    // What the tc ingress program returns for `f` arriving on `ifindex`.
    int tc(const std::vector<std::uint8_t>& f, int ifindex, std::uint32_t gso_segs = 0) {
        __sk_buff ctx{};
        ctx.ifindex = static_cast<__u32>(ifindex);
        ctx.gso_segs = gso_segs;
        if (gso_segs > 1) ctx.gso_size = 1000;
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data(),
                    .data_size_in = static_cast<__u32>(f.size()), .ctx_in = &ctx,
                    .ctx_size_in = sizeof ctx);
        EXPECT_EQ(bpf_prog_test_run_opts(fp_->ingress_program_fd(), &opts), 0)
            << std::strerror(errno);
        return static_cast<int>(opts.retval);
    }
    // Whether the socket filter hands `f` (arriving on `ifindex`) to userspace.
    bool punted(const std::vector<std::uint8_t>& f, int ifindex) {
        // The test run strips one Ethernet header for socket filters (as for SOCK_DGRAM); a
        // SOCK_RAW packet socket, like the switch's, sees it. So give the header twice.
        std::vector<std::uint8_t> data(f.begin(), f.begin() + ETH_HLEN);
        data.insert(data.end(), f.begin(), f.end());
        __sk_buff ctx{};
        ctx.ifindex = static_cast<__u32>(ifindex);
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data.data(),
                    .data_size_in = static_cast<__u32>(data.size()), .ctx_in = &ctx,
                    .ctx_size_in = sizeof ctx);
        EXPECT_EQ(bpf_prog_test_run_opts(fp_->punt_program_fd(), &opts), 0) << std::strerror(errno);
        return opts.retval != 0;
    }
    // Both programs agree: the frame is redirected to `out` and userspace gets no copy.
    void expect_fast(const std::vector<std::uint8_t>& f, int in, std::uint32_t gso_segs = 0) {
        EXPECT_EQ(tc(f, in, gso_segs), TC_ACT_REDIRECT);
        if (gso_segs <= 1) {
            EXPECT_FALSE(punted(f, in));
        }
    }
    // Both programs agree: the kernel leaves the frame alone and userspace gets it.
    void expect_slow(const std::vector<std::uint8_t>& f, int in, std::uint32_t gso_segs = 0) {
        EXPECT_EQ(tc(f, in, gso_segs), TC_ACT_OK);
        if (gso_segs <= 1) {
            EXPECT_TRUE(punted(f, in));
        }
    }

    std::unique_ptr<KernelFastPath> fp_;
    std::vector<int> sockets_;
    int if0_ = 0, if1_ = 0, if2_ = 0;
};

TEST_F(KernelFastPathTest, KnownUnicastBetweenEnabledPortsIsRedirected) {
    expect_fast(frame(kB, kA), if0_);
    expect_fast(frame(kA, kB), if1_);
}

TEST_F(KernelFastPathTest, CountsWhatItForwardedOnBothPorts) {
    expect_fast(frame(kB, kA, 100), if0_);
    const FastPathCounters in = fp_->counters(if0_);
    const FastPathCounters out = fp_->counters(if1_);
    EXPECT_EQ(in.rx_packets, 1u);
    EXPECT_EQ(in.rx_bytes, 100u);
    EXPECT_EQ(out.tx_packets, 1u);
    EXPECT_EQ(out.tx_bytes, 100u);
    EXPECT_EQ(in.tx_packets, 0u);
}

TEST_F(KernelFastPathTest, StampsTheSourceSoItDoesNotAgeOut) {
    EXPECT_FALSE(fp_->last_seen_ns(key(kA)).has_value());
    expect_fast(frame(kB, kA), if0_);
    ASSERT_TRUE(fp_->last_seen_ns(key(kA)).has_value());
    EXPECT_GT(*fp_->last_seen_ns(key(kA)), 0u);
}

TEST_F(KernelFastPathTest, UnknownDestinationGoesToUserspace) {
    expect_slow(frame(kC, kA), if0_);
}

TEST_F(KernelFastPathTest, BroadcastGoesToUserspaceToBeFlooded) {
    expect_slow(frame(kBroadcast, kA), if0_);
}

TEST_F(KernelFastPathTest, UnknownSourceGoesToUserspaceToBeLearned) {
    expect_slow(frame(kB, kC), if0_);
}

TEST_F(KernelFastPathTest, SourceSeenOnAnotherPortGoesToUserspace) {
    // kB is published behind sy-fp1; a frame from kB on sy-fp0 means it moved.
    ASSERT_TRUE(fp_->set_mac(key(kC, 0), if1_));
    expect_slow(frame(kC, kB), if0_);
}

TEST_F(KernelFastPathTest, DestinationOnTheIngressPortIsNotReflected) {
    ASSERT_TRUE(fp_->set_mac(key(kC, 0), if0_));
    expect_slow(frame(kC, kA), if0_);
}

TEST_F(KernelFastPathTest, DisabledPortsSendEverythingToUserspace) {
    ASSERT_TRUE(fp_->set_enabled(if1_, false));  // egress captured
    expect_slow(frame(kB, kA), if0_);
    ASSERT_TRUE(fp_->set_enabled(if1_, true));
    ASSERT_TRUE(fp_->set_enabled(if0_, false));  // ingress captured
    expect_slow(frame(kB, kA), if0_);
}

TEST_F(KernelFastPathTest, VlanTaggedFramesGoToUserspace) {
    expect_slow(frame(kB, kA, 64, ETH_P_8021Q), if0_);
    expect_slow(frame(kB, kA, 64, ETH_P_8021AD), if0_);
}

TEST_F(KernelFastPathTest, OversizeFramesGoToUserspaceUnlessTheyAreSuperFrames) {
    expect_slow(frame(kB, kA, 1500 + ETH_HLEN + 1), if0_);
    expect_fast(frame(kB, kA, 1500 + ETH_HLEN), if0_);
    expect_fast(frame(kB, kA, 3000), if0_, /*gso_segs=*/3);  // the kernel segments if needed
}

TEST_F(KernelFastPathTest, SuperFramesTowardsASmallerMtuGoToUserspaceToBeResegmented) {
    fp_->detach(if1_);
    ASSERT_TRUE(fp_->attach(if1_, sockets_[1], kBridge, 0, 1400));
    ASSERT_TRUE(fp_->set_enabled(if1_, true));
    ASSERT_TRUE(fp_->set_mac(key(kB), if1_));
    expect_slow(frame(kB, kA, 3000), if0_, /*gso_segs=*/3);  // segments sized for 1500
    expect_fast(frame(kA, kB, 3000), if1_, /*gso_segs=*/3);  // 1400-byte segments fit 1500
    expect_slow(frame(kB, kA, 1400 + ETH_HLEN + 1), if0_);
    expect_fast(frame(kB, kA, 1400 + ETH_HLEN), if0_);
}

TEST_F(KernelFastPathTest, WithdrawnAndDetachedMacsGoToUserspace) {
    ASSERT_TRUE(fp_->set_mac(key(kB, 0), 0));
    expect_slow(frame(kB, kA), if0_);
    ASSERT_TRUE(fp_->set_mac(key(kB, 0), if1_));
    expect_fast(frame(kB, kA), if0_);
    fp_->detach(if1_);
    EXPECT_FALSE(fp_->attached(if1_));
    EXPECT_EQ(fp_->published().count(key(kB)), 0u);
    expect_slow(frame(kB, kA), if0_);
}

TEST_F(KernelFastPathTest, VlansAreSeparate) {
    ASSERT_TRUE(fp_->set_mac(key(kC, 7), if1_));  // kC known only in VLAN 7
    expect_slow(frame(kC, kA), if0_);             // sy-fp0 is untagged (VLAN 0)
}

TEST_F(KernelFastPathTest, BridgesAreSeparate) {
    ASSERT_TRUE(fp_->set_mac(key(kC, 0, kOtherBridge), if2_));  // kC lives on the other bridge
    expect_slow(frame(kC, kA), if0_);
    // Even a MAC wrongly published in this bridge behind the other bridge's port stays put.
    ASSERT_TRUE(fp_->set_mac(key(kC), if2_));
    expect_slow(frame(kC, kA), if0_);
}

// Delivery to a veth's peer: only for a veth whose other end is in another namespace (the
// kernel drops what bpf_redirect_peer sends anywhere else), and not while another process
// taps the port.
TEST_F(KernelFastPathTest, OnlyAVethWithItsPeerElsewhereDeliversToThePeer) {
    // sy-fp0's peer is in this namespace.
    fp_->detach(if0_);
    ASSERT_TRUE(fp_->attach(if0_, sockets_[0], kBridge, 0, 1500, true));
    // sy-fp3's peer moves into the namespace of a child process.
    ASSERT_EQ(
        std::system("ip link add sy-fp3 type veth peer name sy-fp3p && ip link set sy-fp3 up"), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::unshare(CLONE_NEWNET);
        ::pause();
        ::_exit(0);
    }
    ::usleep(200000);  // the child's unshare
    const std::string move = "ip link set sy-fp3p netns " + std::to_string(child);
    const int moved = std::system(move.c_str());
    const int if3 = static_cast<int>(::if_nametoindex("sy-fp3"));
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    sockets_.push_back(fd);
    EXPECT_TRUE(fp_->attach(if3, fd, kBridge, 0, 1500, true));
    EXPECT_FALSE(fp_->delivers_to_peer(if3));  // through its transmit until the first refresh
    // The dump: sy-fp3 is the only such veth here.
    const std::set<int> elsewhere = veths_with_peer_elsewhere();
    EXPECT_EQ(elsewhere, std::set<int>{if3});
    // The switch's own port sockets are no taps (this namespace has no others yet)...
    const PacketTaps none = packet_taps_except(fp_->socket_inodes());
    EXPECT_FALSE(none.covers(if3));
    EXPECT_TRUE(fp_->refresh_delivery(none, elsewhere));
    EXPECT_TRUE(fp_->delivers_to_peer(if3));
    EXPECT_FALSE(fp_->delivers_to_peer(if0_));  // asked to, but its peer is here
    // ... another packet socket is: unbound, it taps every interface (tcpdump -i any).
    const int tap = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    ASSERT_GE(tap, 0);
    const PacketTaps any = packet_taps_except(fp_->socket_inodes());
    ::close(tap);
    EXPECT_TRUE(any.any);
    EXPECT_TRUE(fp_->refresh_delivery(any, elsewhere));
    EXPECT_FALSE(fp_->delivers_to_peer(if3));
    // A tap on this port only.
    PacketTaps tapped;
    tapped.ifindexes.insert(if3);
    EXPECT_TRUE(fp_->refresh_delivery(PacketTaps{}, elsewhere));
    EXPECT_TRUE(fp_->delivers_to_peer(if3));
    EXPECT_TRUE(fp_->refresh_delivery(tapped, elsewhere));
    EXPECT_FALSE(fp_->delivers_to_peer(if3));
    // Nor once its peer is back here (or the dump failed: an empty set).
    EXPECT_TRUE(fp_->refresh_delivery(PacketTaps{}, {}));
    EXPECT_FALSE(fp_->delivers_to_peer(if3));
    // And only when asked to.
    fp_->detach(if3);
    EXPECT_TRUE(fp_->attach(if3, fd, kBridge, 0, 1500, false));
    EXPECT_TRUE(fp_->refresh_delivery(PacketTaps{}, elsewhere));
    EXPECT_FALSE(fp_->delivers_to_peer(if3));
    fp_->detach(if3);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ASSERT_EQ(moved, 0);
}

}  // namespace
}  // namespace sy::fastpath
