#pragma once
// How a tunnel port (VXLAN or Geneve over a UDP socket of the host's own stack) is configured:
// what `add-port BR NAME --type vxlan|geneve --remote IP ...` says. Plain data, kept in the
// port's configuration and the state file; `check_tunnel_options` says precisely what is wrong.
// See docs/tunnels.md.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace sy::port {

enum class TunnelType : std::uint8_t { vxlan, geneve };

const char* to_string(TunnelType type);

// More remotes than this on one port: use `--remote flow` and flows.
inline constexpr std::size_t kMaxTunnelRemotes = 32;

struct TunnelOptions {
    TunnelType type = TunnelType::vxlan;
    // The far ends (IPv4 or IPv6, all of one family). Empty when `remote_flow`: flows choose
    // the destination with set_field:IP->tun_dst.
    std::vector<std::string> remotes;
    bool remote_flow = false;
    std::string local;  // address the UDP socket is bound to; empty: any (of the remotes' family)
    // The VNI sent and the only one accepted; with `key_flow`, any VNI is accepted (tun_id
    // carries it) and flows choose the one sent (set_field:N->tun_id, 0 if none set).
    std::uint32_t vni = 0;
    bool key_flow = false;
    std::uint16_t dst_port = 0;  // 0: the IANA port of the type (4789, 6081)
    bool csum = false;           // outer UDP checksum on send (IPv4: zero when off)
    int ttl = 0;                 // 0: the host's default
    int tos = 0;
    bool tos_inherit = false;  // outer TOS / traffic class copied from the inner IP header
    bool df = false;           // IPv4: set DF on the outer header (else the host may fragment)

    std::uint16_t udp_port() const {
        return dst_port != 0 ? dst_port : (type == TunnelType::vxlan ? 4789 : 6081);
    }
};

// ok, or invalid_argument with one precise sentence (bad address, mixed families, VNI out of
// range, ...).
Status check_tunnel_options(const TunnelOptions& options);

}  // namespace sy::port
