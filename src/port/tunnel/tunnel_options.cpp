#include "port/tunnel/tunnel_options.hpp"

#include <fmt/core.h>

#include "port/tunnel/underlay_address.hpp"

namespace sy::port {

const char* to_string(TunnelType type) {
    return type == TunnelType::vxlan ? "vxlan" : "geneve";
}

Status check_tunnel_options(const TunnelOptions& o) {
    auto bad = [](std::string what) { return Status(Errc::invalid_argument, std::move(what)); };
    if (o.remote_flow && !o.remotes.empty())
        return bad("'--remote flow' excludes remote addresses");
    if (!o.remote_flow && o.remotes.empty())
        return bad("a tunnel port needs --remote IP (or --remote flow)");
    if (o.remotes.size() > kMaxTunnelRemotes)
        return bad(fmt::format("{} remotes: at most {} per port", o.remotes.size(),
                               kMaxTunnelRemotes));
    std::optional<bool> family;
    for (const auto& r : o.remotes) {
        auto a = UnderlayAddress::parse(r);
        if (!a) return bad(fmt::format("remote '{}' is not an IPv4 or IPv6 address", r));
        if (a->is_zero()) return bad(fmt::format("remote '{}' is the unspecified address", r));
        if (family && *family != a->ipv6)
            return bad(fmt::format("remote '{}': all remotes must be of one IP version", r));
        family = a->ipv6;
    }
    if (!o.local.empty()) {
        auto a = UnderlayAddress::parse(o.local);
        if (!a) return bad(fmt::format("local '{}' is not an IPv4 or IPv6 address", o.local));
        if (family && *family != a->ipv6)
            return bad(fmt::format("local '{}' and the remotes are of different IP versions",
                                   o.local));
    }
    if (!o.key_flow && o.vni > 0xFFFFFF)
        return bad(fmt::format("key {} is not a 24-bit VNI (0..16777215)", o.vni));
    if (o.ttl < 0 || o.ttl > 255) return bad(fmt::format("ttl {} is not in 1..255", o.ttl));
    if (o.tos < 0 || o.tos > 255) return bad(fmt::format("tos {} is not in 0..255", o.tos));
    if (o.tos_inherit && o.tos != 0) return bad("tos is either a number or 'inherit'");
    return Status::ok();
}

}  // namespace sy::port
