#include "datapath/lab_faults.hpp"

#include "offload/csum_complete.hpp"
#include "packet/packet.hpp"

namespace sy::datapath {

PayloadCorrupter::PayloadCorrupter(double fraction, std::uint64_t seed)
    : threshold_(0), state_(seed | 1) {
    if (fraction >= 1.0) {
        always_ = true;
        threshold_ = ~0ull;
    } else if (fraction > 0.0) {
        threshold_ = static_cast<std::uint64_t>(fraction * 18446744073709551616.0);
        if (threshold_ == 0) threshold_ = 1;
    }
}

std::uint64_t PayloadCorrupter::next() {
    // xorshift64*: cheap, good enough to pick packets and bits.
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
}

bool PayloadCorrupter::maybe_corrupt(Packet& p) {
    if (threshold_ == 0) return false;
    if (!always_ && next() >= threshold_) return false;
    if (p.offload.gso.active()) return false;
    const net::ParsedHeaders& parsed = ensure_parsed(p);
    if (!parsed.ok() || parsed.tunnel != net::TunnelKind::none) return false;
    const net::HeaderLayers& l = parsed.outer;
    if (l.is_fragment || (l.ip_proto != net::kIpProtoTcp && l.ip_proto != net::kIpProtoUdp)) {
        return false;
    }
    if (l.payload == net::kAbsent || l.l3_end == net::kAbsent || l.payload >= l.l3_end) {
        return false;
    }
    if (p.offload.is_partial()) {
        if (offload::complete_partial(p, parsed) != offload::CompleteStatus::ok) return false;
    } else if (l.ip_proto == net::kIpProtoUdp && l.l3_kind == net::L3Kind::ipv4) {
        const std::uint8_t* udp = p.data() + l.l4;
        if (udp[6] == 0 && udp[7] == 0) return false;  // "no checksum": damage undetectable
    }
    const std::uint64_t r = next();
    const std::uint32_t span = l.l3_end - l.payload;
    const std::uint32_t at = l.payload + static_cast<std::uint32_t>(r % span);
    p.data()[at] ^= static_cast<std::uint8_t>(1u << ((r >> 32) & 7));
    p.offload.csum = CsumState::none;
    return true;
}

bool mark_unsafely(Packet& p, bool port_takes_partial) {
    if (p.offload.csum != CsumState::none) return false;
    if (port_takes_partial && !p.offload.gso.active()) {
        const net::ParsedHeaders& parsed = ensure_parsed(p);
        const net::HeaderLayers& l = parsed.outer;
        const bool tcp = l.ip_proto == net::kIpProtoTcp, udp = l.ip_proto == net::kIpProtoUdp;
        if (parsed.ok() && !l.is_fragment && (tcp || udp) && l.l4 != net::kAbsent) {
            const std::uint16_t field = tcp ? 16 : 6;
            if (l.l4 + field + 2u <= p.length) {
                p.offload.csum = CsumState::partial;  // the field keeps the sender's value
                p.offload.csum_start = static_cast<std::uint16_t>(l.l4);
                p.offload.csum_offset = field;
                return true;
            }
        }
    }
    p.offload.csum = CsumState::verified;
    return true;
}

}  // namespace sy::datapath
