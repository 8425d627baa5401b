#include "port/port.hpp"

namespace sy::port {

const char* to_string(PortDrop reason) {
    switch (reason) {
        case PortDrop::rx_no_buffer:
            return "rx_no_buffer";
        case PortDrop::rx_bad_vnet_hdr:
            return "rx_bad_vnet_hdr";
        case PortDrop::rx_truncated:
            return "rx_truncated";
        case PortDrop::tx_queue_full:
            return "tx_queue_full";
        case PortDrop::tx_too_big:
            return "tx_too_big";
        case PortDrop::tx_error:
            return "tx_error";
        case PortDrop::tx_port_gone:
            return "tx_port_gone";
        case PortDrop::tx_link_down:
            return "tx_link_down";
        case PortDrop::rx_kernel_queue_full:
            return "rx_kernel_queue_full";
        case PortDrop::rx_tunnel_bad_header:
            return "rx_tunnel_bad_header";
        case PortDrop::rx_tunnel_wrong_vni:
            return "rx_tunnel_wrong_vni";
        case PortDrop::rx_tunnel_unknown_remote:
            return "rx_tunnel_unknown_remote";
        case PortDrop::rx_tunnel_geneve_critical_option:
            return "rx_tunnel_geneve_critical_option";
        case PortDrop::rx_tunnel_geneve_oam:
            return "rx_tunnel_geneve_oam";
        case PortDrop::rx_tunnel_kernel_dropped:
            return "rx_tunnel_kernel_dropped";
        case PortDrop::rx_tunnel_bad_outer_csum:
            return "rx_tunnel_bad_outer_csum";
        case PortDrop::tx_tunnel_no_remote:
            return "tx_tunnel_no_remote";
        case PortDrop::tx_no_buffer:
            return "tx_no_buffer";
        case PortDrop::tx_bad_offload:
            return "tx_bad_offload";
        case PortDrop::count_:
            break;
    }
    return "unknown";
}

}  // namespace sy::port
