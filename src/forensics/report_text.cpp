// The human report: the verdict first (where does it break, and why), then the evidence.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <ctime>

#include "forensics/csum_trace.hpp"
#include "forensics/report_format.hpp"

namespace sy::forensics {
namespace {

std::string hop_name(const TraceResult& r, std::int32_t from, std::int32_t to) {
    if (from == kNoPoint) return fmt::format("before {}", r.points[to]);
    return fmt::format("{} → {}", r.points[from], r.points[to]);
}

std::string clock_time(std::uint64_t ns) {
    const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000ull);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:02}:{:02}:{:02}.{:09}", tm.tm_hour, tm.tm_min, tm.tm_sec,
                       ns % 1'000'000'000ull);
}

std::string headline(const TraceResult& r) {
    const std::uint64_t total = r.packets.size();
    if (r.problems == 0)
        return fmt::format(
            "OK: all {} packets kept correct checksums (or carried a pending "
            "offload) along {} point(s)",
            total, r.points.size());
    // The hop that breaks most packets answers "where does it break?".
    const HopSummary* worst = nullptr;
    for (const HopSummary& h : r.hops)
        if (h.broken > 0 && (worst == nullptr || h.broken > worst->broken)) worst = &h;
    std::string where = worst != nullptr ? fmt::format(", {} of them at {}", worst->broken,
                                                       hop_name(r, worst->from, worst->to))
                                         : "";
    if (r.problems_inferred == r.problems)
        return fmt::format("SUSPECT (inferred, no kernel marks): {} of {} packets broken{}",
                           r.problems, total, where);
    return fmt::format(
        "PROBLEM: {} of {} packets broken{}{}", r.problems, total, where,
        r.problems_inferred > 0 ? fmt::format(" ({} of them inferred)", r.problems_inferred) : "");
}

std::string verdict_summary(const TraceResult& r, const Verdict& v) {
    std::string where =
        v.to_point == kNoPoint ? "" : fmt::format(" at {}", hop_name(r, v.from_point, v.to_point));
    return fmt::format("{}{}: {}", to_string(v.status), where, v.reason);
}

std::string mark_text(capture::KernelMark m) {
    return m != capture::KernelMark::unknown ? fmt::format(" kmark={}", capture::to_string(m)) : "";
}

// One sighting: point, time, direction, the packet's checksum state and, for a capture on
// the underlay, the tunnel and its outer checksum.
std::string sighting_line(const TraceResult& r, const Sighting& s) {
    std::string encap;
    if (s.encapsulated())
        encap = fmt::format("  in {} vni {}: outer udp {} csum=0x{:04x}{}{}",
                            tunnel_name(s.encap.tunnel), s.encap.vni, to_string(s.encap.state),
                            s.encap.csum, mark_text(s.encap.kmark),
                            s.encap.ip_header == HeaderCsum::bad ? " outer-ip-header=bad" : "");
    return fmt::format("    {:<12} {} {:<3} {:<12} csum=0x{:04x}{}{}{}", r.points[s.point],
                       clock_time(s.time_ns), capture::to_string(s.direction), to_string(s.state),
                       s.csum, mark_text(s.kmark),
                       s.ip_header == HeaderCsum::bad ? " ip-header=bad" : "", encap);
}

bool partial_seen(const Sighting& s) {
    return s.state == CsumState::partial ||
           (s.state == CsumState::bad && s.kmark == capture::KernelMark::csum_notready);
}

// Who checks a checksum that arrives in this state, in the words of the report.
const char* who_checks_inner(const Sighting& last) {
    if (partial_seen(last))
        return last.kmark == capture::KernelMark::csum_notready
                   ? "still partial and marked for completion: the receiving kernel trusts it"
                   : "still partial, no mark: the receiving kernel will drop it";
    if (last.kmark == capture::KernelMark::csum_valid)
        return "marked verified where it arrives: nobody checks it again";
    return "complete where it arrives: the receiving kernel verifies it";
}

const char* who_checks_outer(CsumState s) {
    switch (s) {
        case CsumState::zero:
            return "zero (IPv4, none sent): nobody checks it";
        case CsumState::good:
            return "complete: the receiving host's UDP stack verifies it";
        case CsumState::partial:
            return "partial, left for the underlay NIC to finish (a veth passes it on, marked, "
                   "and the receiving host's stack trusts the mark)";
        case CsumState::bad:
            return "wrong: the receiving host's UDP stack drops the datagram";
        case CsumState::illegal_zero:
            return "zero over IPv6: receivers drop it";
        case CsumState::unverifiable:
            return "not verifiable (cut by snaplen)";
    }
    return "";
}

