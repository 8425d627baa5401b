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
    line(fmt::format("path: {}", path));
    line("");

    std::size_t listed = 0;
    for (const PacketResult& p : r.packets) {
        const Verdict& v = p.verdict;
        if (!is_problem(v.status)) continue;
        if (listed++ == max_listed) {
            line(fmt::format("... {} more problem packets (use --json for all)",
                             r.problems - max_listed));
            break;
        }
        const Sighting& first = r.sightings[p.sightings.front()];
        line(fmt::format("{} {} {}: {} at {} ({}, {})", flow_text(first.flow),
                         proto_name(first.flow.proto),
                         // fmt, not string "+": g++ 12 -O2 reports a false -Wrestrict in operator+.
                         first.flow.proto == 6 ? fmt::format("[{}]", tcp_flags_text(first.tcp_flags))
                                               : std::string(),
                         to_string(v.status), hop_name(r, v.from_point, v.to_point),
                         v.certain ? "certain" : "inferred", basis_text(v.basis)));
        line(fmt::format("  why: {}", v.reason));
        if (v.changed_total > 0) {
            std::string offs;
            for (std::uint32_t o : v.changed_offsets)
                offs += fmt::format("{}{}", offs.empty() ? "" : ",", o);
            line(fmt::format("  changed bytes ({} from the {} header): {}{}", v.changed_total,
                             v.layer == Layer::l4 ? "L4" : "IP", offs,
                             v.changed_total > v.changed_offsets.size() ? ",..." : ""));
        }
        for (std::uint32_t idx : p.sightings) {
            const Sighting& s = r.sightings[idx];
            line(fmt::format("    {:<12} {} {:<3} {:<12} csum=0x{:04x}{}{}", r.points[s.point],
                             clock_time(s.time_ns), capture::to_string(s.direction),
                             to_string(s.state), s.csum,
                             s.kmark != capture::KernelMark::unknown
                                 ? fmt::format(" kmark={}", capture::to_string(s.kmark))
                                 : "",
                             s.ip_header == HeaderCsum::bad ? " ip-header=bad" : ""));
        }
        line("");
    }

    line("per hop (packets seen at both ends / partial checksums completed / broken):");
    for (const HopSummary& h : r.hops)
        line(fmt::format("  {:<28} seen {:>8}  completed {:>8}  broken {:>8}",
                         hop_name(r, h.from, h.to), h.seen, h.completed, h.broken));
    if (r.hops.empty()) line("  (no packet seen at two points)");
    line("");
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
        for (const std::string& w : f.warnings) line("  warning: " + w);
    }
    return out;
}

}  // namespace sy::forensics
