#include "port/af_packet/rx_mode.hpp"

namespace sy::port {

const char* to_string(AfPacketRxMode mode) {
    switch (mode) {
        case AfPacketRxMode::recvmmsg:
            return "recvmmsg";
        case AfPacketRxMode::ring_v2:
            return "ring-v2";
        case AfPacketRxMode::ring_v3:
            return "ring-v3";
    }
    return "?";
}

std::optional<AfPacketRxMode> parse_af_packet_rx_mode(std::string_view text) {
    for (AfPacketRxMode m :
         {AfPacketRxMode::recvmmsg, AfPacketRxMode::ring_v2, AfPacketRxMode::ring_v3}) {
        if (text == to_string(m)) return m;
    }
    return std::nullopt;
}

}  // namespace sy::port
