#pragma once
// The state SwitchCore keeps per port and per bridge (private to the datapath's .cpp files).

#include <array>

#include "datapath/switch_core.hpp"

namespace sy::datapath {

struct SwitchCore::SwitchPort {
    SwitchPort(PortId id_, Bridge* bridge_, PortConfig config_, std::unique_ptr<port::Port> io_,
               PacketPool& pool)
        : id(id_),
          bridge(bridge_),
          config(std::move(config_)),
          io(std::move(io_)),
          prep(io->caps(), pool),
          corrupter(config.corrupt_fraction, 0x5eed + id_) {}

    PortId id;
    Bridge* bridge;
    PortConfig config;
    std::unique_ptr<port::Port> io;  // null once the device vanished
    l2::VlanPolicy vlan;
    offload::TxPreparer prep;
    PayloadCorrupter corrupter;
    PacketBatch tx;
    bool up = true;
    bool dirty = false;
    bool verify_rx = false;  // check L4 checksums of packets arriving without metadata
    std::uint64_t verified_good = 0, verified_bad = 0, pseudo_seed = 0;
    std::array<std::uint64_t, kDropReasonCount> drops{};
    std::uint64_t corrupted_injected = 0;
    std::uint64_t unsafe_marked = 0;
    port::PortCounters io_final;  // I/O counters kept after the device vanished
    std::unique_ptr<capture::PcapngWriter> capture;
    CaptureDirection capture_direction = CaptureDirection::both;
    int fast_ifindex = 0;    // attached to the kernel fast path under this ifindex (0: not)
    std::string fast_state;  // see PortInfo::fast_path

    const port::PortCounters& io_counters() const { return io ? io->counters() : io_final; }
};

struct SwitchCore::Bridge {
    Bridge(std::string name_, std::uint32_t capacity) : name(std::move(name_)), fdb(capacity) {}
    std::string name;
    std::uint32_t id = 0;  // unique for the switch's lifetime (the kernel fast path's domain)
    l2::MacTable fdb;
    std::vector<SwitchPort*> ports;
};

}  // namespace sy::datapath
