#include "flow/program.hpp"

namespace sy::flow {

const char* to_string(ProgramDrop reason) {
    switch (reason) {
        case ProgramDrop::none:
            return "none";
        case ProgramDrop::no_match:
            return "flow_no_match";
        case ProgramDrop::actions_drop:
            return "flow_drop";
        case ProgramDrop::ttl_expired:
            return "flow_ttl_expired";
        case ProgramDrop::too_many_resubmits:
            return "flow_too_many_resubmits";
        case ProgramDrop::too_many_ops:
            return "flow_too_many_ops";
        case ProgramDrop::count_:
            break;
    }
    return "?";
}

}  // namespace sy::flow
