#include "offload/rewrite_checksums.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "net/checksum_update.hpp"
#include "net/ipv4.hpp"
#include "net/l4_checksum.hpp"
#include "offload/crc32c.hpp"
#include "offload/pseudo_header.hpp"
#include "packet/offload_check.hpp"

namespace sy::offload::rewrite_detail {
namespace {

bool is_ip(const net::HeaderLayers& l) {
    return l.l3_kind == net::L3Kind::ipv4 || l.l3_kind == net::L3Kind::ipv6;
}

// A protocol whose checksum a completion at egress knows how to finish from a partial state:
// the L4 checksums net::write_l4_partial_seed and complete_partial handle, per family.
bool can_be_partial(const net::HeaderLayers& l) {
    switch (l.ip_proto) {
        case net::kIpProtoTcp:
        case net::kIpProtoUdp:
        case net::kIpProtoSctp:
            return true;
        case net::kIpProtoIcmp:
            return l.l3_kind == net::L3Kind::ipv4;
        case net::kIpProtoIcmpv6:
            return l.l3_kind == net::L3Kind::ipv6;
        default:
            return false;
    }
}

// RFC 1624 eqn. 3 (checksum) or its seed counterpart, for a 2-, 4- or 16-byte field; other
// even sizes word by word (same result: each step keeps the sum).
std::uint16_t update(bool seed, std::uint16_t c, const std::uint8_t* o, const std::uint8_t* n,
                     std::uint32_t size) {
    switch (size) {
        case 2:
            return seed ? net::seed_update16(c, load_be16(o), load_be16(n))
                        : net::csum_update16(c, load_be16(o), load_be16(n));
        case 4:
            return seed ? net::seed_update32(c, load_be32(o), load_be32(n))
                        : net::csum_update32(c, load_be32(o), load_be32(n));
        case 16:
            return seed ? net::seed_update128(c, o, n) : net::csum_update128(c, o, n);
        default:
            for (std::uint32_t i = 0; i + 1 < size; i += 2) c = update(seed, c, o + i, n + i, 2);
            return c;
    }
}

// The CRC32c of the SCTP packet after bytes [k, k+size) of its `length` bytes changed from
// `o` to `n`, keeping any error of `stored` exactly (in the XOR sense). The CRC register is
// linear in the data for equal lengths: crc(M ^ D) = crc(M) ^ reg(0, D), and D is zero
// outside the field, and a zero register stays zero over zero bytes. So only the delta and
// the zeros after it are run through the CRC: no payload byte is read.
std::uint32_t crc32c_after(std::uint32_t stored, std::uint32_t k, std::uint32_t length,
                           const std::uint8_t* o, const std::uint8_t* n, std::uint32_t size) {
    std::uint8_t delta[16] = {};
    for (std::uint32_t i = 0; i < size && i < sizeof delta; ++i) {
        delta[i] = static_cast<std::uint8_t>(o[i] ^ n[i]);
    }
    std::uint32_t reg = crc32c_update(0, {delta, size});
    static constexpr std::uint8_t kZeros[256] = {};
    std::uint32_t rest = length - k - size;
    while (rest > 0) {
        const std::uint32_t chunk = rest < sizeof kZeros ? rest : sizeof kZeros;
        reg = crc32c_update(reg, {kZeros, chunk});
        rest -= chunk;
    }
    return stored ^ reg;
}

std::uint32_t load_le32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}
void store_le32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Verified, and now changed: the payload was checked at ingress, so a checksum computed from
// scratch over it launders nothing. Leave the pseudo-header seed (TCP/UDP/ICMPv6; ICMP and
// SCTP sum from 0) and let egress finish it, offloaded where the port can (cases 18, 22).
void make_partial(Packet& p, const net::HeaderLayers& l, const L4Plan& plan) {
    std::uint8_t* field = p.data() + plan.field;
    if (l.ip_proto == net::kIpProtoSctp) {
        store_le32(field, 0);
    } else if (l.ip_proto == net::kIpProtoIcmp) {
        store_be16(field, 0);
    } else {
        net::write_l4_partial_seed(p.bytes(), l);
    }
    p.offload.csum = CsumState::partial;
    p.offload.csum_start = static_cast<std::uint16_t>(l.l4);
    p.offload.csum_offset = plan.field_offset;
}

}  // namespace

