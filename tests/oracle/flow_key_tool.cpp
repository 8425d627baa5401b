// Oracle helper for key extraction and packet synthesis. Default: reads "IN_PORT HEX" lines
// (a frame in hex) and prints one JSON object per line with every FlowKey field as our
// extract_key() fills it. With --synth: reads trace flow strings and prints the hex of the
// frame synthesize_packet() builds (flow_key_oracle.py checks both with scapy).
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flow/flow_syntax.hpp"
#include "flow/key_extract.hpp"
#include "flow/packet_synth.hpp"
#include "flow/syntax_values.hpp"
#include "net/parse.hpp"

namespace {

using namespace sy::flow;

std::string hex(const std::uint8_t* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}

nlohmann::json key_json(const FlowKey& k) {
    FieldValue v6s = 0, v6d = 0, sha = 0, tha = 0, dst = 0, src = 0;
    for (int i = 0; i < 16; ++i) {
        v6s = v6s << 8 | k.ipv6_src[i];
        v6d = v6d << 8 | k.ipv6_dst[i];
    }
    for (int i = 0; i < 6; ++i) {
        sha = sha << 8 | k.arp_sha[i];
        tha = tha << 8 | k.arp_tha[i];
        dst = dst << 8 | k.dl_dst[i];
        src = src << 8 | k.dl_src[i];
    }
    return {{"in_port", k.in_port},
            {"dl_dst", ethernet_to_string(dst)},
            {"dl_src", ethernet_to_string(src)},
            {"dl_type", k.dl_type},
            {"vlan_tci", k.vlan_tci},
            {"nw_src", ipv4_to_string(k.nw_src)},
            {"nw_dst", ipv4_to_string(k.nw_dst)},
            {"ipv6_src", ipv6_to_string(v6s)},
            {"ipv6_dst", ipv6_to_string(v6d)},
            {"ipv6_label", k.ipv6_label},
            {"nw_proto", k.nw_proto},
            {"nw_tos", k.nw_tos},
            {"nw_ttl", k.nw_ttl},
            {"nw_frag", k.nw_frag},
            {"tp_src", k.tp_src},
            {"tp_dst", k.tp_dst},
            {"tcp_flags", k.tcp_flags},
            {"arp_sha", ethernet_to_string(sha)},
            {"arp_tha", ethernet_to_string(tha)},
            {"metadata", k.metadata},
            {"tun_id", k.tun_id},
            {"regs_zero", k.regs[0] == 0 && k.regs[7] == 0}};
}

}  // namespace

int main(int argc, char** argv) {
    const bool synth = argc > 1 && std::string(argv[1]) == "--synth";
    const NoPortNames ports;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (synth) {
            const std::size_t tab = line.find('\t');
            SynthOptions opt;
            if (tab != std::string::npos)
                opt.payload_len = static_cast<std::uint16_t>(std::stoul(line.substr(tab + 1)));
            auto key = parse_trace_flow(line.substr(0, tab), ports);
            if (!key) {
                std::cout << "error: " << key.status().message() << '\n';
                continue;
            }
            auto frame = synthesize_packet(*key, opt);
            if (!frame) {
                std::cout << "error: " << frame.status().message() << '\n';
                continue;
            }
            std::cout << hex(frame->data(), frame->size()) << '\n';
            continue;
        }
        std::istringstream in(line);
        std::uint32_t port = 0;
        std::string h;
        in >> port >> h;
        std::vector<std::uint8_t> frame;
        for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
            frame.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
        }
        const sy::net::ParsedHeaders parsed = sy::net::parse(frame);
        FlowKey key;
        extract_key(frame, parsed, port, key);
        std::cout << key_json(key).dump() << '\n';
    }
    return 0;
}
