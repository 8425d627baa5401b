#pragma once
// csum-trace: read captures taken at several points of a path, find each packet at every
// point, and say for each whether its checksums survived, and if not, at which hop and why.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "forensics/sighting.hpp"
#include "forensics/verdict.hpp"

namespace sy::forensics {

struct TraceInput {
    std::string name;  // capture point name (NAME=FILE, else the file's stem)
    std::string path;
};

// Turns command-line words ([NAME=]FILE) into inputs; names must be unique.
Result<std::vector<TraceInput>> parse_trace_inputs(const std::vector<std::string>& words);

struct FileSummary {
    std::string name;
    std::string path;
    std::string format;     // "pcap" or "pcapng"
    std::string link_type;  // e.g. "EN10MB"
    std::uint64_t records = 0;
    std::uint64_t checked = 0;  // records that gave a sighting
    std::uint64_t not_ip = 0;
    std::uint64_t other_protocol = 0;  // IP but not TCP/UDP/ICMP
    std::uint64_t unparsable = 0;
    std::uint64_t kernel_marks = 0;       // sightings with a recorded kernel mark
    std::uint64_t switch_metadata = 0;    // sightings with switch offload metadata
    std::uint64_t encapsulated = 0;       // sightings of packets inside VXLAN/Geneve
    std::uint64_t udp_gso_records = 0;    // UDP GSO super-datagrams (split, udp_gso.hpp)
    std::uint64_t udp_gso_datagrams = 0;  // the datagrams they held after the first
    std::vector<std::string> warnings;    // truncated final record, lost metadata
};

struct HopSummary {
    std::int32_t from = kNoPoint;  // kNoPoint: "before the first point"
    std::int32_t to = kNoPoint;
    std::uint64_t seen = 0;       // packets seen at both ends of the hop
    std::uint64_t completed = 0;  // partial before, good after
    std::uint64_t broken = 0;     // verdict names this hop
};

struct PacketResult {
    std::vector<std::uint32_t> sightings;  // indices into TraceResult::sightings, travel order
    Verdict verdict;            // the packet (the inner one where it was seen encapsulated)
    bool encapsulated = false;  // seen inside a VXLAN/Geneve tunnel at one point or more
    Verdict outer;              // encapsulated: the tunnel's outer headers (judge_outer)
};

// A packet is broken when its own checksums are, or the outer ones of its tunnel.
inline bool is_problem(const PacketResult& p) {
    return is_problem(p.verdict.status) || (p.encapsulated && is_problem(p.outer.status));
}
// The verdict that makes it a problem (the packet's own first), else the packet's.
inline const Verdict& problem_verdict(const PacketResult& p) {
    return !is_problem(p.verdict.status) && p.encapsulated && is_problem(p.outer.status)
               ? p.outer
               : p.verdict;
}

struct TraceResult {
    std::vector<std::string> points;
    std::vector<FileSummary> files;
    std::vector<Sighting> sightings;
    std::vector<PacketResult> packets;
    std::vector<HopSummary> hops;
    std::uint64_t count[7] = {};  // by VerdictStatus
    std::uint64_t problems = 0;
    std::uint64_t offload_at_sender = 0;
    std::uint64_t uncertain = 0;
    std::uint64_t problems_inferred = 0;  // problems resting on position, not on a mark
    std::uint64_t encapsulated = 0;       // packets seen inside a tunnel
    std::uint64_t outer_count[7] = {};    // their outer verdicts, by VerdictStatus
};

// Reads and analyses. An unreadable file is an error (exit status 2 for the verb); a
// truncated final record is a warning in the file's summary.
Result<TraceResult> run_csum_trace(const std::vector<TraceInput>& inputs);

// 0 all good, 1 problems found.
int trace_exit_status(const TraceResult& r);

std::string render_text(const TraceResult& r, std::size_t max_listed = 20);
// The --json document (schema in docs/csum-trace.md), streamed packet by packet so a large
// trace does not need a second copy in memory.
void write_json(const TraceResult& r, std::FILE* out);
std::string render_json(const TraceResult& r);  // the same, as a string (tests)

}  // namespace sy::forensics