// The overlay in one picture: one packet's path in and out of the tunnel with the state at
// each point, where its partial checksum was finished, and who checks which checksum.
template <typename Line>
void tunnel_section(const TraceResult& r, Line&& line) {
    std::uint64_t outer_states[6] = {};
    for (const Sighting& s : r.sightings)
        if (s.encapsulated()) ++outer_states[static_cast<int>(s.encap.state)];
    std::string states;
    for (int i = 0; i < 6; ++i)
        if (outer_states[i] > 0)
            states += fmt::format("{}{} {}", states.empty() ? "" : ", ", outer_states[i],
                                  to_string(static_cast<CsumState>(i)));
    std::string outer_problems;
    for (int i = 1; i < 7; ++i)
        if (r.outer_count[i] > 0 && is_problem(static_cast<VerdictStatus>(i)))
            outer_problems +=
                fmt::format(", {} {}", r.outer_count[i], to_string(static_cast<VerdictStatus>(i)));
    line(
        fmt::format("tunnels: {} packets seen encapsulated; their outer UDP checksums, per "
                    "sighting: {}; outer verdicts: {} ok{}",
                    r.encapsulated, states, r.outer_count[0], outer_problems));
    // The example: a packet seen both plain and encapsulated, partial where it was sent,
    // at the most points; failing that the first encapsulated packet.
    const PacketResult* best = nullptr;
    auto score = [&](const PacketResult& p) {
        bool plain = false;
        for (std::uint32_t idx : p.sightings) plain |= !r.sightings[idx].encapsulated();
        return (p.verdict.offload_at_sender ? 1000 : 0) + (plain ? 100 : 0) +
               static_cast<int>(p.sightings.size());
    };
    for (const PacketResult& p : r.packets)
        if (p.encapsulated && (best == nullptr || score(p) > score(*best))) best = &p;
    const Sighting& first = r.sightings[best->sightings.front()];
    line(fmt::format(
        "  e.g. {} {}{}:", flow_text(first.flow), proto_name(first.flow.proto),
        first.flow.proto == 6 ? fmt::format(" [{}]", tcp_flags_text(first.tcp_flags)) : ""));
    for (std::size_t i = 0; i < best->sightings.size(); ++i) {
        const Sighting& s = r.sightings[best->sightings[i]];
        if (i > 0) {
            const Sighting& a = r.sightings[best->sightings[i - 1]];
            std::string what;
            if (!a.encapsulated() && s.encapsulated()) what = "encapsulated";
            if (a.encapsulated() && !s.encapsulated()) what = "decapsulated";
            if (partial_seen(a) && s.state == CsumState::good)
                what += fmt::format("{}partial checksum finished here", what.empty() ? "" : ", ");
            if (!what.empty())
                line(
                    fmt::format("      | {} → {}: {}", r.points[a.point], r.points[s.point], what));
        }
        line(sighting_line(r, s));
    }
    const Sighting& last = r.sightings[best->sightings.back()];
    line(fmt::format("  inner checksum: {} ({}); verdict {}", who_checks_inner(last),
                     r.points[last.point], verdict_summary(r, best->verdict)));
    // The outer checksum as it arrives: its last sighting on the underlay.
    for (auto it = best->sightings.rbegin(); it != best->sightings.rend(); ++it) {
        const Sighting& s = r.sightings[*it];
        if (!s.encapsulated()) continue;
        line(fmt::format("  outer UDP checksum: {} ({}); verdict {}",
                         who_checks_outer(s.encap.state), r.points[s.point],
                         verdict_summary(r, best->outer)));
        break;
    }
    line("");
}

}  // namespace

