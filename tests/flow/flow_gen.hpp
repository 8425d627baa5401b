#pragma once
// rapidcheck draws of matches, actions and packet keys over small value pools, so that
// random flows overlap, tie, shadow each other and random packets hit them. Call only
// inside a property (each `*gen` is a shrinkable draw).

#include <rapidcheck.h>

#include <vector>

#include "testlib/flow_builders.hpp"

namespace sy::flow::gen {

namespace fb = testlib::fb;

inline bool coin(int one_in = 2) {
    return *rc::gen::inRange(0, one_in) == 0;
}
template <typename T>
T pick(std::initializer_list<T> values) {
    return *rc::gen::elementOf(std::vector<T>(values));
}
inline std::uint32_t small() {
    return static_cast<std::uint32_t>(*rc::gen::inRange(0, 4));
}
inline std::uint32_t addr() {
    return fb::ipv4(10, 0, small(), small());
}

// What a match says about the packet, for choosing actions it gives meaning to.
struct MatchKind {
    bool ip = false, arp = false, ipv6 = false, ports = false;
};

inline Match match(MatchKind* kind = nullptr) {
    Match m;
    MatchKind k;
    if (coin(3)) m.set(FieldId::in_port, 1 + small() % 3);
    switch (*rc::gen::inRange(0, 4)) {
        case 1: {
            k.ip = true;
            m.set(FieldId::dl_type, 0x0800);
            const int proto = *rc::gen::inRange(0, 4);
            if (proto == 1 || proto == 2) {
                k.ports = true;
                m.set(FieldId::nw_proto, proto == 1 ? 6 : 17);
                if (coin()) m.set(FieldId::tp_dst, small(), pick<FieldValue>({0x3, 0x1, 0xffff}));
                if (coin(3)) m.set(FieldId::tp_src, small());
            } else if (proto == 3) {
                m.set(FieldId::nw_proto, 1);
            }
            if (coin())
                m.set(FieldId::nw_dst, addr(),
                      pick<FieldValue>({0xffff0000u, 0xffffff00u, 0xfffffffcu, 0xffffffffu}));
            if (coin(3))
                m.set(FieldId::nw_src, addr(), pick<FieldValue>({0x1u, 0x100u, 0xffffffffu}));
            if (coin(4)) m.set(FieldId::nw_ttl, pick<FieldValue>({0, 1, 2, 64}));
            if (coin(4))
                m.set(FieldId::nw_frag, pick<FieldValue>({0, 1, 3}), pick<FieldValue>({1, 2, 3}));
            break;
        }
        case 2:
            k.arp = true;
            m.set(FieldId::dl_type, 0x0806);
            if (coin()) m.set(FieldId::nw_src, addr());
            break;
        case 3:
            k.ipv6 = true;
            m.set(FieldId::dl_type, 0x86dd);
            if (coin()) m.set(FieldId::ipv6_dst, small());
            break;
        default:
            break;
    }
    if (coin(2)) m.set(FieldId::reg0, small(), pick<FieldValue>({1, 2, 3}));
    if (coin(3)) m.set(FieldId::reg1, small(), pick<FieldValue>({1, 2, 3}));
    if (coin(4)) m.set(FieldId::metadata, small(), pick<FieldValue>({1, 3}));
    if (coin(3))
        m.set(FieldId::vlan_tci, pick<FieldValue>({0, 0x1001, 0x1002, 0x3001}),
              pick<FieldValue>({0x1000, 0x0fff, 0xffff, 0x1fff}));
    if (coin(4)) m.set(FieldId::dl_dst, small());
    if (kind != nullptr) *kind = k;
    return m;
}

inline FlowKey key() {
    FlowKey k;
    k.in_port = 1 + small() % 3;
    k.dl_type = pick<std::uint16_t>({0x0800, 0x0800, 0x0806, 0x86dd, 0x88cc});
    k.dl_dst[5] = static_cast<std::uint8_t>(small());
    k.dl_src[5] = static_cast<std::uint8_t>(small());
    k.vlan_tci = pick<std::uint16_t>({0, 0, 0x1001, 0x1002, 0x3001});
    k.regs[0] = small();
    k.metadata = small() % 2;  // as the datapath starts it: 0, but let the mask show
    if (k.dl_type == 0x0800) {
        k.nw_src = addr();
        k.nw_dst = addr();
        k.nw_proto = pick<std::uint8_t>({6, 6, 17, 1, 50});
        k.nw_ttl = pick<std::uint8_t>({0, 1, 2, 64});
        k.nw_frag = pick<std::uint8_t>({0, 0, 1, 3});
        k.nw_tos = pick<std::uint8_t>({0, 0xb9});
        if ((k.nw_proto == 6 || k.nw_proto == 17) && !(k.nw_frag & kFragLater)) {
            k.tp_src = static_cast<std::uint16_t>(small());
            k.tp_dst = pick<std::uint16_t>({0, 1, 2, 3, 80});
        }
    } else if (k.dl_type == 0x0806) {
        k.nw_src = addr();
        k.nw_dst = addr();
        k.nw_proto = 1;
    } else if (k.dl_type == 0x86dd) {
        k.ipv6_dst[15] = static_cast<std::uint8_t>(small());
        k.nw_proto = pick<std::uint8_t>({6, 58});
        k.nw_ttl = pick<std::uint8_t>({1, 64});
    }
    return k;
}

// `k` where `mask` says, `other` elsewhere: a key the megaflow of `k` covers.
inline FlowKey agreeing(const FlowKey& k, const FlowKey& other, const FlowMask& mask) {
    FlowKey out;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) {
        out.words()[i] = (k.words()[i] & mask.words()[i]) | (other.words()[i] & ~mask.words()[i]);
    }
    return out;
}

