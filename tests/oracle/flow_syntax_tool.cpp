// Oracle helper for the flow syntax: reads flow strings, one per line, on stdin, parses each
// as add-flow would, and prints one JSON line: {"ok":true,"match":..,"actions":..,"flow":..}
// with our normal forms, or {"ok":false,"error":..}. flow_syntax_oracle.py compares them with
// what `ovs-ofctl -O OpenFlow13 parse-flow` prints. Ports: a few fixed names (see kPorts).
// With --dump or --dump-no-stats each line is "DURATION_NS<TAB>FLOW" and the output is the
// dump-flows line we print for that flow (flow_dump_oracle.py compares it with a real OVS).
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
    const std::string option = argc > 1 ? argv[1] : "";
    if (option == "--del") mode = FlowParseMode::del;
    std::string line;
    if (option == "--dump" || option == "--dump-no-stats") {
        while (std::getline(std::cin, line)) {
            const std::size_t tab = line.find('\t');
            auto fm = parse_flow(line.substr(tab + 1), FlowParseMode::add, numbers);
            if (tab == std::string::npos || !fm) {
                std::cout << "error: " << (fm ? "no tab" : fm.status().message()) << '\n';
                continue;
            }
            FlowStats st;
            st.table = fm->table;
            st.priority = fm->priority;
            st.cookie = fm->cookie;
            st.idle_timeout = fm->idle_timeout;
            st.hard_timeout = fm->hard_timeout;
            st.flags = fm->flags;
            st.match = fm->match;
            st.instructions = fm->instructions;
            st.duration_ns = std::stoull(line.substr(0, tab));
            std::cout << format_flow_stats(st, numbers, option == "--dump") << '\n';
        }
        return 0;
    }
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
