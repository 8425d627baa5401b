#pragma once
// The 8-byte VXLAN (RFC 7348) and Geneve (RFC 8926) headers a tunnel port writes in front of
// an inner Ethernet frame, and the checks it makes on a received one. Per packet: no
// allocation. The outer IP and UDP headers are the host stack's (docs/tunnels.md).

#include <cstdint>

#include "port/tunnel/tunnel_options.hpp"

namespace sy::port {

inline constexpr std::uint32_t kTunnelHeaderLen = 8;  // what we send (Geneve: no options)
inline constexpr std::uint16_t kGeneveProtoEthernet = 0x6558;

// Writes kTunnelHeaderLen bytes.
void write_tunnel_header(TunnelType type, std::uint32_t vni, std::uint8_t* out);

enum class TunnelRxError : std::uint8_t {
    none,
    short_header,       // the datagram is shorter than the header (and an Ethernet header)
    bad_header,         // VXLAN without the I flag; Geneve of another version or protocol
    critical_option,    // Geneve: a critical option we do not understand (RFC 8926 3.5)
    oam,                // Geneve: an OAM frame (control traffic, not for the bridge)
};

struct TunnelRxHeader {
    TunnelRxError error = TunnelRxError::none;
    std::uint32_t length = 0;  // header bytes in front of the inner frame (Geneve: options too)
    std::uint32_t vni = 0;
};

TunnelRxHeader parse_tunnel_header(TunnelType type, const std::uint8_t* data, std::uint32_t len);

}  // namespace sy::port