L4Plan plan_l4(const Packet& p, const net::HeaderLayers& l) {
    L4Plan plan;
    if (!is_ip(l)) return plan;
    const std::uint8_t proto = l.ip_proto;
    const int off = l4_csum_field_offset(proto);
    if (off < 0) return plan;  // no L4 checksum we know
    plan.covers_pseudo = csum_covers_pseudo_header(proto);
    if (l.l4 == net::kAbsent) return plan;  // a later fragment: the L4 header is elsewhere
    const std::uint32_t size = proto == net::kIpProtoSctp ? 4 : 2;
    if (l.l4 + static_cast<std::uint32_t>(off) + size > p.length) return plan;
    plan.field = l.l4 + static_cast<std::uint32_t>(off);
    plan.field_offset = static_cast<std::uint16_t>(off);
    const std::uint8_t* field = p.data() + plan.field;
    if (p.offload.is_partial() && p.offload.csum_start == l.l4) {
        plan.row = L4Row::seed;
    } else if (proto == net::kIpProtoUdp && load_be16(field) == 0) {
        plan.row = L4Row::zero_udp;  // IPv4: no checksum; IPv6: invalid, and not ours to fix
    } else if (p.offload.is_verified() && !l.is_fragment && can_be_partial(l)) {
        plan.row = L4Row::to_partial;
    } else if (proto == net::kIpProtoSctp) {
        plan.row = L4Row::crc32c;
    } else {
        plan.row = L4Row::internet;
    }
    return plan;
}

void write_field(Packet& p, const net::HeaderLayers& l, std::uint32_t at, const std::uint8_t* value,
                 std::uint32_t size, unsigned coverage) {
    std::uint8_t* bytes = p.data() + at;
    if (std::memcmp(bytes, value, size) == 0) return;
    std::uint8_t old[16];
    const std::uint32_t copied = size < sizeof old ? size : sizeof old;
    std::memcpy(old, bytes, copied);  // covered fields are at most 16 bytes

    if (coverage & kIpv4Header) {
        // Always incremental: right when it was right, exactly as wrong when it was wrong.
        std::uint8_t* c = p.data() + l.l3 + net::ipv4::kChecksumOffset;
        store_be16(c, update(false, load_be16(c), old, value, size));
    }
    if ((coverage & (kPseudoHeader | kL4Segment)) == 0) {
        std::memcpy(bytes, value, size);
        return;
    }
    const L4Plan plan = plan_l4(p, l);
    std::memcpy(bytes, value, size);
    const bool l4_covered =
        (coverage & kL4Segment) != 0 || ((coverage & kPseudoHeader) != 0 && plan.covers_pseudo);
    if (!l4_covered) return;  // nothing the L4 checksum covers changed: the state stands
    std::uint8_t* field = plan.field == net::kAbsent ? nullptr : p.data() + plan.field;
    switch (plan.row) {
        case L4Row::no_field:
        case L4Row::zero_udp:
            break;
        case L4Row::seed:
            // Only pseudo-header inputs are in the seed; L4 bytes are summed at completion
            // (Linux inet_proto_csum_replace* with pseudohdr on CHECKSUM_PARTIAL).
            if ((coverage & kPseudoHeader) && plan.covers_pseudo) {
                store_be16(field, update(true, load_be16(field), old, value, size));
            }
            return;
        case L4Row::internet: {
            std::uint16_t c = update(false, load_be16(field), old, value, size);
            if (l.ip_proto == net::kIpProtoUdp) c = net::udp_wire_checksum(c);  // 0 is "none"
            store_be16(field, c);
            break;
        }
        case L4Row::crc32c:
            if (coverage & kL4Segment) {
                store_le32(field, crc32c_after(load_le32(field), at - l.l4, l.l3_end - l.l4, old,
                                               value, copied));
            }
            break;
        case L4Row::to_partial:
            make_partial(p, l, plan);
            return;
    }
    // Every other row: the checksum may be right, but the switch did not check it.
    if (p.offload.is_verified()) p.offload.csum = CsumState::none;
}

}  // namespace sy::offload::rewrite_detail
