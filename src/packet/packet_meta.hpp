#pragma once
// What the pipeline learns about a packet once and every later step reads: the offsets of
// every header level (outer, and inner of a tunnel), from one parse. Nobody parses a packet
// twice: the first stage that needs the headers parses (ensure_parsed), and whatever moves
// headers (VLAN push/pop, encapsulation) keeps the offsets in step or marks them stale.

#include "net/parse.hpp"

namespace sy {

struct PacketMeta {
    net::ParsedHeaders hdr;  // valid when `parsed`
    bool parsed = false;
};

}  // namespace sy
