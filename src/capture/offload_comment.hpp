#pragma once
// The per-packet offload metadata we store in a pcapng EPB comment (opt_comment), so that
// tshark and Wireshark show it as the packet comment and scripts can grep it. Grammar
// (docs/csum-trace.md, "Capture metadata"):
//
//   comment = "sy:" *(" " key "=" value)
//   csum=none|partial|verified   start=N off=N (partial only)
//   gso=tcpv4|tcpv6|udp|udp_l4 size=N hdr=N [ecn=1]   (GSO packets only)
//   kmark=none|csum_notready|csum_valid   (kernel captures: the PACKET_AUXDATA mark)
//
// Readers ignore keys they do not know, so the grammar can grow without breaking them.

#include <cstddef>
#include <optional>
#include <string_view>

#include "capture/capture_types.hpp"
#include "packet/offload_info.hpp"

namespace sy::capture {

// What a capture recorded about one packet besides its bytes.
struct RecordedMeta {
    bool has_offload = false;  // a switch port capture: `offload` is what the switch knew
    OffloadInfo offload;
    KernelMark kmark = KernelMark::unknown;
};

// Longest comment format_offload_comment can produce, with margin.
inline constexpr std::size_t kMaxOffloadCommentLength = 160;

// Writes the comment for `offload` (may be null) and `kmark` into `out` (no allocation).
// Returns its length, or 0 if there is nothing to record (no offload info, mark unknown).
std::size_t format_offload_comment(char* out, std::size_t capacity, const OffloadInfo* offload,
                                   KernelMark kmark);

// Parses a comment; nullopt if it is not ours (does not start with "sy:") or a known key
// has a malformed value.
std::optional<RecordedMeta> parse_offload_comment(std::string_view comment);

}  // namespace sy::capture
