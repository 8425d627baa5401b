#pragma once
// Ports in the ovs-ofctl syntax (in_port=, output:, resubmit, out_port=): a decimal number, a
// reserved name (IN_PORT, NORMAL, LOCAL, ..., case-insensitive), or the name of one of the
// bridge's ports, bare or in double quotes. Printed back as ovs-ofctl prints them: reserved
// names, then port names (quoted unless a letter followed by letters and digits), then
// numbers.

#include <string>
#include <string_view>

#include "base/status.hpp"
#include "flow/ofport.hpp"

namespace sy::flow {

// Errc::invalid_argument with the reason only ("no port named foo on this bridge"); the
// caller names the token.
Result<OfPort> parse_port(std::string_view text, const PortNamer& ports);
std::string format_port(OfPort port, const PortNamer& ports);

}  // namespace sy::flow
