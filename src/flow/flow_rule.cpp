#include "flow/flow_rule.hpp"

namespace sy::flow {

FlowStats FlowRule::stats(std::uint64_t now_ns) const {
    auto since = [now_ns](std::uint64_t t) { return now_ns > t ? now_ns - t : 0; };
    FlowStats s;
    s.table = table;
    s.priority = priority;
    s.cookie = cookie;
    s.idle_timeout = idle_timeout;
    s.hard_timeout = hard_timeout;
    s.flags = flags;
    s.match = match;
    s.instructions = instructions;
    s.n_packets = counters.packets();
    s.n_bytes = counters.bytes();
    s.duration_ns = since(created_ns);
    s.idle_ns = since(counters.last_used_ns());
    s.hard_age_ns = since(modified_ns);
    return s;
}

}  // namespace sy::flow
