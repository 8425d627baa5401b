#pragma once
// A port driven by a DPDK poll-mode driver: any ethdev DPDK can probe from a devargs string
// (a PCI address, or a virtual device: net_null, net_ring, net_tap, net_af_packet, net_af_xdp,
// net_memif, net_virtio_user, net_vhost...). Received packets stay in their mbufs
// (mbuf_packet.hpp); packets from other ports are copied into this port's pool on send.
// Offload metadata is mapped both ways (offload_map.hpp). It has no file descriptor: the poll
// thread busy-polls it (needs_busy_poll), without system calls for PMDs that need none.
//
// This header includes nothing of DPDK, so the daemon can compose it without DPDK's flags.

#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "port/port.hpp"

namespace sy::dpdk {

struct DpdkPortOptions {
    std::string name;     // the port's name on the bridge
    std::string devargs;  // what rte_dev_probe is given, e.g. "net_tap0,iface=dtap0"
    std::uint16_t rx_queues = 1;
    std::uint16_t tx_queues = 1;
    std::uint16_t rx_descriptors = 1024;
    std::uint16_t tx_descriptors = 1024;
    std::uint32_t mbufs = 8191;  // this port's pool (RX mbufs and copies for TX)
};

// devargs of a vhost-user port (DPDK's net_vhost driver) for the socket at `path`: the
// switch is the vhost-user server (creates the socket) unless `client`. TSO and checksum
// offloads are offered to the guest (docs/dpdk.md, "vhost-user").
std::string vhost_user_devargs(const std::string& port_name, const std::string& path,
                               bool client, std::uint16_t queues);

// Checks devargs syntax before anything is probed (an empty string, spaces, a missing name).
Status check_devargs(const std::string& devargs);

// Probes the device (hot-plug), configures its queues and starts it. Needs init_eal().
Result<std::unique_ptr<port::Port>> open_dpdk_port(const DpdkPortOptions& options);

}  // namespace sy::dpdk
