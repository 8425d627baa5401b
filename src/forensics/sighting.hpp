#pragma once
// One packet as seen at one capture point, reduced to what the checksum analysis needs:
// its identity (to find it at other points), its flow, and the state of its checksums.

#include <array>
#include <cstdint>
#include <optional>

#include "capture/capture_reader.hpp"
#include "net/parse.hpp"

namespace sy::forensics {

// The checksum state of one sighting's L4 checksum, as the bytes show it.
enum class CsumState : std::uint8_t {
    good,
    bad,
    partial,       // the field holds exactly the folded pseudo-header sum (TX offload pending)
    zero,          // UDP over IPv4 with no checksum (legal)
    illegal_zero,  // UDP over IPv6 with 0 (invalid)
    unverifiable,  // cut by snaplen, or a non-first fragment
};
const char* to_string(CsumState s);

enum class HeaderCsum : std::uint8_t { none, good, bad };  // IPv4 header checksum

struct Flow {
    std::uint8_t ip_version = 4;
    std::uint8_t proto = 0;
    std::array<std::uint8_t, 16> src{};  // IPv4: first 4 bytes
    std::array<std::uint8_t, 16> dst{};
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    bool operator==(const Flow&) const = default;
};

// The outer headers of a VXLAN or Geneve frame (a capture on the underlay). The sighting's own
// fields then describe the inner packet: that is the packet a container sent and received, so
// it is what identifies the sighting at the other points; the outer headers are judged apart.
struct Encap {
    net::TunnelKind tunnel = net::TunnelKind::none;
    std::uint32_t vni = 0;
    std::uint16_t options_length = 0;  // Geneve options, bytes
    Flow flow;                         // outer addresses and UDP ports
    std::uint8_t ttl = 0;
    std::uint16_t ip_id = 0;
    CsumState state = CsumState::unverifiable;  // the outer UDP checksum
    std::uint16_t csum = 0;
    HeaderCsum ip_header = HeaderCsum::none;
    std::uint16_t ip_csum = 0;
    // A kernel mark is one per packet (one csum_start): it belongs to the level whose
    // checksum field holds the seed. This is the mark as it applies to the outer level.
    capture::KernelMark kmark = capture::KernelMark::unknown;
    std::uint64_t payload_digest = 0;  // of the UDP payload (tunnel header and inner frame)
    // The record is a UDP GSO super-datagram, captured before the host stack segmented it:
    // more tunnel datagrams follow the first in its payload (udp_gso.hpp splits them). Each
    // gives a sighting; gso_datagram says which (0 the first). The outer checksum of the
    // later ones was never in the capture (the host computes it per datagram): unverifiable.
    bool udp_gso = false;
    std::uint16_t gso_datagram = 0;
};

struct Sighting {
    std::uint32_t point = 0;   // index of the capture point, in path order
    std::uint64_t record = 0;  // record number inside that point's file
    std::uint64_t time_ns = 0;
    capture::Direction direction = capture::Direction::unknown;
    capture::KernelMark kmark = capture::KernelMark::unknown;
    bool switch_partial = false;   // a switch port capture recorded csum=partial metadata
    bool switch_recorded = false;  // a switch port capture recorded offload metadata at all

    Flow flow;
    std::uint8_t tcp_flags = 0;
    std::uint8_t ttl = 0;  // TTL or hop limit
    std::uint16_t ip_id = 0;

    CsumState state = CsumState::unverifiable;
    std::uint16_t csum = 0;  // the stored L4 checksum field
    HeaderCsum ip_header = HeaderCsum::none;
    std::uint16_t ip_csum = 0;

    std::uint32_t l4_length = 0;  // L4 header + payload, per the IP header
    std::uint16_t l4_header_length = 0;
    std::uint64_t payload_digest = 0;  // of the captured L4 payload bytes
    std::uint64_t weak_key = 0;        // identity that survives NAT, TTL, VLAN, MAC changes
    std::uint64_t strong_key = 0;      // weak_key plus the payload digest

    Encap encap;  // tunnel != none: captured encapsulated, the fields above are the inner's
    bool encapsulated() const { return encap.tunnel != net::TunnelKind::none; }
};

// The layers csum-trace judges as "the packet" in a parse: the inner ones of a VXLAN/Geneve
// frame whose inner packet is IP with its L4 header (or a later fragment), else the outer.
// Tunnels whose inner frame is not IP, or is cut short of its L4 header, are judged as the
// plain UDP datagrams they are.
bool judges_inner(const net::ParsedHeaders& parsed);

// Why a record gives no sighting (counted per file, reported in the summary).
enum class SkipReason : std::uint8_t { not_ip, not_checked_protocol, unparsable };

struct ExtractResult {
    std::optional<Sighting> sighting;
    SkipReason skipped = SkipReason::not_ip;
};

// Parses the packet with net::parse and checks its checksums with net::check_l4_checksum
// (both levels of a tunnel frame).
ExtractResult extract_sighting(const capture::CapturedPacket& packet, std::uint32_t point);

// 64-bit digest of bytes (not cryptographic; identity only).
std::uint64_t digest(const std::uint8_t* data, std::size_t size, std::uint64_t seed = 0);

}  // namespace sy::forensics
