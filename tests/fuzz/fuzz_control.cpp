// Fuzzes the control protocol from the socket's point of view: the input is what a client
// sends (lines of would-be JSON-RPC), dispatched through the real registry and commands to a
// fake switch and fake host links (nothing touches the system). Every line must get a
// well-formed JSON-RPC response (or none, for a notification) and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../control/fake_host_links.hpp"
#include "../control/fake_switch.hpp"
#include "control/commands.hpp"
#include "control/json_rpc.hpp"
#include "control/log.hpp"

namespace {

void check_response(const std::string& text) {
    auto response = nlohmann::json::parse(text, nullptr, false);
    if (!response.is_object() || response.value("jsonrpc", "") != "2.0" ||
        (response.contains("result") == response.contains("error"))) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sy::control;
    g_log_enabled = false;
    testing::FakeSwitch sw;
    testing::FakeHost host;
    host.links = {"veth1", "veth2", "tap0"};
    SwitchService service(sw, StateStore(""), host.links_api(), Config{});
    CommandRegistry registry;
    register_all_commands(registry, service);
    Session session;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        const auto nl = input.find('\n');
        const auto line = input.substr(0, nl);
        if (auto response = dispatch_line(registry, line, session)) check_response(*response);
        if (nl == std::string_view::npos) break;
        input.remove_prefix(nl + 1);
    }
    // Whatever was configured must serialize and load back identically.
    auto reloaded = config_from_json(to_json(service.config()));
    if (!reloaded || to_json(*reloaded) != to_json(service.config())) std::abort();
    return 0;
}
