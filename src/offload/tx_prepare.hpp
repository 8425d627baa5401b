#pragma once
// THE one place that reconciles a packet's offload metadata with what the egress port can
// take (docs/checksum-contract.md has the full table; docs/checksum-cases.md the cases):
//  - partial / GSO go on as they are to a port that accepts them; otherwise the checksum is
//    finished or the super-frame segmented in software;
//  - a partial checksum the port could not finish (not the outer TCP/UDP header: tunnel inner,
//    case 5; SCTP, case 15) is finished in software;
//  - TSO whose headers + segment size exceed the egress MTU: the segment size is lowered to
//    fit (TCP) or the packet dropped (USO: datagram boundaries are the application's), case 35;
//  - a non-GSO frame larger than MTU + L2 header is dropped, never truncated (case 9);
//  - malformed metadata is dropped with a named reason (case 6);
//  - only `verified` leaves marked verified, and only to a port that can carry the mark.
// Per packet: no heap allocation, no exceptions; segments come from the pool.

#include <array>
#include <cstdint>
#include <span>

#include "net/parse.hpp"
#include "packet/packet.hpp"
#include "packet/packet_pool.hpp"

namespace sy::offload {

struct PortOffloadCaps {
    bool l4_csum = false;      // finishes partial TCP/UDP checksums (vnet header NEEDS_CSUM)
    bool tso4 = false;         // takes TCPv4 super-frames
    bool tso6 = false;         // takes TCPv6 super-frames
    bool uso = false;          // takes UDP_L4 super-frames
    std::uint32_t mtu = 1500;  // largest IP datagram; 0: no limit (in-memory ports)
    bool accepts_verified_mark = false;  // can tell the receiver "checksum verified"
};

enum class TxDropReason : std::uint8_t {
    none,
    unparseable,              // partial/GSO metadata on a frame whose headers do not parse
    bad_csum_metadata,        // csum_start/offset outside the frame or not the L4 field
    bad_gso_metadata,         // GSO type/size/hdr_len inconsistent with the headers
    unsupported_gso,          // UFO, or GSO on an encapsulated frame
    oversize,                 // non-GSO frame larger than MTU + L2 header (case 9)
    gso_segment_exceeds_mtu,  // USO datagram, or headers alone, larger than the MTU (case 35)
    too_many_segments,        // more segments than the output span holds
    segment_too_big,          // a segment would not fit a pool buffer
    pool_exhausted,           // no buffer for a segment
    count_,                   // number of reasons (not a reason)
};
const char* to_string(TxDropReason r);

struct TxCounters {
    std::uint64_t packets = 0;            // packets given to prepare()
    std::uint64_t csum_sw_l4 = 0;         // L4 checksums finished in software (incl. segments)
    std::uint64_t csum_sw_ip = 0;         // IPv4 header checksums computed (segments)
    std::uint64_t csum_passed = 0;        // partial checksums handed to the port
    std::uint64_t gso_sw = 0;             // super-frames segmented in software
    std::uint64_t segments = 0;           // segments those produced
    std::uint64_t gso_passed = 0;         // super-frames handed to the port whole
    std::uint64_t gso_resized = 0;        // ... of which with the segment size lowered to the MTU
    std::uint64_t verified_kept = 0;      // left marked verified
    std::uint64_t verified_unmarked = 0;  // verified, but the port cannot carry the mark
    std::array<std::uint64_t, static_cast<std::size_t>(TxDropReason::count_)> drops{};

    std::uint64_t dropped(TxDropReason r) const { return drops[static_cast<std::size_t>(r)]; }
    std::uint64_t dropped_total() const;
};

struct TxResult {
    std::uint32_t count = 0;  // packets to send, in out[0..count)
    TxDropReason drop = TxDropReason::none;
    // True when out[0] is the input packet itself (possibly modified). Otherwise the outputs
    // are new packets from the pool, and the caller still owns (and frees) the input.
    bool input_forwarded = false;
};

class TxPreparer {
  public:
    TxPreparer(const PortOffloadCaps& caps, PacketPool& pool) : caps_(caps), pool_(&pool) {}

    // Makes `p` fit the port. `out` must hold at least one pointer; segmentation writes up to
    // out.size() segments (a super-frame needing more is dropped: too_many_segments).
    TxResult prepare(Packet& p, std::span<Packet*> out);

    const PortOffloadCaps& caps() const { return caps_; }
    void set_caps(const PortOffloadCaps& caps) { caps_ = caps; }  // ethtool -K at runtime (case 16)
    const TxCounters& counters() const { return counters_; }

  private:
    TxResult drop(TxDropReason r);
    TxResult forward(Packet& p, std::span<Packet*> out);
    TxResult prepare_partial(Packet& p, const net::ParsedHeaders& parsed, std::span<Packet*> out);
    TxResult prepare_gso(Packet& p, const net::ParsedHeaders& parsed, std::span<Packet*> out);

    PortOffloadCaps caps_;
    PacketPool* pool_;
    TxCounters counters_;
};

}  // namespace sy::offload
