#pragma once
// The kernel fast path (opt-in: `switchyard daemon --kernel-fastpath`). For kernel ports (veth
// host ends, NICs) the userspace switch stays the brain: it learns, floods, captures and
// rewrites. What it has learned it publishes here, and eBPF programs then move known unicast
// frames between two enabled ports of one VLAN inside the kernel: the skb itself moves, so a
// partial checksum stays partial and a TSO super-frame stays one frame, with no copy to
// userspace and back (the two copies that bound the userspace path; see docs/performance.md).
//
// Per port: a socket filter on the port's AF_PACKET socket (so userspace gets no copy of what
// the kernel forwards) and a tc ingress program (which forwards it). Both consult the same
// maps. A port is disabled (everything to userspace) while it is captured or has lab faults.
//
// Control-path object: every call is a system call or two; none is per packet. Not
// thread-safe: the switch calls it from its poll thread or under its control lock.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "base/status.hpp"
#include "fastpath/packet_taps.hpp"

struct sy_port_value;  // fastpath/bpf/fastpath_maps.h

struct bpf_object;

namespace sy::fastpath {

using Mac = std::array<std::uint8_t, 6>;

// Where a MAC is known: a bridge (any number the switch picks, one per bridge), a VLAN and the
// address. The kernel never forwards between different domains.
struct FdbKey {
    std::uint32_t domain = 0;
    std::uint16_t vlan = 0;
    Mac mac{};
    auto operator<=>(const FdbKey&) const = default;
};

struct FastPathCounters {
    std::uint64_t rx_packets = 0, rx_bytes = 0;  // frames the kernel took from this port
    std::uint64_t tx_packets = 0, tx_bytes = 0;  // ... and handed to it
};

class KernelFastPath {
  public:
    // Loads the programs and maps. Fails (with the kernel's or libbpf's reason) without root
    // (CAP_BPF + CAP_NET_ADMIN) or on a kernel without BPF.
    static Result<std::unique_ptr<KernelFastPath>> open();
    ~KernelFastPath();  // detaches from every port it attached to
    KernelFastPath(const KernelFastPath&) = delete;
    KernelFastPath& operator=(const KernelFastPath&) = delete;

    // Takes part in forwarding for the interface `ifindex`, read by the AF_PACKET socket
    // `socket_fd`, a port of bridge `domain` (access VLAN `vlan`, 0: untagged). The port
    // starts disabled, delivering through the interface's transmit. `to_peer`: it may hand
    // frames to the interface's veth peer directly instead, as refresh_delivery decides.
    Status attach(int ifindex, int socket_fd, std::uint32_t domain, std::uint16_t vlan,
                  std::uint32_t mtu, bool to_peer = false);
    // Forgets the port (its MACs too). Quiet if the interface already vanished.
    void detach(int ifindex);
    Status set_enabled(int ifindex, bool enabled);
    bool attached(int ifindex) const { return ports_.count(ifindex) != 0; }
    bool any_attached() const { return !ports_.empty(); }
    // Whether frames for the port go straight to its veth peer now (see attach).
    bool delivers_to_peer(int ifindex) const {
        auto it = ports_.find(ifindex);
        return it != ports_.end() && it->second.to_peer;
    }
    // Once a second: a port attached with `to_peer` delivers to its peer (faster: veth_peer.hpp)
    // while it is a veth whose peer is elsewhere (`peer_elsewhere`, from
    // veths_with_peer_elsewhere(): ends move between namespaces) and no other socket taps it
    // (`taps`, from packet_taps_except(socket_inodes())): a tap on the host end runs in its
    // transmit, which the peer path skips, so a tapped port's frames go through it again.
    // Returns the first error, after trying every port.
    Status refresh_delivery(const PacketTaps& taps, const std::set<int>& peer_elsewhere);
    // The inodes of the attached ports' sockets (not taps: the switch's own).
    std::set<unsigned long> socket_inodes() const;

    // Publishes that the MAC `key` lives behind `ifindex`; ifindex 0 withdraws it.
    Status set_mac(const FdbKey& key, int ifindex);
    // When the fast path last forwarded a frame from `key` (CLOCK_MONOTONIC ns), if it did.
    std::optional<std::uint64_t> last_seen_ns(const FdbKey& key) const;
    // The MACs published -> their ifindex.
    const std::map<FdbKey, int>& published() const { return macs_; }

    FastPathCounters counters(int ifindex) const;

    // Removes a tc filter a previous switch process left on `ifindex` (one killed before it
    // could detach): without its socket filter it would forward frames userspace forwards
    // too. Needs no loaded programs; true if there was one.
    static bool remove_stale_filter(int ifindex);

    // For tests (BPF_PROG_TEST_RUN).
    int punt_program_fd() const { return punt_fd_; }
    int ingress_program_fd() const { return ingress_fd_; }

  private:
    struct AttachedPort {
        bool created_qdisc = false;
        std::uint32_t slot = 0;          // index in the counters array
        bool wants_peer = false;         // attached with to_peer
        bool to_peer = false;            // sy_port_value.peer now
        unsigned long socket_inode = 0;  // of the port's packet socket
    };
    KernelFastPath() = default;
    Status write_port(int ifindex, const sy_port_value& v);

    bpf_object* obj_ = nullptr;
    int punt_fd_ = -1, ingress_fd_ = -1;
    int fdb_fd_ = -1, ports_fd_ = -1, stats_fd_ = -1;
    std::map<int, AttachedPort> ports_;
    std::map<FdbKey, int> macs_;  // what sy_fdb holds (keys we wrote)
};

}  // namespace sy::fastpath
