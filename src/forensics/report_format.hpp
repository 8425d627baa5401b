#pragma once
// Small formatting helpers shared by the text and JSON reports.

#include <string>

#include "forensics/sighting.hpp"
#include "forensics/verdict.hpp"

namespace sy::forensics {

std::string address_text(const Flow& f, bool source);
std::string flow_text(const Flow& f);  // "10.0.0.1:80 → 10.0.0.2:4000"
const char* proto_name(std::uint8_t proto);
std::string tcp_flags_text(std::uint8_t flags);  // tcpdump letters, e.g. "SA", "FPA"
const char* basis_text(Basis b);
const char* tunnel_name(net::TunnelKind t);  // "vxlan", "geneve", "none"

}  // namespace sy::forensics
