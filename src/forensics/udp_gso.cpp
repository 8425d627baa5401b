#include "forensics/udp_gso.hpp"

#include <algorithm>
#include <cstring>

#include "base/bytes.hpp"
#include "forensics/sighting.hpp"
#include "net/parse.hpp"

namespace sy::forensics {

bool udp_gso_datagram(const capture::CapturedPacket& packet, std::uint32_t k,
                      std::vector<std::uint8_t>& buffer, capture::CapturedPacket& out) {
    if (k == 0 || !packet.is_ip) return false;
    const auto frame = packet.network_bytes();
    net::ParseOptions options;
    options.link = packet.parse_link;
    const net::ParsedHeaders parsed = net::parse(frame, options);
    if (!judges_inner(parsed)) return false;
    const net::HeaderLayers& o = parsed.outer;
    const net::HeaderLayers& in = parsed.inner;
    const std::uint32_t size = in.l3_end - o.payload;  // the segment size
    const std::size_t end = std::min<std::size_t>(frame.size(), o.l3_end);
    // The second datagram repeats the first one's tunnel header: else this is no
    // super-datagram (see Encap::udp_gso).
    if (in.l3_end + 8 > end || std::memcmp(&frame[in.l3_end], &frame[o.payload], 8) != 0)
        return false;
    const std::size_t start = std::size_t{o.payload} + std::size_t{size} * k;
    if (start + 8 > end) return false;
    const std::size_t length = std::min<std::size_t>(size, end - start);
    buffer.assign(frame.begin(), frame.begin() + o.payload);
    buffer.insert(buffer.end(), frame.begin() + static_cast<std::ptrdiff_t>(start),
                  frame.begin() + static_cast<std::ptrdiff_t>(start + length));
    const std::uint32_t udp_length = static_cast<std::uint32_t>(o.payload - o.l4 + length);
    store_be16(&buffer[o.l4 + 4], static_cast<std::uint16_t>(udp_length));
    if (o.l3_kind == net::L3Kind::ipv4) {
        store_be16(&buffer[o.l3 + 2], static_cast<std::uint16_t>(o.l4 - o.l3 + udp_length));
    } else {
        store_be16(&buffer[o.l3 + 4], static_cast<std::uint16_t>(o.l4 - o.l3 - 40 + udp_length));
    }
    out = packet;
    out.bytes = buffer;
    out.parse_offset = 0;
    out.original_length = static_cast<std::uint32_t>(buffer.size());
    return true;
}

}  // namespace sy::forensics
