#pragma once
// The bytes of a packet's IP header and L4 segment, and which of them changed between two
// sightings (for the "corrupted" verdict's evidence).

#include <cstdint>
#include <vector>

#include "capture/capture_reader.hpp"
#include "forensics/verdict.hpp"

namespace sy::forensics {

struct Segments {
    std::vector<std::uint8_t> ip_header;  // IPv4/IPv6 header (without extension headers)
    std::vector<std::uint8_t> l4;         // L4 header and the captured payload
};

// `outer`: the outer headers of a tunnel frame; else the level extract_sighting judges (the
// inner packet of a VXLAN/Geneve frame, see judges_inner).
Segments segments_of(const capture::CapturedPacket& packet, bool outer = false);

// Fills v.changed_offsets (at most kMaxListedOffsets) and v.changed_total. Offsets are from
// the start of the given segments; bytes past the shorter one count as changed.
inline constexpr std::size_t kMaxListedOffsets = 32;
void diff_bytes(const std::vector<std::uint8_t>& before, const std::vector<std::uint8_t>& after,
                Verdict& v);

}  // namespace sy::forensics
