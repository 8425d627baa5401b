#include "datapath/drop_reason.hpp"

namespace sy::datapath {

const char* to_string(DropReason reason) {
    switch (reason) {
        case DropReason::runt:
            return "runt";
        case DropReason::vlan_tagged_on_access:
            return "vlan_tagged_on_access";
        case DropReason::vlan_untagged_on_trunk:
            return "vlan_untagged_on_trunk";
        case DropReason::vlan_not_allowed:
            return "vlan_not_allowed";
        case DropReason::vlan_no_headroom:
            return "vlan_no_headroom";
        case DropReason::no_destination:
            return "no_destination";
        case DropReason::flood_no_buffer:
            return "flood_no_buffer";
        case DropReason::port_down:
            return "port_down";
        case DropReason::count_:
            break;
    }
    return "unknown";
}

}  // namespace sy::datapath
