#pragma once
// Software GRO for the frames a tunnel port decapsulates: consecutive in-order IPv4/TCP
// segments of one inner flow are rebuilt into one TCP super-frame, so the receiving
// container's kernel gets one skb (through its port's vnet header) instead of ~45.
//
// Why it is safe to mark the result verified: every segment's IPv4 header checksum and TCP
// checksum are checked here, in software, before it is merged; a segment that fails is never
// merged (it passes on unchanged, state none, and the receiver drops it). The merged frame's
// checksums are rewritten to match its bytes, from the sums already taken.
// (docs/checksum-contract.md: only a check of a checksum someone else wrote earns `verified`.)
//
// Merge rules (like the kernel's tcp_gro_receive, stricter where simpler): Ethernet without
// VLAN tags, IPv4 without options and not a fragment, total length matching the frame (no
// padding), a non-empty payload; same MACs, TOS, TTL, DF, addresses, ports, ACK number,
// window, TCP header length and option bytes; sequence numbers contiguous; IP IDs
// incrementing (or all equal with DF); every flag ACK only, PSH allowed on the last segment;
// every payload the first's size, a shorter one ends the run. Per packet: no allocation.

#include <cstdint>

#include "packet/packet.hpp"

namespace sy::port {

// What one inner frame is, for merging.
struct TcpSegment {
    bool eligible = false;  // an IPv4/TCP segment with payload whose checksums were checked good
    bool csum_bad = false;  // it had the shape of one, but its IP or TCP checksum was wrong
    std::uint8_t flags = 0;
    std::uint16_t th_len = 0;       // TCP header bytes (options included)
    std::uint16_t payload_len = 0;  // TCP payload bytes
    std::uint16_t ip_id = 0;
    std::uint16_t payload_sum = 0;  // folded one's-complement sum of the payload
    std::uint32_t seq = 0;
};

// Offsets of the only layout merged: Ethernet, IPv4 without options, TCP.
inline constexpr std::uint32_t kCoalesceL3 = 14;
inline constexpr std::uint32_t kCoalesceL4 = 14 + 20;

// Parses `frame` and, if it has the shape above, checks its IPv4 header and TCP checksums.
TcpSegment describe_tcp4_segment(const std::uint8_t* frame, std::uint32_t len);

// One super-frame being rebuilt in the buffer of its first segment's packet.
class TcpCoalescer {
  public:
    struct Stats {
        std::uint64_t super_frames = 0;     // runs of two or more segments handed on as one
        std::uint64_t merged_segments = 0;  // segments in those runs
        std::uint64_t csum_bad = 0;         // segments not merged: a checksum was wrong
    };

    bool open() const { return packet_ != nullptr; }
    Packet* packet() const { return packet_; }

    // Starts a run with `p`, whose frame `seg` describes (it must be eligible).
    void start(Packet* p, const TcpSegment& seg);
    // Appends the payload of `frame` (described by `seg`) to the open run if it continues it;
    // false (nothing changed) otherwise. `frame` may lie in the run's own buffer behind the
    // run's end (one received buffer holding many datagrams): the copy is a memmove.
    bool try_append(const std::uint8_t* frame, const TcpSegment& seg);
    // Closes the run and returns its packet. A run of one segment is exactly as received
    // (state none); two or more are one frame with the IP total length, IP checksum, PSH of
    // the last and a TCP checksum matching its bytes, marked verified with TCPv4 GSO metadata
    // (gso_size = the first segment's payload).
    Packet* finish();

    const Stats& stats() const { return stats_; }
    void count_csum_bad() { ++stats_.csum_bad; }

  private:
    Packet* packet_ = nullptr;
    TcpSegment first_{};
    std::uint32_t count_ = 0;
    std::uint32_t next_seq_ = 0;
    std::uint32_t payload_total_ = 0;
    std::uint64_t payload_sum_ = 0;  // payload sums, each aligned to its offset in the run
    std::uint8_t last_flags_ = 0;
    bool closed_ = false;  // a PSH or a short segment ended it: nothing more is appended
    Stats stats_;
};

}  // namespace sy::port
