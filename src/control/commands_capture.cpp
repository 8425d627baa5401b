// capture.start, capture.stop. A capture belongs to the connection that started it: when the
// client goes away (Ctrl-C, killed), the daemon stops it, so no capture runs forever unowned.
#include <fmt/core.h>

#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

Result<datapath::CaptureDirection> parse_direction(const std::string& text) {
    if (text == "in") return datapath::CaptureDirection::in;
    if (text == "out") return datapath::CaptureDirection::out;
    if (text == "both") return datapath::CaptureDirection::both;
    return Status(Errc::invalid_argument,
                  fmt::format("direction '{}' is not 'in', 'out' or 'both'", text));
}

std::string capture_key(const std::string& bridge, const std::string& port) {
    return fmt::format("capture {}/{}", bridge, port);
}

}  // namespace

void register_capture_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("capture.start",
                 "capture {port} of {bridge} to pcapng {path} (absolute) [direction]; stops "
                 "when this connection closes",
                 [&service](const json& params, Session& session) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto port = p.required_string("port");
                     if (!port) return port.status();
                     auto path = p.required_string("path");
                     if (!path) return path.status();
                     if ((*path)[0] != '/') {
                         return Status(Errc::invalid_argument,
                                       fmt::format("capture path '{}' must be absolute", *path));
                     }
                     auto direction_text = p.optional_string("direction");
                     if (!direction_text) return direction_text.status();
                     auto direction = parse_direction(direction_text->value_or("both"));
                     if (!direction) return direction.status();
                     if (Status s = service.start_capture(*bridge, *port, *direction, *path); !s) {
                         return s;
                     }
                     session.on_close(
                         capture_key(*bridge, *port),
                         [&service, b = *bridge, pt = *port] { service.stop_capture(b, pt); });
                     return json{{"bridge", *bridge}, {"port", *port}, {"path", *path}};
                 });
    registry.add("capture.stop", "stop the capture of {port} on {bridge}",
                 [&service](const json& params, Session& session) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto port = p.required_string("port");
                     if (!port) return port.status();
                     if (Status s = service.stop_capture(*bridge, *port); !s) return s;
                     session.cancel(capture_key(*bridge, *port));
                     return json{{"bridge", *bridge}, {"port", *port}};
                 });
}

}  // namespace sy::control
