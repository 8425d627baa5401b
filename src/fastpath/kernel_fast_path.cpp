// Loading, attaching and steering the kernel fast path (programs in bpf/fastpath.bpf.c).
#include "fastpath/kernel_fast_path.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/core.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <vector>

#include "fastpath/bpf/fastpath_maps.h"

extern const unsigned char sy_fastpath_bpf_object[];
extern const std::size_t sy_fastpath_bpf_object_size;

namespace sy::fastpath {

namespace {

// The tc filter's identity: fixed, so a restarted switch replaces its predecessor's filter
// instead of stacking a second one.
constexpr std::uint32_t kTcHandle = 0x5359;  // "SY"
constexpr std::uint32_t kTcPriority = 1;

// libbpf reports why a load failed through its print callback; keep the last lines for the
// error message.
std::string g_libbpf_log;
int capture_libbpf_log(enum libbpf_print_level level, const char* format, va_list args) {
    if (level == LIBBPF_DEBUG) return 0;
    char line[512];
    const int n = std::vsnprintf(line, sizeof line, format, args);
    g_libbpf_log += line;
    if (g_libbpf_log.size() > 4096) g_libbpf_log.erase(0, g_libbpf_log.size() - 4096);
    return n;
}

Status bpf_error(const std::string& what, int err) {
    return Status(Errc::io_error, fmt::format("kernel fast path: {}: {}", what,
                                              std::strerror(err < 0 ? -err : err)));
}

bpf_tc_hook ingress_hook(int ifindex) {
    bpf_tc_hook hook{};
    hook.sz = sizeof hook;
    hook.ifindex = ifindex;
    hook.attach_point = BPF_TC_INGRESS;
    return hook;
}

sy_fdb_key to_bpf(const FdbKey& key) {
    sy_fdb_key k{};
    std::memcpy(k.mac, key.mac.data(), 6);
    k.vlan = key.vlan;
    k.domain = key.domain;
    return k;
}

}  // namespace

Result<std::unique_ptr<KernelFastPath>> KernelFastPath::open() {
    g_libbpf_log.clear();
    libbpf_set_print(capture_libbpf_log);
    std::unique_ptr<KernelFastPath> fp(new KernelFastPath());
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "switchyard_fastpath");
    fp->obj_ = bpf_object__open_mem(sy_fastpath_bpf_object, sy_fastpath_bpf_object_size, &opts);
    if (!fp->obj_) return bpf_error("opening the embedded BPF object", errno);
    if (const int err = bpf_object__load(fp->obj_); err != 0) {
        std::string log = g_libbpf_log;
        while (!log.empty() && log.back() == '\n') log.pop_back();
        return Status(Errc::unsupported,
                      fmt::format("kernel fast path: the kernel refused the BPF programs ({}){}{}",
                                  std::strerror(-err), log.empty() ? "" : ": ", log));
    }
    auto prog_fd = [&](const char* name) {
        bpf_program* p = bpf_object__find_program_by_name(fp->obj_, name);
        return p ? bpf_program__fd(p) : -1;
    };
    auto map_fd = [&](const char* name) { return bpf_object__find_map_fd_by_name(fp->obj_, name); };
    fp->punt_fd_ = prog_fd("sy_punt");
    fp->ingress_fd_ = prog_fd("sy_ingress");
    fp->fdb_fd_ = map_fd("sy_fdb");
    fp->ports_fd_ = map_fd("sy_ports");
    fp->stats_fd_ = map_fd("sy_stats");
    if (fp->punt_fd_ < 0 || fp->ingress_fd_ < 0 || fp->fdb_fd_ < 0 || fp->ports_fd_ < 0 ||
        fp->stats_fd_ < 0) {
        return Status(Errc::corrupt,
                      "kernel fast path: the embedded BPF object lacks a program "
                      "or map (build mismatch)");
    }
    return fp;
}

KernelFastPath::~KernelFastPath() {
    while (!ports_.empty()) detach(ports_.begin()->first);
    if (obj_) bpf_object__close(obj_);
}

