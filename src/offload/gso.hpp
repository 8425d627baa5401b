#pragma once
// Software segmentation of TCPv4/TCPv6 (TSO) and UDP_L4 (USO) super-frames, what the kernel's
// tcp_gso_segment / __udp_gso_segment do for a device without the offload (case 34).
//
// Every segment gets a copy of the headers (VLAN tags and TCP options included) and:
//  - IPv4 total length and header checksum, IP ID = base + i; IPv6 payload length;
//  - TCP: seq = base + i * size, FIN/PSH only on the last segment, CWR only on the first;
//  - UDP: length per datagram;
//  - the L4 checksum complete (UDP 0 -> 0xFFFF), or, with leave_partial, the per-segment
//    pseudo-header seed and state partial{l4, 16|6} for an egress that finishes it.
// Segments come from a pool and go into a caller-provided span (no heap allocation; any
// number of segments, case 38). On failure nothing is left allocated.

#include <cstdint>
#include <span>

#include "net/parse.hpp"
#include "packet/packet.hpp"
#include "packet/packet_pool.hpp"

namespace sy::offload {

enum class GsoStatus : std::uint8_t {
    ok,
    not_gso,            // no GSO metadata
    unsupported_type,   // UFO (GSO_UDP: IP fragmentation) or an encapsulated super-frame
    bad_headers,        // the headers do not match the GSO type, or do not parse
    segment_too_big,    // headers + segment size do not fit a pool buffer
    too_many_segments,  // more segments than the output span holds
    pool_exhausted,
};
const char* to_string(GsoStatus s);

struct GsoOptions {
    std::uint16_t segment_size = 0;  // payload bytes per segment; 0: the packet's gso.size
    bool leave_partial = false;      // egress finishes L4 checksums (csum offload, no TSO)
};

struct GsoResult {
    GsoStatus status = GsoStatus::ok;
    std::uint32_t count = 0;  // segments written to out[0..count)
};

// Number of segments `payload` bytes make at `segment_size` (at least 1).
inline std::uint32_t gso_segment_count(std::uint32_t payload, std::uint32_t segment_size) {
    if (segment_size == 0 || payload == 0) return 1;
    return (payload + segment_size - 1) / segment_size;
}

// Segments `super` (whose current bytes `parsed` describes) into out[0..count). `super` is
// left unchanged; the caller frees it.
GsoResult gso_segment(const Packet& super, const net::ParsedHeaders& parsed, PacketPool& pool,
                      std::span<Packet*> out, const GsoOptions& options = {});

}  // namespace sy::offload
