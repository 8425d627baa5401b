// Oracle helper: runs frames built by gso_oracle.py through TxPreparer (so through checksum
// completion and software segmentation) and prints what would be sent.
//
// stdin, one case per line:
//   tx GSO_TYPE GSO_SIZE CSUM_START CSUM_OFFSET L4_CSUM TSO MTU HEX
// where GSO_TYPE is the virtio value (0 none, 1 TCPV4, 4 TCPV6, 5 UDP_L4), CSUM_START 65535
// means "not partial", L4_CSUM/TSO say what the egress port offers (TSO: tso4+tso6+uso).
// stdout, one line per case:
//   drop REASON            or
//   ok N HEX/STATE/CSUM_START/CSUM_OFFSET/GSO_SIZE ...   (STATE: none|partial|verified)

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "offload/tx_prepare.hpp"
#include "packet/packet_pool.hpp"
#include "packet/vnet_hdr.hpp"

namespace {

using namespace sy;

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

}  // namespace

int main() {
    PacketPool input_pool(1, kSuperFrameBufferSize);
    PacketPool segment_pool(1024, 2048);
    std::vector<Packet*> out(1024);
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string op, hex;
        unsigned gso_type, gso_size, csum_start, csum_offset, l4_csum, tso, mtu;
        in >> op >> gso_type >> gso_size >> csum_start >> csum_offset >> l4_csum >> tso >> mtu >>
            hex;
        std::vector<std::uint8_t> frame;
        if (!in || op != "tx" || !from_hex(hex, frame)) {
            std::cerr << "offload_oracle_tool: bad input line: " << line.substr(0, 80) << "\n";
            return 2;
        }
        VirtioNetHdr hdr;
        if (csum_start != 0xFFFF) {
            hdr.flags = VirtioNetHdr::kFlagNeedsCsum;
            hdr.csum_start = static_cast<std::uint16_t>(csum_start);
            hdr.csum_offset = static_cast<std::uint16_t>(csum_offset);
        }
        hdr.gso_type = static_cast<std::uint8_t>(gso_type);
        hdr.gso_size = static_cast<std::uint16_t>(gso_size);
        Packet* p = input_pool.alloc();
        if (!p->resize(static_cast<std::uint32_t>(frame.size()))) {
            std::cout << "drop frame_too_big\n";
            input_pool.free(p);
            continue;
        }
        std::copy(frame.begin(), frame.end(), p->data());
        const VnetDecodeStatus decoded = decode_vnet_hdr(hdr, p->bytes(), p->offload);
        if (decoded != VnetDecodeStatus::ok) {
            std::cout << "drop vnet:" << static_cast<int>(decoded) << "\n";
            input_pool.free(p);
            continue;
        }
        offload::PortOffloadCaps caps;
        caps.l4_csum = l4_csum != 0;
        caps.tso4 = caps.tso6 = caps.uso = tso != 0;
        caps.mtu = mtu;
        offload::TxPreparer tx(caps, segment_pool);
        const offload::TxResult r = tx.prepare(*p, out);
        if (r.count == 0) {
            std::cout << "drop " << offload::to_string(r.drop) << "\n";
        } else {
            std::cout << "ok " << r.count;
            for (std::uint32_t i = 0; i < r.count; ++i) {
                const Packet& s = *out[i];
                std::cout << ' ' << to_hex(s.data(), s.length) << '/' << state_name(s.offload.csum)
                          << '/' << s.offload.csum_start << '/' << s.offload.csum_offset << '/'
                          << s.offload.gso.size;
                if (!r.input_forwarded) segment_pool.free(out[i]);
            }
            std::cout << "\n";
        }
        input_pool.free(p);
    }
    return 0;
}
