#include "l2/vlan.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "port/vlan_tag.hpp"

namespace sy::l2 {

namespace {
constexpr std::uint32_t kMacsLen = 12;

// Offsets counted from the frame start move with the bytes behind the MAC addresses. Set
// explicitly from the saved value so the result does not depend on whether
// Packet::push_front/pull_front also adjust them.
void shift_offload(OffloadInfo& o, OffloadInfo saved, int delta) {
    o = saved;
    if (o.is_partial() && o.csum_start >= kMacsLen) {
        o.csum_start = static_cast<std::uint16_t>(o.csum_start + delta);
    }
    if (o.gso.active() && o.gso.hdr_len >= kMacsLen) {
        o.gso.hdr_len = static_cast<std::uint16_t>(o.gso.hdr_len + delta);
    }
}
}  // namespace

bool has_vlan_tag(const Packet& p) {
    return p.length >= kEthHeaderLen + kVlanTagLen && load_be16(p.data() + kMacsLen) == kTpid8021Q;
}

std::uint16_t vlan_tag_tci(const Packet& p) {
    return load_be16(p.data() + kMacsLen + 2);
}

bool vlan_push(Packet& p, std::uint16_t tci) {
    return port::insert_vlan_tag(p, kTpid8021Q, tci);
}

bool vlan_pop(Packet& p) {
    if (!has_vlan_tag(p)) return false;
    const OffloadInfo saved = p.offload;
    const PacketMeta saved_meta = p.meta;
    std::uint8_t* d = p.data();
    std::memmove(d + kVlanTagLen, d, kMacsLen);
    p.pull_front(kVlanTagLen);
    shift_offload(p.offload, saved, -static_cast<int>(kVlanTagLen));
    p.meta = saved_meta;
    if (p.meta.parsed) p.meta.parsed = net::shift_for_vlan_pop(p.meta.hdr);
    return true;
}

VlanPolicy VlanPolicy::access(std::uint16_t vlan) {
    VlanPolicy v;
    v.mode_ = VlanMode::access;
    v.access_vlan_ = vlan & 0xFFF;
    return v;
}

VlanPolicy VlanPolicy::trunk(const std::vector<std::uint16_t>& vlans) {
    VlanPolicy v;
    v.mode_ = VlanMode::trunk;
    for (std::uint16_t id : vlans) v.trunk_vlans_.set(id & 0xFFF);
    return v;
}

bool VlanPolicy::carries(std::uint16_t vlan) const {
    switch (mode_) {
        case VlanMode::none:
            return vlan == 0;
        case VlanMode::access:
            return vlan == access_vlan_;
        case VlanMode::trunk:
            return trunk_vlans_.test(vlan & 0xFFF);
    }
    return false;
}

VlanIngress VlanPolicy::classify(const Packet& p, std::uint16_t& vlan) const {
    switch (mode_) {
        case VlanMode::none:
            vlan = 0;
            return VlanIngress::accept;
        case VlanMode::access:
            if (has_vlan_tag(p)) return VlanIngress::drop_tagged_on_access;
            vlan = access_vlan_;
            return VlanIngress::accept;
        case VlanMode::trunk: {
            if (!has_vlan_tag(p)) return VlanIngress::drop_untagged_on_trunk;
            const std::uint16_t id = vlan_tag_tci(p) & 0xFFF;
            if (!trunk_vlans_.test(id)) return VlanIngress::drop_vlan_not_allowed;
            vlan = id;
            return VlanIngress::accept;
        }
    }
    return VlanIngress::accept;
}

}  // namespace sy::l2
