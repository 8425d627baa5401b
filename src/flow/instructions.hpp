#pragma once
// What a flow does when it matches: the OpenFlow 1.3 instructions, in the order the
// specification executes them (apply_actions, clear_actions, write_actions, write_metadata,
// goto_table). ovs-ofctl writes them all inside "actions=": plain actions are apply_actions,
// and clear_actions, write_actions(...), write_metadata:V/M and goto_table:N are instructions.
// No actions at all (actions=drop) means the packet is dropped unless goto_table continues.

#include <cstdint>
#include <optional>

#include "flow/action.hpp"

namespace sy::flow {

struct WriteMetadata {
    std::uint64_t value = 0;
    std::uint64_t mask = ~0ull;
    bool operator==(const WriteMetadata&) const = default;
};

struct Instructions {
    ActionList apply;                         // executed now, in order
    bool clear_actions = false;               // empty the packet's action set
    std::optional<ActionList> write_actions;  // merged into the action set (one per type)
    std::optional<WriteMetadata> write_metadata;
    std::optional<std::uint8_t> goto_table;  // must be greater than the flow's own table

    bool operator==(const Instructions&) const = default;
    // The ports this flow can output to directly (for del-flows out_port=).
    bool outputs_to(OfPort port) const;
};

}  // namespace sy::flow