std::string render_text(const TraceResult& r, std::size_t max_listed) {
    std::string out;
    auto line = [&](const std::string& s) {
        out += s;
        out += '\n';
    };
    std::string path;
    for (std::size_t i = 0; i < r.points.size(); ++i)
        path += fmt::format("{}{}", i ? " → " : "", r.points[i]);
    line(headline(r));
    for (int s = 1; s < 7; ++s)
        if (r.count[s] > 0 && is_problem(static_cast<VerdictStatus>(s)))
            line(fmt::format("  {}: {}", to_string(static_cast<VerdictStatus>(s)), r.count[s]));
    for (int s = 1; s < 7; ++s)
        if (r.outer_count[s] > 0 && is_problem(static_cast<VerdictStatus>(s)))
            line(fmt::format("  tunnel outer headers {}: {}",
                             to_string(static_cast<VerdictStatus>(s)), r.outer_count[s]));
    line(fmt::format("path: {}", path));
    line("");

    std::size_t listed = 0;
    for (const PacketResult& p : r.packets) {
        if (!is_problem(p)) continue;
        const Verdict& v = problem_verdict(p);
        const bool outer = &v == &p.outer;
        if (listed++ == max_listed) {
            line(fmt::format("... {} more problem packets (use --json for all)",
                             r.problems - max_listed));
            break;
        }
        const Sighting& first = r.sightings[p.sightings.front()];
        line(fmt::format(
            "{} {} {}: {}{} at {} ({}, {})", flow_text(first.flow), proto_name(first.flow.proto),
            // fmt, not string "+": g++ 12 -O2 reports a false -Wrestrict in operator+.
            first.flow.proto == 6 ? fmt::format("[{}]", tcp_flags_text(first.tcp_flags))
                                  : std::string(),
            outer ? "tunnel outer headers " : "", to_string(v.status),
            hop_name(r, v.from_point, v.to_point), v.certain ? "certain" : "inferred",
            basis_text(v.basis)));
        line(fmt::format("  why: {}", v.reason));
        if (v.changed_total > 0) {
            std::string offs;
            for (std::uint32_t o : v.changed_offsets)
                offs += fmt::format("{}{}", offs.empty() ? "" : ",", o);
            line(fmt::format("  changed bytes ({} from the {}{} header): {}{}", v.changed_total,
                             outer ? "outer " : "", v.layer == Layer::l4 ? "L4" : "IP", offs,
                             v.changed_total > v.changed_offsets.size() ? ",..." : ""));
        }
        if (p.encapsulated)
            line(fmt::format("  {}: {}", outer ? "inner packet" : "tunnel outer headers",
                             verdict_summary(r, outer ? p.verdict : p.outer)));
        for (std::uint32_t idx : p.sightings) line(sighting_line(r, r.sightings[idx]));
        line("");
    }

    line("per hop (packets seen at both ends / partial checksums completed / broken):");
    for (const HopSummary& h : r.hops)
        line(fmt::format("  {:<28} seen {:>8}  completed {:>8}  broken {:>8}",
                         hop_name(r, h.from, h.to), h.seen, h.completed, h.broken));
    if (r.hops.empty()) line("  (no packet seen at two points)");
    line("");
    if (r.encapsulated > 0) tunnel_section(r, line);
    if (r.offload_at_sender > 0)
        line(
            fmt::format("offload, not errors: {} packets carried a partial checksum at their "
                        "first sighting (TX checksum offload at the sender)",
                        r.offload_at_sender));
    std::string marked;
    for (const FileSummary& f : r.files)
        if (f.kernel_marks > 0 || f.switch_metadata > 0)
            marked += (marked.empty() ? "" : ", ") + f.name;
    if (marked.empty())
        line(
            "basis: no kernel marks recorded; a partial checksum's fate is inferred from where "
            "and in which direction it was seen. Record marks with `switchyard capture --iface` "
            "to be certain.");
    else
        line(fmt::format(
            "basis: kernel marks / switch metadata recorded at {}: verdicts resting "
            "on them are certain{}",
            marked, r.uncertain > 0 ? fmt::format("; {} verdicts are inferred", r.uncertain) : ""));
    for (const FileSummary& f : r.files) {
        line(
            fmt::format("{}: {} ({}, {}): {} records, {} checked, {} not IP, {} other protocols, "
                        "{} unparsable",
                        f.name, f.path, f.format, f.link_type, f.records, f.checked, f.not_ip,
                        f.other_protocol, f.unparsable));
        if (f.udp_gso_records > 0)
            line(
                fmt::format("  {} UDP GSO super-datagrams (captured before the host stack "
                            "segmented them), split: {} more tunnel datagrams judged",
                            f.udp_gso_records, f.udp_gso_datagrams));
        for (const std::string& w : f.warnings) line("  warning: " + w);
    }
    return out;
}

}  // namespace sy::forensics
