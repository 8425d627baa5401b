#pragma once
// A tunnel port's options as JSON, one shape for the control socket's port.add ("tunnel")
// and the state file: {"remote": ["IP", ...] | "flow", "local": "IP", "key": VNI | "flow",
// "dst_port": N, "csum": bool, "ttl": N, "tos": N | "inherit", "df": bool}.

#include <nlohmann/json.hpp>

#include "base/status.hpp"
#include "port/tunnel/tunnel_options.hpp"

namespace sy::control {

nlohmann::json tunnel_to_json(const port::TunnelOptions& options);
// invalid_argument naming the field; the options are then checked as a whole
// (port::check_tunnel_options).
Result<port::TunnelOptions> tunnel_from_json(const nlohmann::json& j);

}  // namespace sy::control
