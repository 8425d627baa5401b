#include "forensics/csum_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "capture/capture_reader.hpp"
#include "forensics/correlator.hpp"
#include "forensics/segment_diff.hpp"
#include "forensics/udp_gso.hpp"

namespace sy::forensics {
namespace {

bool is_partial_state(const Sighting& s) {
    return s.state == CsumState::partial ||
           (s.state == CsumState::bad && s.kmark == capture::KernelMark::csum_notready);
}

// The datagrams after the first of a UDP GSO super-datagram, each a sighting of its own (the
// inner packets are what the containers see one by one).
void add_gso_datagrams(const capture::CapturedPacket& packet, std::uint32_t point,
                       Correlator& correlator, FileSummary& summary) {
    std::vector<std::uint8_t> buffer;
    capture::CapturedPacket datagram;
    for (std::uint32_t k = 1; udp_gso_datagram(packet, k, buffer, datagram); ++k) {
        ExtractResult r = extract_sighting(datagram, point);
        if (!r.sighting || !r.sighting->encapsulated()) continue;
        Sighting& s = *r.sighting;
        s.encap.udp_gso = true;
        s.encap.gso_datagram = static_cast<std::uint16_t>(k);
        s.encap.state = CsumState::unverifiable;
        s.encap.ip_header = HeaderCsum::none;
        ++summary.udp_gso_datagrams;
        ++summary.encapsulated;
        if (s.kmark != capture::KernelMark::unknown) ++summary.kernel_marks;
        correlator.add(s);
    }
}

Status read_point(const TraceInput& input, std::uint32_t point, Correlator& correlator,
                  FileSummary& summary) {
    auto reader = capture::CaptureReader::open(input.path);
    if (!reader) return reader.status();
    summary.name = input.name;
    summary.path = input.path;
    summary.format = reader->is_pcapng() ? "pcapng" : "pcap";
    summary.link_type = capture::to_string(reader->link_type());
    capture::CapturedPacket packet;
    for (;;) {
        const capture::ReadOutcome outcome = reader->next(packet);
        if (outcome == capture::ReadOutcome::end) break;
        if (outcome == capture::ReadOutcome::truncated) {
            // Not one packet could be read: there is nothing to vouch for, so this is bad
            // input, not "all 0 packets kept correct checksums".
            if (summary.records == 0)
                return Status(Errc::corrupt, fmt::format("{}: no readable packet ({})", input.path,
                                                         reader->message()));
            summary.warnings.push_back(reader->message());
            break;
        }
        if (outcome == capture::ReadOutcome::error) return Status(Errc::corrupt, reader->message());
        ++summary.records;
        ExtractResult r = extract_sighting(packet, point);
        if (!r.sighting) {
            switch (r.skipped) {
                case SkipReason::not_ip:
                    ++summary.not_ip;
                    break;
                case SkipReason::not_checked_protocol:
                    ++summary.other_protocol;
                    break;
                case SkipReason::unparsable:
                    ++summary.unparsable;
                    break;
            }
            continue;
        }
        ++summary.checked;
        if (r.sighting->kmark != capture::KernelMark::unknown) ++summary.kernel_marks;
        if (packet.has_meta && packet.meta.has_offload) ++summary.switch_metadata;
        if (r.sighting->encapsulated()) ++summary.encapsulated;
        correlator.add(*r.sighting);
        if (r.sighting->encap.udp_gso) {
            ++summary.udp_gso_records;
            add_gso_datagrams(packet, point, correlator, summary);
        }
    }
    if (reader->metadata_lost())
        summary.warnings.push_back(
            fmt::format("{}: per-packet options unreadable after record {} "
                        "({}); later packets have no recorded metadata",
                        input.path, summary.records, reader->metadata_error()));
    return {};
}

void count_hops(TraceResult& r) {
    std::map<std::pair<std::int32_t, std::int32_t>, HopSummary> hops;
    auto hop_at = [&](std::int32_t from, std::int32_t to) -> HopSummary& {
        HopSummary& h = hops[{from, to}];
        h.from = from;
        h.to = to;
        return h;
    };
    for (const PacketResult& p : r.packets) {
        for (std::size_t i = 1; i < p.sightings.size(); ++i) {
            const Sighting& a = r.sightings[p.sightings[i - 1]];
            const Sighting& b = r.sightings[p.sightings[i]];
            HopSummary& h =
                hop_at(static_cast<std::int32_t>(a.point), static_cast<std::int32_t>(b.point));
            ++h.seen;
            if (is_partial_state(a) && (b.state == CsumState::good)) ++h.completed;
        }
        if (!is_problem(p)) continue;
        const Verdict& v = problem_verdict(p);
        if (v.to_point != kNoPoint) ++hop_at(v.from_point, v.to_point).broken;
    }
    // Hops in path order: forward ones by their first point, then the reverse ones.
    for (auto& [key, h] : hops) r.hops.push_back(h);
    std::stable_sort(r.hops.begin(), r.hops.end(), [](const HopSummary& a, const HopSummary& b) {
        const bool fa = a.from < a.to, fb = b.from < b.to;
        if (fa != fb) return fa;
        return fa ? a.from < b.from : a.from > b.from;
    });
}

// Second read, only for corrupted packets: which bytes changed between the two sightings.
// A packet's own verdict compares the level it judged (the inner one of a tunnel frame), the
// outer verdict the outer headers.
Status fill_changed_offsets(const std::vector<TraceInput>& inputs, TraceResult& r) {
    using Key = std::pair<std::uint64_t, std::uint16_t>;  // record, datagram in it
    std::map<std::uint32_t, std::set<Key>> wanted;        // point -> records
    for (const PacketResult& p : r.packets) {
        for (const Verdict* v : {&p.verdict, &p.outer}) {
            if (v->compare_before < 0) continue;
            for (std::int32_t pos : {v->compare_before, v->compare_after}) {
                const Sighting& s = r.sightings[p.sightings[pos]];
                wanted[s.point].insert({s.record, s.encap.gso_datagram});
            }
        }
    }
    struct Levels {
        Segments judged, outer;
    };
    std::map<std::pair<std::uint32_t, Key>, Levels> bytes;
    std::vector<std::uint8_t> buffer;
    for (const auto& [point, keys] : wanted) {
        auto reader = capture::CaptureReader::open(inputs[point].path);
        if (!reader) return reader.status();
        capture::CapturedPacket packet, datagram;
        std::size_t found = 0;
        while (found < keys.size() && reader->next(packet) == capture::ReadOutcome::packet) {
            for (auto it = keys.lower_bound({packet.index, 0});
                 it != keys.end() && it->first == packet.index; ++it, ++found) {
                const capture::CapturedPacket* which = &packet;
                if (it->second > 0) {
                    if (!udp_gso_datagram(packet, it->second, buffer, datagram)) continue;
                    which = &datagram;
                }
                bytes[{point, *it}] = {segments_of(*which), segments_of(*which, true)};
            }
        }
    }
    for (PacketResult& p : r.packets) {
        for (Verdict* v : {&p.verdict, &p.outer}) {
            if (v->compare_before < 0) continue;
            const Sighting& a = r.sightings[p.sightings[v->compare_before]];
            const Sighting& b = r.sightings[p.sightings[v->compare_after]];
            const bool outer = v == &p.outer;
            const Levels& la = bytes[{a.point, {a.record, a.encap.gso_datagram}}];
            const Levels& lb = bytes[{b.point, {b.record, b.encap.gso_datagram}}];
            const Segments& sa = outer ? la.outer : la.judged;
            const Segments& sb = outer ? lb.outer : lb.judged;
            const bool l4 = v->layer == Layer::l4;
            diff_bytes(l4 ? sa.l4 : sa.ip_header, l4 ? sb.l4 : sb.ip_header, *v);
        }
    }
    return {};
}

}  // namespace

Result<std::vector<TraceInput>> parse_trace_inputs(const std::vector<std::string>& words) {
    std::vector<TraceInput> inputs;
    std::set<std::string> names;
    for (const std::string& w : words) {
        TraceInput in;
        const auto eq = w.find('=');
        std::error_code ec;
        if (eq != std::string::npos && eq > 0 && !std::filesystem::exists(w, ec)) {
            in.name = w.substr(0, eq);
            in.path = w.substr(eq + 1);
        } else {
            in.path = w;
            in.name = std::filesystem::path(w).stem().string();
        }
        if (in.path.empty())
            return Status(Errc::invalid_argument, fmt::format("{}: no file after '='", w));
        if (!names.insert(in.name).second) {
            // Same stem twice (a/cap.pcap b/cap.pcap): number them rather than refuse.
            if (w.find('=') != std::string::npos && eq > 0 && in.name == w.substr(0, eq))
                return Status(Errc::invalid_argument,
                              fmt::format("capture point name {} given twice", in.name));
            in.name = fmt::format("{}#{}", in.name, inputs.size() + 1);
            names.insert(in.name);
        }
        inputs.push_back(std::move(in));
    }
    if (inputs.empty()) return Status(Errc::invalid_argument, "no capture files given");
    return inputs;
}

Result<TraceResult> run_csum_trace(const std::vector<TraceInput>& inputs) {
    TraceResult r;
    Correlator correlator;
    // Size the identity indexes once (about one packet per 200 bytes of capture) instead of
    // rehashing them over and over while reading.
    std::uintmax_t bytes = 0;
    for (const TraceInput& in : inputs) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(in.path, ec);
        if (!ec) bytes += size;
    }
    correlator.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(bytes / 200, 50'000'000)));
    r.files.resize(inputs.size());
    for (std::uint32_t i = 0; i < inputs.size(); ++i) {
        r.points.push_back(inputs[i].name);
        if (Status s = read_point(inputs[i], i, correlator, r.files[i]); !s) return s;
    }
    r.sightings = std::move(correlator.sightings());
    // Packets in order of their earliest sighting, as a person reads a trace. Sorting indices,
    // not results, keeps this cheap for millions of packets.
    auto& groups = correlator.groups();
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_time(groups.size());
    for (std::uint32_t g = 0; g < groups.size(); ++g) {
        std::uint64_t t = UINT64_MAX;
        for (std::uint32_t idx : groups[g].sightings) t = std::min(t, r.sightings[idx].time_ns);
        by_time[g] = {t, g};
    }
    std::stable_sort(by_time.begin(), by_time.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    r.packets.reserve(groups.size());
    for (const auto& [time, g] : by_time) {
        PacketResult p;
        p.sightings = std::move(groups[g].sightings);
        p.verdict = judge(p.sightings, r.sightings, r.points);
        for (std::uint32_t idx : p.sightings)
            if (r.sightings[idx].encapsulated()) p.encapsulated = true;
        if (p.encapsulated) {
            p.outer = judge_outer(p.sightings, r.sightings, r.points);
            ++r.encapsulated;
            ++r.outer_count[static_cast<int>(p.outer.status)];
        }
        ++r.count[static_cast<int>(p.verdict.status)];
        if (is_problem(p)) ++r.problems;
        if (p.verdict.offload_at_sender) ++r.offload_at_sender;
        if (!p.verdict.certain) ++r.uncertain;
        if (is_problem(p) && !problem_verdict(p).certain) ++r.problems_inferred;
        r.packets.push_back(std::move(p));
    }
    count_hops(r);
    if (Status s = fill_changed_offsets(inputs, r); !s) return s;
    return r;
}

int trace_exit_status(const TraceResult& r) {
    return r.problems > 0 ? 1 : 0;
}

}  // namespace sy::forensics
