#pragma once
// The kinds of port `add-port --type` (control param "type") can make, one row each: a new
// kind of port is one row here plus its datapath::PortKind and port::Port.

#include <span>
#include <string>
#include <string_view>

#include "datapath/switch.hpp"

namespace sy::control {

struct PortType {
    const char* name;  // --type NAME, "type": NAME; also how `show` names it
    datapath::PortKind kind;
    // The port is an existing interface of the host namespace: it must exist, be a usable
    // port (container/port_candidate.hpp) and is claimed against other daemons
    // (port_claim.hpp). Otherwise the port makes its device itself.
    bool host_interface;
    const char* summary;  // for --help and docs/cli.md
};

// Every type, the default ("system") first.
std::span<const PortType> port_types();
const PortType* find_port_type(std::string_view name);
const PortType& port_type_of(datapath::PortKind kind);
// "system, tap": for messages.
std::string port_type_names();

}  // namespace sy::control
