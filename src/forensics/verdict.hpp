#pragma once
// What happened to one packet's checksums along the path, and where.

#include <cstdint>
#include <string>
#include <vector>

#include "forensics/sighting.hpp"

namespace sy::forensics {

enum class VerdictStatus : std::uint8_t {
    ok,
    partial_never_completed,   // still partial where it arrives: a hop dropped the offload mark
    corrupted,                 // bytes changed, checksum did not follow
    rewritten_without_update,  // header fields rewritten, checksum left as it was
    bad_at_origin,             // already bad at its first sighting
    illegal_zero,              // UDP/IPv6 with checksum 0
    unverifiable,              // no sighting could be checked (snaplen, fragments)
};
const char* to_string(VerdictStatus s);
inline bool is_problem(VerdictStatus s) {
    return s != VerdictStatus::ok && s != VerdictStatus::unverifiable;
}

// What the verdict rests on. Kernel marks and switch metadata make a partial checksum's
// meaning certain; without them it is inferred from where the packet was seen.
enum class Basis : std::uint8_t { bytes, kernel_mark, switch_metadata, position };
const char* to_string(Basis b);

enum class Layer : std::uint8_t { l4, ipv4 };

inline constexpr std::int32_t kNoPoint = -1;

struct Verdict {
    VerdictStatus status = VerdictStatus::ok;
    std::int32_t from_point = kNoPoint;  // the hop: last point where it was fine ...
    std::int32_t to_point = kNoPoint;    // ... and the first where it was not
    Layer layer = Layer::l4;
    Basis basis = Basis::bytes;
    bool certain = true;
    std::string reason;  // one sentence for the report
    // corrupted: offsets of changed bytes, from the start of the L4 header (layer l4) or
    // of the IP header (layer ipv4). Filled by a second read of the two records.
    std::vector<std::uint32_t> changed_offsets;
    std::uint32_t changed_total = 0;  // how many bytes changed (the list may be capped)
    // Indices (into the group's ordered sightings) of the two records to compare.
    std::int32_t compare_before = -1;
    std::int32_t compare_after = -1;
    bool offload_at_sender = false;  // partial at the first sighting: TX offload, not an error
};

// Puts `order` (sighting indices) into travel order, then judges. `names` are the points.
Verdict judge(std::vector<std::uint32_t>& order, const std::vector<Sighting>& sightings,
              const std::vector<std::string>& names);

// The outer headers (IPv4/IPv6 header, UDP checksum) of the encapsulated sightings among
// `order` (in travel order, as judge left it), by the same rules, as a packet of their own:
// an outer checksum broken on the underlay, or bad where it was sent, is named with its hop.
// compare_before/after index `order`. Status unverifiable when no sighting is encapsulated.
Verdict judge_outer(const std::vector<std::uint32_t>& order, const std::vector<Sighting>& sightings,
                    const std::vector<std::string>& names);

}  // namespace sy::forensics
