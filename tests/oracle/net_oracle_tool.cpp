// Oracle helper: reads frames as hex, one per line, on stdin; for each prints one JSON line
// with our parse offsets, our L4 checksum verdicts (outer and inner), the IPv4 header
// checksum verdict, and the frame with every checksum recomputed by us. The scapy script
// (checksum_oracle.py) compares all of it with scapy's own answers.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace {

using nlohmann::json;
using namespace sy::net;

std::vector<std::uint8_t> from_hex(const std::string& hex, bool& ok) {
    std::vector<std::uint8_t> out;
    ok = hex.size() % 2 == 0;
    for (std::size_t i = 0; ok && i < hex.size(); i += 2) {
        try {
            out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
        } catch (const std::exception&) {
            ok = false;
        }
    }
    return out;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::uint8_t b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

json offset(std::uint32_t v) {
    return v == kAbsent ? json(nullptr) : json(v);
}

json layers_json(const HeaderLayers& h) {
    return {{"l2", offset(h.l2)},           {"l3", offset(h.l3)},         {"l4", offset(h.l4)},
            {"payload", offset(h.payload)}, {"l3_end", offset(h.l3_end)}, {"ip_proto", h.ip_proto},
            {"vlans", h.vlan_count},        {"fragment", h.is_fragment}};
}

json check_json(std::span<const std::uint8_t> frame, const HeaderLayers& h) {
    const L4CsumCheck c = check_l4_checksum(frame, h);
    json j = {{"verdict", to_string(c.verdict)},
              {"stored", c.stored},
              {"expected", c.expected},
              {"seed", c.seed}};
    if (h.l3_kind == L3Kind::ipv4) j["ipv4_header_ok"] = ipv4_header_checksum_ok(frame, h);
    return j;
}

// Recompute every checksum, innermost first (the outer UDP checksum covers the inner frame).
std::vector<std::uint8_t> recomputed(std::vector<std::uint8_t> frame, const ParsedHeaders& p) {
    if (p.tunnel != TunnelKind::none) {
        write_ipv4_header_checksum(frame, p.inner);
        write_l4_checksum(frame, p.inner);
    }
    write_ipv4_header_checksum(frame, p.outer);
    write_l4_checksum(frame, p.outer);
    return frame;
}

}  // namespace

int main() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        bool ok = false;
        const auto frame = from_hex(line, ok);
        if (!ok) {
            std::cerr << "net_oracle_tool: not a hex frame: " << line.substr(0, 40) << "\n";
            return 2;
        }
        const ParsedHeaders p = parse(frame);
        json out = {{"status", to_string(p.status)},
                    {"outer", layers_json(p.outer)},
                    {"outer_check", check_json(frame, p.outer)}};
        out["tunnel"] = p.tunnel == TunnelKind::vxlan    ? "vxlan"
                        : p.tunnel == TunnelKind::geneve ? "geneve"
                                                         : "none";
        if (p.tunnel != TunnelKind::none) {
            out["vni"] = p.vni;
            out["tunnel_offset"] = p.tunnel_offset;
            out["inner"] = layers_json(p.inner);
            out["inner_check"] = check_json(frame, p.inner);
        }
        out["recomputed"] = to_hex(recomputed(frame, p));
        std::cout << out.dump() << "\n";
    }
    return 0;
}
