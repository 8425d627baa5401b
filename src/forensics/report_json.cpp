// The --json document. Field names and values are a stable interface (docs/csum-trace.md):
// add fields, never rename or remove them.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "forensics/csum_trace.hpp"
#include "forensics/report_format.hpp"

namespace sy::forensics {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSchema = "switchyard.csum-trace/1";

Json point_or_null(const TraceResult& r, std::int32_t p) {
    return p == kNoPoint ? Json(nullptr) : Json(r.points[p]);
}

Json verdict_json(const TraceResult& r, const Verdict& v) {
    Json vj;
    vj["status"] = to_string(v.status);
    vj["hop"] = v.to_point == kNoPoint
                    ? Json(nullptr)
                    : Json::array({point_or_null(r, v.from_point), point_or_null(r, v.to_point)});
    vj["layer"] = v.layer == Layer::l4 ? "l4" : "ipv4";
    vj["certain"] = v.certain;
    vj["basis"] = to_string(v.basis);
    vj["reason"] = v.reason;
    vj["offload_at_sender"] = v.offload_at_sender;
    if (v.changed_total > 0) {
        vj["changed_offsets"] = v.changed_offsets;
        vj["changed_bytes"] = v.changed_total;
    }
    return vj;
}

Json header_json(HeaderCsum h) {
    return h == HeaderCsum::none ? Json(nullptr) : Json(h == HeaderCsum::good ? "good" : "bad");
}

Json kmark_json(capture::KernelMark m) {
    return m == capture::KernelMark::unknown ? Json(nullptr) : Json(capture::to_string(m));
}

// The outer headers of a sighting captured encapsulated; its other fields are the inner's.
Json encap_json(const Encap& e) {
    Json j;
    j["tunnel"] = tunnel_name(e.tunnel);
    j["vni"] = e.vni;
    if (e.tunnel == net::TunnelKind::geneve) j["options_length"] = e.options_length;
    if (e.udp_gso) {
        j["udp_gso"] = true;
        j["gso_datagram"] = e.gso_datagram;
    }
    j["flow"] = flow_text(e.flow);
    j["state"] = to_string(e.state);
    j["csum"] = fmt::format("0x{:04x}", e.csum);
    j["kmark"] = kmark_json(e.kmark);
    j["ip_header"] = header_json(e.ip_header);
    return j;
}

Json packet_json(const TraceResult& r, const PacketResult& p) {
    const Sighting& first = r.sightings[p.sightings.front()];
    const Flow& f = first.flow;
    Json j;
    const bool ports = f.proto == 6 || f.proto == 17;
    j["flow"] = {{"src", address_text(f, true)},
                 {"dst", address_text(f, false)},
                 {"sport", ports ? Json(f.sport) : Json(nullptr)},
                 {"dport", ports ? Json(f.dport) : Json(nullptr)},
                 {"proto", proto_name(f.proto)}};
    j["tcp_flags"] = f.proto == 6 ? Json(tcp_flags_text(first.tcp_flags)) : Json(nullptr);
    Json sightings = Json::array();
    for (std::uint32_t idx : p.sightings) {
        const Sighting& s = r.sightings[idx];
        Json sj;
        sj["point"] = r.points[s.point];
        sj["time"] = static_cast<double>(s.time_ns) / 1e9;
        sj["time_ns"] = s.time_ns;
        sj["direction"] = capture::to_string(s.direction);
        sj["state"] = to_string(s.state);
        sj["csum"] = fmt::format("0x{:04x}", s.csum);
        sj["kmark"] = kmark_json(s.kmark);
        sj["ip_header"] = header_json(s.ip_header);
        sj["record"] = s.record + 1;  // 1-based, as tshark/Wireshark number frames
        if (!(s.flow == f)) sj["flow"] = flow_text(s.flow);  // rewritten on the way (NAT)
        if (s.encapsulated()) sj["encap"] = encap_json(s.encap);
        sightings.push_back(std::move(sj));
    }
    j["sightings"] = std::move(sightings);
    j["verdict"] = verdict_json(r, p.verdict);
    if (p.encapsulated) j["outer_verdict"] = verdict_json(r, p.outer);
    return j;
}

Json summary_json(const TraceResult& r) {
    Json by_status;
    for (int s = 0; s < 7; ++s) by_status[to_string(static_cast<VerdictStatus>(s))] = r.count[s];
    Json outer_by_status;
    for (int s = 0; s < 7; ++s)
        outer_by_status[to_string(static_cast<VerdictStatus>(s))] = r.outer_count[s];
    Json hops = Json::array();
    for (const HopSummary& h : r.hops)
        hops.push_back({{"from", point_or_null(r, h.from)},
                        {"to", point_or_null(r, h.to)},
                        {"seen", h.seen},
                        {"completed", h.completed},
                        {"broken", h.broken}});
    Json files = Json::array();
    for (const FileSummary& f : r.files)
        files.push_back({{"point", f.name},
                         {"path", f.path},
                         {"format", f.format},
                         {"link_type", f.link_type},
                         {"records", f.records},
                         {"checked", f.checked},
                         {"kernel_marks", f.kernel_marks},
                         {"switch_metadata", f.switch_metadata},
                         {"encapsulated", f.encapsulated},
                         {"udp_gso_records", f.udp_gso_records},
                         {"udp_gso_datagrams", f.udp_gso_datagrams},
                         {"warnings", f.warnings}});
    return {{"packets", r.packets.size()},
            {"problems", r.problems},
            {"by_status", by_status},
            {"offload_at_sender", r.offload_at_sender},
            {"uncertain", r.uncertain},
            {"problems_inferred", r.problems_inferred},
            {"encapsulated", r.encapsulated},
            {"outer_by_status", outer_by_status},
            {"hops", hops},
            {"files", files}};
}

}  // namespace

void write_json(const TraceResult& r, std::FILE* out) {
    Json head;
    head["schema"] = kSchema;
    head["points"] = r.points;
    std::string text = head.dump();
    text.pop_back();  // reopen the object to stream the packets into it
    fmt::print(out, "{},\"packets\":[", text);
    bool first = true;
    for (const PacketResult& p : r.packets) {
        fmt::print(out, "{}\n{}", first ? "" : ",", packet_json(r, p).dump());
        first = false;
    }
    fmt::print(out, "\n],\"summary\":{}}}\n", summary_json(r).dump());
}

std::string render_json(const TraceResult& r) {
    char* buffer = nullptr;
    std::size_t size = 0;
    std::FILE* mem = open_memstream(&buffer, &size);
    write_json(r, mem);
    std::fclose(mem);
    std::string out(buffer, size);
    std::free(buffer);
    return out;
}

}  // namespace sy::forensics
