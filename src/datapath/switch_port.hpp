#pragma once
// A port as the datapath keeps it: configuration, I/O, its OpenFlow number, the VLAN policy
// NORMAL applies to it, and what the control plane reads (capture, kernel fast-path state).
// It lives in the PortRegistry. What a poll worker writes while sending to the port (egress
// queue, egress preparation, counters) is the worker's own PortLane (worker.hpp), so several
// workers can send to one port without sharing a cache line.

#include <memory>
#include <string>

#include "capture/pcapng_writer.hpp"
#include "datapath/lab_faults.hpp"
#include "datapath/switch.hpp"
#include "flow/ofport.hpp"
#include "l2/vlan.hpp"
#include "port/port.hpp"

namespace sy::datapath {

struct Bridge;

struct SwitchPort {
    SwitchPort(PortId id_, flow::OfPort ofport_, Bridge* bridge_, PortConfig config_,
               std::unique_ptr<port::Port> io_)
        : id(id_),
          ofport(ofport_),
          bridge(bridge_),
          config(std::move(config_)),
          io(std::move(io_)),
          caps(io->caps()),
          corrupter(config.corrupt_fraction, 0x5eed + id_) {}

    PortId id;            // index in the registry, unique for the switch's lifetime
    flow::OfPort ofport;  // OpenFlow number on its bridge (stable across restarts)
    Bridge* bridge;
    PortConfig config;
    std::unique_ptr<port::Port> io;  // null once the device vanished
    offload::PortOffloadCaps caps;   // what egress preparation may hand the port
    l2::VlanPolicy vlan;
    // Written only by the worker that receives from this port (ingress is single-threaded
    // per port).
    PayloadCorrupter corrupter;
    bool up = true;
    bool verify_rx = false;       // check L4 checksums of packets arriving without metadata
    port::PortCounters io_final;  // I/O counters kept after the device vanished
    std::unique_ptr<capture::PcapngWriter> capture;
    CaptureDirection capture_direction = CaptureDirection::both;
    int fast_ifindex = 0;    // attached to the kernel fast path under this ifindex (0: not)
    std::string fast_state;  // see PortInfo::fast_path
    // Nanoseconds the poll thread spent receiving this port's packets and taking them through
    // the pipeline, plus its share of sending what they made (PortStats::poll_ns). Written by
    // the receiving poll thread, read under the round lock: the load rebalancing measures.
    std::uint64_t poll_ns = 0;
    // Counters this port gathered on the poll threads that served it before (a moved bridge):
    // their lanes and kernel fast paths stayed behind, so what they counted travels here.
    // Never I/O counters, which the port's I/O object carries along itself.
    PortStats carried;

    const port::PortCounters& io_counters() const { return io ? io->counters() : io_final; }
    bool captures(bool outbound) const {
        if (!capture) return false;
        return capture_direction == CaptureDirection::both ||
               (capture_direction == CaptureDirection::out) == outbound;
    }
};

}  // namespace sy::datapath