Status KernelFastPath::write_port(int ifindex, const sy_port_value& v) {
    const __u32 key = static_cast<__u32>(ifindex);
    if (bpf_map_update_elem(ports_fd_, &key, &v, BPF_ANY) != 0) {
        return bpf_error(fmt::format("updating port {}", ifindex), errno);
    }
    return {};
}

Status KernelFastPath::attach(int ifindex, int socket_fd, std::uint32_t domain, std::uint16_t vlan,
                              std::uint32_t mtu, bool to_peer) {
    if (attached(ifindex)) return {};
    if (ifindex <= 0 || ifindex >= SY_FASTPATH_MAX_IFINDEX) {
        return Status(Errc::unsupported,
                      fmt::format("kernel fast path: interface index {} is beyond its table ({})",
                                  ifindex, SY_FASTPATH_MAX_IFINDEX));
    }
    // A free counters slot, zeroed (per-CPU entries the programs only add to), then the port,
    // disabled.
    std::uint32_t slot = 0;
    while (slot < SY_FASTPATH_MAX_PORTS &&
           std::any_of(ports_.begin(), ports_.end(),
                       [slot](const auto& p) { return p.second.slot == slot; })) {
        ++slot;
    }
    if (slot == SY_FASTPATH_MAX_PORTS) {
        return Status(Errc::unsupported,
                      fmt::format("kernel fast path: already {} ports", SY_FASTPATH_MAX_PORTS));
    }
    std::vector<sy_port_stats> zero(static_cast<std::size_t>(libbpf_num_possible_cpus()));
    if (bpf_map_update_elem(stats_fd_, &slot, zero.data(), BPF_ANY) != 0) {
        return bpf_error(fmt::format("zeroing counters for interface {}", ifindex), errno);
    }
    const __u32 key = static_cast<__u32>(ifindex);
    sy_port_value port{};
    port.slot = slot;
    port.domain = domain;
    port.vlan = vlan;
    port.mtu = mtu;
    if (Status st = write_port(ifindex, port); !st) return st;
    const sy_port_value none{};
    auto undo_maps = [&] { bpf_map_update_elem(ports_fd_, &key, &none, BPF_ANY); };
    if (::setsockopt(socket_fd, SOL_SOCKET, SO_ATTACH_BPF, &punt_fd_, sizeof punt_fd_) != 0) {
        const int err = errno;
        undo_maps();
        return bpf_error(fmt::format("attaching the socket filter (interface {})", ifindex), err);
    }
    bpf_tc_hook hook = ingress_hook(ifindex);
    const int created = bpf_tc_hook_create(&hook);
    if (created != 0 && created != -EEXIST) {
        undo_maps();
        return bpf_error(fmt::format("creating the clsact qdisc on interface {}", ifindex),
                         created);
    }
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = ingress_fd_, .flags = BPF_TC_F_REPLACE,
                .handle = kTcHandle, .priority = kTcPriority);
    if (const int err = bpf_tc_attach(&hook, &opts); err != 0) {
        undo_maps();
        if (created == 0) bpf_tc_hook_destroy(&hook);
        return bpf_error(fmt::format("attaching the tc ingress program (interface {})", ifindex),
                         err);
    }
    struct stat sock {};
    const unsigned long inode = ::fstat(socket_fd, &sock) == 0 ? sock.st_ino : 0;
    ports_[ifindex] = AttachedPort{created == 0, slot, to_peer, false, inode};
    return {};
}

void KernelFastPath::detach(int ifindex) {
    auto it = ports_.find(ifindex);
    if (it == ports_.end()) return;
    const __u32 key = static_cast<__u32>(ifindex);
    const sy_port_value none{};
    bpf_map_update_elem(ports_fd_, &key, &none, BPF_ANY);  // first: no more frames taken
    for (auto m = macs_.begin(); m != macs_.end();) {
        if (m->second != ifindex) {
            ++m;
            continue;
        }
        const sy_fdb_key k = to_bpf(m->first);
        bpf_map_delete_elem(fdb_fd_, &k);
        m = macs_.erase(m);
    }
    bpf_tc_hook hook = ingress_hook(ifindex);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kTcHandle, .priority = kTcPriority);
    bpf_tc_detach(&hook, &opts);  // fails harmlessly if the interface is gone
    if (it->second.created_qdisc) {
        hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&hook);
    }
    // The socket filter goes with the socket; while the socket lives it lets everything
    // through, because the port's entry in sy_ports is zero (disabled).
    ports_.erase(it);
}

