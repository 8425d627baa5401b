#pragma once
// Zero-copy, bounds-safe parse of a frame into header offsets. Never reads past the span it
// is given; malformed or truncated input is reported through ParseStatus, never by crashing.
// The result holds offsets only (no pointers), so it stays valid when the frame moves.

#include <cstdint>
#include <span>

namespace sy::net {

enum class ParseStatus : std::uint8_t {
    ok,
    truncated_l2,      // shorter than an Ethernet header, or a VLAN tag cut short
    too_many_vlans,    // more than kMaxVlans tags
    truncated_l3,      // IP/ARP header cut short (or shorter than its own IHL / ext headers)
    bad_l3,            // wrong IP version, IHL < 5, total/payload length inconsistent
    truncated_l4,      // L4 header cut short
    bad_l4,            // e.g. TCP data offset < 5
    truncated_tunnel,  // VXLAN/Geneve header or inner frame cut short
};

const char* to_string(ParseStatus s);

enum class LinkType : std::uint8_t {
    ethernet,
    raw_ip,  // frame starts at the IP header (version nibble decides v4/v6)
};

enum class L3Kind : std::uint8_t { none, ipv4, ipv6, arp, other };
enum class TunnelKind : std::uint8_t { none, vxlan, geneve };

inline constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;
inline constexpr int kMaxVlans = 2;

// IP protocol numbers we act on.
inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr std::uint8_t kIpProtoIcmpv6 = 58;
inline constexpr std::uint8_t kIpProtoSctp = 132;

inline constexpr std::uint16_t kUdpPortVxlan = 4789;
inline constexpr std::uint16_t kUdpPortGeneve = 6081;

// Offsets of one level of headers (outer, or inner of a tunnel). All offsets are from the
// first byte of the frame given to parse(); kAbsent where a layer is missing.
struct HeaderLayers {
    std::uint32_t l2 = kAbsent;       // Ethernet header
    std::uint32_t l3 = kAbsent;       // IP or ARP header
    std::uint32_t l4 = kAbsent;       // TCP/UDP/ICMP/... header (first fragment only)
    std::uint32_t payload = kAbsent;  // first byte after the L4 header
    std::uint32_t l3_end = kAbsent;   // end of the IP datagram per its length field
                                      // (frames may carry Ethernet padding after it)
    std::uint16_t ethertype = 0;      // innermost EtherType after any VLAN tags
    std::uint8_t vlan_count = 0;
    std::uint16_t vlan_tpid[kMaxVlans] = {};
    std::uint16_t vlan_tci[kMaxVlans] = {};
    L3Kind l3_kind = L3Kind::none;
    std::uint8_t ip_proto = 0;       // final next-header / protocol (after IPv6 ext headers)
    bool is_fragment = false;        // IPv4 MF/offset or IPv6 fragment header present
    bool is_first_fragment = false;  // fragment offset 0 (L4 header present)

    bool operator==(const HeaderLayers&) const = default;
};

struct ParsedHeaders {
    ParseStatus status = ParseStatus::ok;
    HeaderLayers outer;
    TunnelKind tunnel = TunnelKind::none;
    std::uint32_t tunnel_offset = kAbsent;  // VXLAN/Geneve header
    std::uint32_t vni = 0;
    HeaderLayers inner;  // valid only when tunnel != none

    bool ok() const { return status == ParseStatus::ok; }
    // The innermost layers (what a checksum offload or a NAT acts on).
    const HeaderLayers& innermost() const { return tunnel == TunnelKind::none ? outer : inner; }

    bool operator==(const ParsedHeaders&) const = default;
};

struct ParseOptions {
    LinkType link = LinkType::ethernet;
    bool parse_tunnels = true;  // recognise VXLAN/Geneve by UDP destination port
    // Untagged Ethernet + IPv4 (unfragmented) + TCP or UDP (not a tunnel port), the bulk of
    // container traffic, takes a straight-line parse with the same result. Off only for
    // the tests that hold the two to the same answers.
    bool common_case_fast = true;
};

ParsedHeaders parse(std::span<const std::uint8_t> frame, const ParseOptions& options = {});
// The same, written straight into `out` (which it resets first). What the per-packet path
// uses: `out = parse(...)` builds the result on the stack and then copies it, and reading
// back 16 bytes at a time what was just written field by field stalls store forwarding —
// that copy cost more than the parse itself.
void parse_into(std::span<const std::uint8_t> frame, ParsedHeaders& out,
                const ParseOptions& options = {});

// The offsets of `h` after a 4-byte tag (tpid, tci) was inserted right after the Ethernet
// addresses, or the outer tag there removed: what a VLAN push/pop does, without parsing
// again. False (h unchanged) when shifting cannot describe the result (no room for another
// tag, no tag to pop, a frame that did not parse): the caller parses again.
bool shift_for_vlan_push(ParsedHeaders& h, std::uint16_t tpid, std::uint16_t tci);
bool shift_for_vlan_pop(ParsedHeaders& h);

}  // namespace sy::net
