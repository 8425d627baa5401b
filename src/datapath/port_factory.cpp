#include "datapath/port_factory.hpp"

#include "port/af_packet/af_packet_port.hpp"
#include "port/memory/memory_port.hpp"
#include "port/tap/tap_port.hpp"
#include "port/tunnel/tunnel_port.hpp"

namespace sy::datapath {

offload::PortOffloadCaps memory_port_caps(OffloadMode mode) {
    offload::PortOffloadCaps caps{};
    caps.mtu = 1500;
    if (mode == OffloadMode::vnet_hdr) {
        caps.l4_csum = caps.tso4 = caps.tso6 = true;
        caps.accepts_verified_mark = true;
    }
    return caps;
}

Result<std::unique_ptr<port::Port>> open_port(const PortConfig& config,
                                              port::AfPacketRxMode af_packet_rx,
                                              std::uint32_t ring_v2_slots) {
    const bool vnet = config.offload == OffloadMode::vnet_hdr;
    switch (config.kind) {
        case PortKind::af_packet: {
            port::AfPacketOptions o;
            o.vnet_hdr = vnet;
            o.rx = af_packet_rx;
            o.ring_v2_slots = ring_v2_slots;
            auto p = port::AfPacketPort::open(config.name, o);
            if (!p) return p.status();
            return std::unique_ptr<port::Port>(std::move(p.value()));
        }
        case PortKind::tap: {
            auto p = port::TapPort::open(config.name, vnet);
            if (!p) return p.status();
            return std::unique_ptr<port::Port>(std::move(p.value()));
        }
        case PortKind::vxlan:
        case PortKind::geneve: {
            port::TunnelOptions o = config.tunnel;
            o.type =
                config.kind == PortKind::vxlan ? port::TunnelType::vxlan : port::TunnelType::geneve;
            auto p = port::TunnelPort::open(config.name, o);
            if (!p) return p.status();
            return std::unique_ptr<port::Port>(std::move(p.value()));
        }
        case PortKind::memory:
            return std::unique_ptr<port::Port>(
                std::make_unique<port::MemoryPort>(config.name, memory_port_caps(config.offload)));
        case PortKind::dpdk:
        case PortKind::dpdk_vhost_user:
            break;  // opened by SwitchOptions::open_external (the daemon's --dpdk)
    }
    return Status(Errc::invalid_argument, "unknown port kind");
}

}  // namespace sy::datapath
