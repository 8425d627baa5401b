// Oracle helper: applies lists of set-field rewrites (offload/rewrite.hpp) to frames built by
// rewrite_oracle.py, then finishes each packet the way egress does (TxPreparer: checksum
// completion, software segmentation) and prints both stages for scapy to judge.
//
// stdin, one case per line:
//   rw STATE CSUM_START CSUM_OFFSET GSO_TYPE GSO_SIZE L4_CSUM HEX ACTION...
// STATE none|partial|verified (CSUM_START/OFFSET used for partial); GSO_TYPE the virtio value
// (0 none, 1 TCPV4, 4 TCPV6, 5 UDP_L4); L4_CSUM 1 when the egress port finishes partial
// TCP/UDP checksums (it never takes TSO, so super-frames are segmented; it carries the
// verified mark). ACTION is NAME=VALUE (decimal; addresses in hex) or dec_ttl.
// The frame is parsed once, and that parse serves every action (the pipeline's contract).
// stdout, one line per case:
//   STATUS,STATUS,... HEX/STATE/START/OFFSET (after the rewrites) then
//   ok N HEX/STATE/START/OFFSET ...     or     drop REASON      (after egress)

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "net/parse.hpp"
#include "offload/rewrite.hpp"
#include "offload/tx_prepare.hpp"
#include "packet/packet_pool.hpp"

namespace {

using namespace sy;
using offload::RewriteStatus;

bool from_hex(const std::string& hex, std::vector<std::uint8_t>& out) {
    if (hex.size() % 2) return false;
    out.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    }
    return true;
}

std::string to_hex(const std::uint8_t* p, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s(2 * n, '0');
    for (std::size_t i = 0; i < n; ++i) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    return s;
}

const char* state_name(CsumState s) {
    switch (s) {
        case CsumState::none:
            return "none";
        case CsumState::partial:
            return "partial";
        case CsumState::verified:
            return "verified";
    }
    return "?";
}

const char* status_name(RewriteStatus s) {
    switch (s) {
        case RewriteStatus::ok:
            return "ok";
        case RewriteStatus::parse_failed:
            return "parse_failed";
        case RewriteStatus::not_ethernet:
            return "not_ethernet";
        case RewriteStatus::not_ip:
            return "not_ip";
        case RewriteStatus::not_ipv4:
            return "not_ipv4";
        case RewriteStatus::not_ipv6:
            return "not_ipv6";
        case RewriteStatus::not_arp:
            return "not_arp";
        case RewriteStatus::not_icmp:
            return "not_icmp";
        case RewriteStatus::no_ports:
            return "no_ports";
        case RewriteStatus::later_fragment:
            return "later_fragment";
        case RewriteStatus::unsupported_l4:
            return "unsupported_l4";
        case RewriteStatus::ttl_expired:
            return "ttl_expired";
        case RewriteStatus::bad_value:
            return "bad_value";
    }
    return "?";
}

std::string describe(const Packet& p) {
    return to_hex(p.data(), p.length) + '/' + state_name(p.offload.csum) + '/' +
           std::to_string(p.offload.csum_start) + '/' + std::to_string(p.offload.csum_offset);
}

