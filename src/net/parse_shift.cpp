// Keeping parsed offsets in step with a VLAN push or pop (parse once: a tag changes where the
// headers are, not what they are).
#include "net/parse.hpp"

namespace sy::net {
namespace {

constexpr std::uint32_t kTagAt = 12;  // right after the destination and source addresses
constexpr std::uint32_t kTagLen = 4;

void shift(std::uint32_t& off, int delta) {
    if (off != kAbsent && off >= kTagAt)
        off = static_cast<std::uint32_t>(static_cast<int>(off) + delta);
}

void shift_layers(HeaderLayers& l, int delta) {
    shift(l.l2, delta);
    shift(l.l3, delta);
    shift(l.l4, delta);
    shift(l.payload, delta);
    shift(l.l3_end, delta);
}

void shift_all(ParsedHeaders& h, int delta) {
    shift_layers(h.outer, delta);
    shift(h.tunnel_offset, delta);
    if (h.tunnel != TunnelKind::none) shift_layers(h.inner, delta);
}

}  // namespace

bool shift_for_vlan_push(ParsedHeaders& h, std::uint16_t tpid, std::uint16_t tci) {
    if (!h.ok() || h.outer.l2 != 0 || h.outer.vlan_count >= kMaxVlans) return false;
    shift_all(h, static_cast<int>(kTagLen));
    HeaderLayers& o = h.outer;
    for (int i = o.vlan_count; i > 0; --i) {
        o.vlan_tpid[i] = o.vlan_tpid[i - 1];
        o.vlan_tci[i] = o.vlan_tci[i - 1];
    }
    o.vlan_tpid[0] = tpid;
    o.vlan_tci[0] = tci;
    ++o.vlan_count;
    return true;
}

bool shift_for_vlan_pop(ParsedHeaders& h) {
    if (!h.ok() || h.outer.l2 != 0 || h.outer.vlan_count == 0) return false;
    HeaderLayers& o = h.outer;
    for (int i = 0; i + 1 < o.vlan_count; ++i) {
        o.vlan_tpid[i] = o.vlan_tpid[i + 1];
        o.vlan_tci[i] = o.vlan_tci[i + 1];
    }
    --o.vlan_count;
    o.vlan_tpid[o.vlan_count] = 0;
    o.vlan_tci[o.vlan_count] = 0;
    shift_all(h, -static_cast<int>(kTagLen));
    return true;
}

}  // namespace sy::net
