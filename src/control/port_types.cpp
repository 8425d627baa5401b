#include "control/port_types.hpp"

#include <array>

namespace sy::control {
namespace {

constexpr std::array kTypes = {
    PortType{"system", datapath::PortKind::af_packet, true,
             "an existing kernel interface (veth end, NIC), over a packet socket"},
    PortType{"tap", datapath::PortKind::tap, false,
             "a TAP device, created if missing (vnet header: offload metadata kept)"},
    PortType{"vxlan", datapath::PortKind::vxlan, false,
             "a VXLAN tunnel port over a UDP socket of the host's stack (docs/tunnels.md)"},
    PortType{"geneve", datapath::PortKind::geneve, false,
             "a Geneve tunnel port over a UDP socket of the host's stack (docs/tunnels.md)"},
    PortType{"dpdk", datapath::PortKind::dpdk, false,
             "a DPDK ethdev (--devargs: PCI address or vdev; needs `daemon --dpdk`, docs/dpdk.md)"},
    PortType{"dpdkvhostuser", datapath::PortKind::dpdk_vhost_user, false,
             "a vhost-user port (--socket [--client]; needs `daemon --dpdk`, docs/dpdk.md)"},
    PortType{"memory", datapath::PortKind::memory, false, "in-memory (tests)"},
};

}  // namespace

std::span<const PortType> port_types() {
    return kTypes;
}

const PortType* find_port_type(std::string_view name) {
    for (const PortType& t : kTypes)
        if (name == t.name) return &t;
    return nullptr;
}

const PortType& port_type_of(datapath::PortKind kind) {
    for (const PortType& t : kTypes)
        if (t.kind == kind) return t;
    return kTypes[0];
}

std::string port_type_names() {
    std::string out;
    for (const PortType& t : kTypes) {
        if (t.kind == datapath::PortKind::memory) continue;  // not for people
        if (!out.empty()) out += ", ";
        out += t.name;
    }
    return out;
}

}  // namespace sy::control
