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
        case PortDrop::rx_kernel_queue_full:
            return "rx_kernel_queue_full";
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
