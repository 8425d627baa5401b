#include "forensics/segment_diff.hpp"

#include <algorithm>

#include "forensics/sighting.hpp"
#include "net/parse.hpp"

namespace sy::forensics {

Segments segments_of(const capture::CapturedPacket& packet, bool outer) {
    Segments out;
    if (!packet.is_ip) return out;
    const auto frame = packet.network_bytes();
    net::ParseOptions options;
    options.link = packet.parse_link;
    const net::ParsedHeaders parsed = net::parse(frame, options);
    const net::HeaderLayers h = !outer && judges_inner(parsed) ? parsed.inner : parsed.outer;
    if (h.l3 == net::kAbsent || h.l4 == net::kAbsent || h.l4 > frame.size() || h.l3 > h.l4)
        return out;
    const std::size_t ip_header_end =
        h.l3_kind == net::L3Kind::ipv4 ? h.l4 : std::min<std::size_t>(h.l3 + 40, h.l4);
    out.ip_header.assign(frame.begin() + h.l3, frame.begin() + ip_header_end);
    const std::size_t end = std::min<std::size_t>(frame.size(), h.l3_end);
    if (end > h.l4) out.l4.assign(frame.begin() + h.l4, frame.begin() + end);
    return out;
}

void diff_bytes(const std::vector<std::uint8_t>& before, const std::vector<std::uint8_t>& after,
                Verdict& v) {
    v.changed_offsets.clear();
    v.changed_total = 0;
    const std::size_t n = std::max(before.size(), after.size());
    for (std::size_t i = 0; i < n; ++i) {
        const bool same = i < before.size() && i < after.size() && before[i] == after[i];
        if (same) continue;
        ++v.changed_total;
        if (v.changed_offsets.size() < kMaxListedOffsets)
            v.changed_offsets.push_back(static_cast<std::uint32_t>(i));
    }
}

}  // namespace sy::forensics
