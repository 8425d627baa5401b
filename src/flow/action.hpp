#pragma once
// One action of a flow, as ovs-actions(7) names them. A plain tagged struct (the fields a
// type does not use are ignored): flows are built and printed on the control path, and
// translation (flow/translate.hpp) turns a packet's walk through the tables into a flat
// Program the datapath executes.

#include <cstdint>
#include <vector>

#include "flow/field.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

enum class ActionType : std::uint8_t {
    output,        // port: a real port, or kOfpInPort/Normal/Flood/All/Local (NORMAL, FLOOD...)
    controller,    // a packet-in with up to max_len bytes (reason OFPR_ACTION)
    resubmit,      // look up table `table` (0xff: the current one) as if from `port`
                   //  (kOfpInPort: the packet's own in_port); then continue here
    set_field,     // field := (field & ~mask) | (value & mask); mod_nw_src, load, set_field...
    move,          // dst subfield := src subfield
    push_vlan,     // push an 802.1Q tag (ethertype 0x8100 or 0x88a8), VID 0 PCP 0
    pop_vlan,      // pop the outer tag (strip_vlan)
    mod_vlan_vid,  // OpenFlow 1.0 semantics: set the VID, pushing a tag if untagged (value)
    mod_vlan_pcp,  // the same for the PCP (value)
    dec_ttl,       // decrement IPv4 TTL / IPv6 hop limit; 0 or 1: stop, packet not sent
};

// Bits [ofs, ofs + n_bits) of a field ("NXM_NX_REG0[0..15]", "reg1[]" = the whole field).
struct SubField {
    FieldId field = FieldId::reg0;
    std::uint8_t ofs = 0;
    std::uint8_t n_bits = 0;
};

struct Action {
    ActionType type = ActionType::output;
    OfPort port = 0;                 // output, resubmit
    std::uint8_t table = 0xff;       // resubmit
    std::uint16_t max_len = 0xffff;  // controller (0xffff: the whole packet)
    std::uint16_t ethertype = 0;     // push_vlan
    FieldId field = FieldId::reg0;   // set_field
    FieldValue value = 0;            // set_field; mod_vlan_vid / mod_vlan_pcp
    FieldValue mask = 0;             // set_field (all ones of the field: a plain set)
    SubField src, dst;               // move

    bool operator==(const Action& o) const;
};

using ActionList = std::vector<Action>;

}  // namespace sy::flow