inline Action action(const MatchKind& k, bool for_action_set) {
    for (;;) {
        // Moves and resubmits twice as likely: a moved value matters once a later lookup
        // or write reads it.
        int what = *rc::gen::inRange(0, 26);
        if (what >= 17) what = what < 21 ? 9 + (what - 17) : 14;
        switch (what) {
            case 0:
                return fb::output(pick<OfPort>(
                    {1, 2, 3, 4, kOfpInPort, kOfpNormal, kOfpFlood, kOfpAll, kOfpLocal}));
            case 1:
                if (for_action_set) continue;
                return fb::controller(pick<std::uint16_t>({0, 128}));
            case 2:
                return fb::set_masked(pick({FieldId::reg0, FieldId::reg1}), small(),
                                      pick<FieldValue>({1, 3, 0xffffffff}));
            case 3:
                if (!k.ip && !k.arp) continue;
                return coin() ? fb::set(FieldId::nw_dst, addr())
                              : fb::set_masked(FieldId::nw_dst, small(), 0x3);
            case 4:
                if (!k.ports) continue;
                return fb::set_masked(FieldId::tp_dst, small(), pick<FieldValue>({0x3, 0xffff}));
            case 5:
                return fb::set(FieldId::dl_dst, small());
            case 6: {
                const FieldId f = pick({FieldId::dl_vlan, FieldId::vlan_vid, FieldId::vlan_pcp,
                                        FieldId::vlan_tci, FieldId::dl_vlan_pcp});
                const FieldValue all = field_all_ones(f);
                return fb::set_masked(f, pick<FieldValue>({0, 1, 0x1002, 0xffff}) & all,
                                      coin() ? all : (all & 0x1003));
            }
            case 7:
                return coin() ? fb::mod_vlan_vid(small()) : fb::mod_vlan_pcp(small());
            case 8:
                return coin() ? fb::push_vlan(pick<std::uint16_t>({0x8100, 0x88a8}))
                              : fb::pop_vlan();
            case 9:
                return fb::move(FieldId::reg0, 0, 2, FieldId::reg1, small() % 2);
            case 10:
                if (!k.ip && !k.arp) continue;
                return coin() ? fb::move(FieldId::nw_src, 0, 8, FieldId::reg0, 0)
                              : fb::move(FieldId::reg1, 0, 2, FieldId::nw_dst, small());
            case 11:
                if (!k.ports) continue;
                return fb::move(FieldId::reg0, 0, 16, FieldId::tp_dst, 0);
            case 12:
                return fb::move(FieldId::in_port, 0, 32, FieldId::reg1, 0);
            case 13:
                return fb::dec_ttl();
            case 14:
                return fb::resubmit(static_cast<std::uint8_t>(small() % 3),
                                    coin() ? kOfpInPort : 2);
            case 15:
                if (for_action_set) continue;
                return fb::set(FieldId::in_port, 1 + small() % 3);
            case 16:
                return fb::move(FieldId::vlan_tci, 0, 13, FieldId::reg0, 0);
        }
    }
}

inline ActionList actions(const MatchKind& k, bool for_action_set, int max) {
    ActionList out;
    const int n = *rc::gen::inRange(0, max + 1);
    for (int i = 0; i < n; ++i) out.push_back(action(k, for_action_set));
    return out;
}

// A random flow for table `table` of `n_tables`; a catch-all is priority 0 and matches all.
inline FlowMod flow(std::uint8_t table, int n_tables, bool catch_all = false) {
    MatchKind k;
    const Match m = catch_all ? Match{} : match(&k);
    const auto priority = static_cast<std::uint16_t>(catch_all ? 0 : 1 + small() % 3);
    FlowMod f = fb::add(table, priority, m, actions(k, false, 6));
    if (coin()) f.instructions.apply.push_back(fb::output(pick<OfPort>({1, 2, 3, kOfpNormal})));
    if (coin(3)) f.instructions.clear_actions = true;
    if (coin(3)) f.instructions.write_actions = actions(k, true, 3);
    if (coin(4))
        f.instructions.write_metadata = WriteMetadata{small(), pick<std::uint64_t>({1, 3, ~0ull})};
    if (table + 1 < n_tables && coin(3)) {
        f.instructions.goto_table =
            static_cast<std::uint8_t>(*rc::gen::inRange<int>(table + 1, n_tables));
    }
    return f;
}

}  // namespace sy::flow::gen
