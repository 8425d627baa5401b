#include "port/tunnel/tunnel_header.hpp"

#include "base/bytes.hpp"
#include "net/geneve.hpp"
#include "net/vxlan.hpp"

namespace sy::port {

void write_tunnel_header(TunnelType type, std::uint32_t vni, std::uint8_t* out) {
    if (type == TunnelType::vxlan) {
        net::vxlan::set_header(out, vni);
        return;
    }
    out[0] = 0;  // version 0, no options
    out[1] = 0;  // not OAM, no critical options
    store_be16(out + 2, kGeneveProtoEthernet);
    store_be32(out + 4, vni << 8);
}

TunnelRxHeader parse_tunnel_header(TunnelType type, const std::uint8_t* data, std::uint32_t len) {
    constexpr std::uint32_t kEthLen = 14;
    TunnelRxHeader h;
    if (len < kTunnelHeaderLen + kEthLen) {
        h.error = TunnelRxError::short_header;
        return h;
    }
    if (type == TunnelType::vxlan) {
        if (!net::vxlan::vni_valid(data)) {
            h.error = TunnelRxError::bad_header;
            return h;
        }
        h.length = net::vxlan::kHeaderLen;
        h.vni = net::vxlan::vni(data);
        return h;
    }
    if (net::geneve::version(data) != 0 ||
        net::geneve::protocol(data) != kGeneveProtoEthernet) {
        h.error = TunnelRxError::bad_header;
        return h;
    }
    h.length = net::geneve::header_len(data);
    if (len < h.length + kEthLen) {
        h.error = TunnelRxError::short_header;
        return h;
    }
    // We understand no option: a critical one means the frame must not be forwarded.
    if (net::geneve::critical_options(data)) {
        h.error = TunnelRxError::critical_option;
        return h;
    }
    if (net::geneve::oam(data)) {
        h.error = TunnelRxError::oam;
        return h;
    }
    h.vni = net::geneve::vni(data);
    return h;
}

}  // namespace sy::port
