// Oracle helper for the flow syntax: reads flow strings, one per line, on stdin, parses each
// as add-flow would, and prints one JSON line: {"ok":true,"match":..,"actions":..,"flow":..}
// with our normal forms, or {"ok":false,"error":..}. flow_syntax_oracle.py compares them with
// what `ovs-ofctl -O OpenFlow13 parse-flow` prints. Ports: a few fixed names (see kPorts).
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "flow/action_format.hpp"
#include "flow/flow_format.hpp"
#include "flow/flow_syntax.hpp"
#include "flow/match_format.hpp"

namespace {

using namespace sy::flow;

// Names the oracle script also knows (it gives ovs-ofctl numbers instead of names).
class OracleNames final : public PortNamer {
  public:
    std::optional<OfPort> number_of(std::string_view name) const override {
        auto it = kPorts.find(std::string(name));
        if (it == kPorts.end()) return std::nullopt;
        return it->second;
    }
    std::optional<std::string> name_of(OfPort) const override { return std::nullopt; }

  private:
    const std::map<std::string, OfPort> kPorts = {
        {"web0", 1}, {"web1", 2}, {"db0", 3}, {"trunk", 10}};
};

}  // namespace

int main(int argc, char** argv) {
    const OracleNames names;
    const NoPortNames numbers;
    FlowParseMode mode = FlowParseMode::add;
    if (argc > 1 && std::string(argv[1]) == "--del") mode = FlowParseMode::del;
    std::string line;
    while (std::getline(std::cin, line)) {
        nlohmann::json out;
        auto fm = parse_flow(line, mode, names);
        if (!fm) {
            out = {{"ok", false}, {"error", fm.status().message()}};
        } else {
            out = {{"ok", true},
                   {"match", format_match(fm->match, numbers)},
                   {"priority", fm->priority},
                   {"table", fm->table},
                   {"cookie", fm->cookie},
                   {"actions", format_instructions(fm->instructions, numbers)},
                   {"flow", format_flow_mod(*fm, numbers)}};
            // Round trip: our own output must parse back to the same FlowMod.
            if (mode == FlowParseMode::add) {
                auto again = parse_flow(out["flow"].get<std::string>(), mode, numbers);
                out["roundtrip"] = again && again->match == fm->match &&
                                   again->instructions == fm->instructions &&
                                   again->priority == fm->priority && again->table == fm->table &&
                                   again->cookie == fm->cookie;
                if (!again) out["roundtrip_error"] = again.status().message();
            }
        }
        std::cout << out.dump() << '\n';
    }
    return 0;
}
