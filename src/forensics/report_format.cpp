#include "forensics/report_format.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

namespace sy::forensics {

std::string address_text(const Flow& f, bool source) {
    char buf[INET6_ADDRSTRLEN] = {};
    const auto& a = source ? f.src : f.dst;
    inet_ntop(f.ip_version == 4 ? AF_INET : AF_INET6, a.data(), buf, sizeof buf);
    return buf;
}

std::string flow_text(const Flow& f) {
    const bool v6 = f.ip_version == 6;
    const bool ports = f.proto == 6 || f.proto == 17;
    auto end = [&](bool source) {
        const std::string a = address_text(f, source);
        if (!ports) return a;
        const auto port = source ? f.sport : f.dport;
        return v6 ? fmt::format("[{}]:{}", a, port) : fmt::format("{}:{}", a, port);
    };
    return fmt::format("{} → {}", end(true), end(false));
}

const char* proto_name(std::uint8_t proto) {
    switch (proto) {
        case 6:
            return "tcp";
        case 17:
            return "udp";
        case 1:
            return "icmp";
        case 58:
            return "icmpv6";
    }
    return "ip";
}

std::string tcp_flags_text(std::uint8_t flags) {
    // tcpdump's order and letters: S F P R U, then "." for ACK; we spell ACK as "A" like
    // tshark's short form and the usual "SA" for a SYN/ACK, and add E/W for ECE/CWR.
    std::string s;
    if (flags & 0x02) s += 'S';
    if (flags & 0x01) s += 'F';
    if (flags & 0x08) s += 'P';
    if (flags & 0x04) s += 'R';
    if (flags & 0x20) s += 'U';
    if (flags & 0x40) s += 'E';
    if (flags & 0x80) s += 'W';
    if (flags & 0x10) s += 'A';
    return s;
}

const char* tunnel_name(net::TunnelKind t) {
    switch (t) {
        case net::TunnelKind::vxlan:
            return "vxlan";
        case net::TunnelKind::geneve:
            return "geneve";
        case net::TunnelKind::none:
            return "none";
    }
    return "?";
}

const char* basis_text(Basis b) {
    switch (b) {
        case Basis::bytes:
            return "from the bytes";
        case Basis::kernel_mark:
            return "kernel mark recorded";
        case Basis::switch_metadata:
            return "switch offload metadata recorded";
        case Basis::position:
            return "from position and direction, no kernel mark";
    }
    return "";
}

}  // namespace sy::forensics