// One action; false when the token is not understood.
bool apply(Packet& p, const net::ParsedHeaders& parsed, const std::string& token,
           RewriteStatus& status) {
    const std::size_t eq = token.find('=');
    const std::string name = token.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : token.substr(eq + 1);
    std::vector<std::uint8_t> bytes;
    const bool hex = from_hex(value, bytes);
    const unsigned long number = std::strtoul(value.c_str(), nullptr, 10);  // hex: unused
    const std::uint32_t addr4 =
        hex && bytes.size() == 4 ? std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
                                       std::uint32_t{bytes[2]} << 8 | bytes[3]
                                 : 0;
    const auto n8 = static_cast<std::uint8_t>(number);
    const auto n16 = static_cast<std::uint16_t>(number);
    if (name == "dec_ttl") {
        status = offload::decrement_ttl(p, parsed);
    } else if (name == "ttl") {
        status = offload::set_ttl(p, parsed, n8);
    } else if (name == "tos") {
        status = offload::set_tos(p, parsed, n8);
    } else if (name == "dscp") {
        status = offload::set_dscp(p, parsed, n8);
    } else if (name == "ecn") {
        status = offload::set_ecn(p, parsed, n8);
    } else if (name == "flow_label") {
        status = offload::set_ipv6_flow_label(p, parsed, static_cast<std::uint32_t>(number));
    } else if (name == "tp_src") {
        status = offload::set_l4_src_port(p, parsed, n16);
    } else if (name == "tp_dst") {
        status = offload::set_l4_dst_port(p, parsed, n16);
    } else if (name == "icmp_type") {
        status = offload::set_icmp_type(p, parsed, n8);
    } else if (name == "icmp_code") {
        status = offload::set_icmp_code(p, parsed, n8);
    } else if (name == "arp_op") {
        status = offload::set_arp_op(p, parsed, n16);
    } else if (name == "ipv4_src" && bytes.size() == 4) {
        status = offload::set_ipv4_src(p, parsed, addr4);
    } else if (name == "ipv4_dst" && bytes.size() == 4) {
        status = offload::set_ipv4_dst(p, parsed, addr4);
    } else if (name == "arp_spa" && bytes.size() == 4) {
        status = offload::set_arp_spa(p, parsed, addr4);
    } else if (name == "arp_tpa" && bytes.size() == 4) {
        status = offload::set_arp_tpa(p, parsed, addr4);
    } else if (name == "ipv6_src" && bytes.size() == 16) {
        status = offload::set_ipv6_src(p, parsed, bytes.data());
    } else if (name == "ipv6_dst" && bytes.size() == 16) {
        status = offload::set_ipv6_dst(p, parsed, bytes.data());
    } else if (name == "eth_src" && bytes.size() == 6) {
        status = offload::set_eth_src(p, parsed, bytes.data());
    } else if (name == "eth_dst" && bytes.size() == 6) {
        status = offload::set_eth_dst(p, parsed, bytes.data());
    } else if (name == "arp_sha" && bytes.size() == 6) {
        status = offload::set_arp_sha(p, parsed, bytes.data());
    } else if (name == "arp_tha" && bytes.size() == 6) {
        status = offload::set_arp_tha(p, parsed, bytes.data());
    } else {
        return false;
    }
    return true;
}

GsoType gso_type_of(unsigned virtio) {
    switch (virtio) {
        case 1:
            return GsoType::tcpv4;
        case 4:
            return GsoType::tcpv6;
        case 5:
            return GsoType::udp_l4;
        default:
            return GsoType::none;
    }
}

}  // namespace

int main() {
    PacketPool input_pool(1, kSuperFrameBufferSize);
    PacketPool segment_pool(1024, 2048);
    std::vector<Packet*> out(1024);
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string op, state, hex;
        unsigned csum_start = 0, csum_offset = 0, gso_type = 0, gso_size = 0, l4_csum = 0;
        in >> op >> state >> csum_start >> csum_offset >> gso_type >> gso_size >> l4_csum >> hex;
        std::vector<std::uint8_t> frame;
        if (!in || op != "rw" || !from_hex(hex, frame)) {
            std::cerr << "rewrite_oracle_tool: bad input line: " << line.substr(0, 80) << "\n";
            return 2;
        }
        Packet* p = input_pool.alloc();
        if (!p->resize(static_cast<std::uint32_t>(frame.size()))) {
            std::cerr << "rewrite_oracle_tool: frame too big\n";
            return 2;
        }
        std::copy(frame.begin(), frame.end(), p->data());
        if (state == "partial") {
            p->offload.csum = CsumState::partial;
            p->offload.csum_start = static_cast<std::uint16_t>(csum_start);
            p->offload.csum_offset = static_cast<std::uint16_t>(csum_offset);
        } else if (state == "verified") {
            p->offload.csum = CsumState::verified;
        }
        p->offload.gso.type = gso_type_of(gso_type);
        p->offload.gso.size = static_cast<std::uint16_t>(gso_size);

        const net::ParsedHeaders parsed = net::parse(p->bytes());
        std::string statuses;
        std::string token;
        while (in >> token) {
            RewriteStatus s = RewriteStatus::ok;
            if (!apply(*p, parsed, token, s)) {
                std::cerr << "rewrite_oracle_tool: bad action: " << token << "\n";
                return 2;
            }
            statuses += (statuses.empty() ? "" : ",") + std::string(status_name(s));
        }
        std::cout << (statuses.empty() ? "-" : statuses) << ' ' << describe(*p) << ' ';

        offload::PortOffloadCaps caps;
        caps.l4_csum = l4_csum != 0;
        caps.mtu = 0;
        caps.accepts_verified_mark = true;
        offload::TxPreparer tx(caps, segment_pool);
        const offload::TxResult r = tx.prepare(*p, out);
        if (r.count == 0) {
            std::cout << "drop " << offload::to_string(r.drop) << "\n";
        } else {
            std::cout << "ok " << r.count;
            for (std::uint32_t i = 0; i < r.count; ++i) {
                std::cout << ' ' << describe(*out[i]);
                if (!r.input_forwarded) segment_pool.free(out[i]);
            }
            std::cout << "\n";
        }
        input_pool.free(p);
    }
    return 0;
}