Status KernelFastPath::set_enabled(int ifindex, bool enabled) {
    const __u32 key = static_cast<__u32>(ifindex);
    sy_port_value v{};
    if (!attached(ifindex) || bpf_map_lookup_elem(ports_fd_, &key, &v) != 0) {
        return Status(Errc::not_found,
                      fmt::format("kernel fast path: interface {} is not attached", ifindex));
    }
    v.enabled = enabled ? 1 : 0;
    return write_port(ifindex, v);
}

Status KernelFastPath::refresh_delivery(const PacketTaps& taps,
                                        const std::set<int>& peer_elsewhere) {
    Status first;
    for (auto& [ifindex, port] : ports_) {
        const bool want =
            port.wants_peer && peer_elsewhere.count(ifindex) != 0 && !taps.covers(ifindex);
        if (want == port.to_peer) continue;
        const __u32 key = static_cast<__u32>(ifindex);
        sy_port_value v{};
        Status st = bpf_map_lookup_elem(ports_fd_, &key, &v) == 0
                        ? Status()
                        : bpf_error(fmt::format("reading port {}", ifindex), errno);
        if (st) {
            v.peer = want ? 1 : 0;
            st = write_port(ifindex, v);
        }
        if (st) {
            port.to_peer = want;
        } else if (first) {
            first = st;
        }
    }
    return first;
}

std::set<unsigned long> KernelFastPath::socket_inodes() const {
    std::set<unsigned long> inodes;
    for (const auto& [ifindex, port] : ports_) inodes.insert(port.socket_inode);
    return inodes;
}

Status KernelFastPath::set_mac(const FdbKey& key, int ifindex) {
    const sy_fdb_key k = to_bpf(key);
    if (ifindex == 0) {
        if (macs_.erase(key) != 0) bpf_map_delete_elem(fdb_fd_, &k);
        return {};
    }
    auto it = macs_.find(key);
    if (it != macs_.end() && it->second == ifindex) return {};
    sy_fdb_value v{};
    v.ifindex = static_cast<__u32>(ifindex);
    if (bpf_map_update_elem(fdb_fd_, &k, &v, BPF_ANY) != 0) {
        return bpf_error("publishing a MAC address", errno);  // table full: stays slow path
    }
    macs_[key] = ifindex;
    return {};
}

std::optional<std::uint64_t> KernelFastPath::last_seen_ns(const FdbKey& key) const {
    const sy_fdb_key k = to_bpf(key);
    sy_fdb_value v{};
    if (bpf_map_lookup_elem(fdb_fd_, &k, &v) != 0 || v.last_seen_ns == 0) return std::nullopt;
    return v.last_seen_ns;
}

bool KernelFastPath::remove_stale_filter(int ifindex) {
    libbpf_set_print(capture_libbpf_log);  // an absent filter is the normal case: stay quiet
    bpf_tc_hook hook = ingress_hook(ifindex);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kTcHandle, .priority = kTcPriority);
    return bpf_tc_detach(&hook, &opts) == 0;
}

FastPathCounters KernelFastPath::counters(int ifindex) const {
    FastPathCounters c;
    auto it = ports_.find(ifindex);
    if (it == ports_.end()) return c;
    const __u32 slot = it->second.slot;
    std::vector<sy_port_stats> per_cpu(static_cast<std::size_t>(libbpf_num_possible_cpus()));
    if (bpf_map_lookup_elem(stats_fd_, &slot, per_cpu.data()) != 0) return c;
    for (const sy_port_stats& s : per_cpu) {
        c.rx_packets += s.rx_packets;
        c.rx_bytes += s.rx_bytes;
        c.tx_packets += s.tx_packets;
        c.tx_bytes += s.tx_bytes;
    }
    return c;
}

}  // namespace sy::fastpath
