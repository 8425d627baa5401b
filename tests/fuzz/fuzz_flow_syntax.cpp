// Fuzz target for the ovs-ofctl flow syntax: any input, in every verb's mode, as a flow file
// and as a trace flow, must give a FlowMod or one error line, never a crash, a hang or an
// exception. What parses must print back to text that parses to the same flow, and that text
// must be a fixed point of format(parse(..)). The first byte picks the mode; the rest is the
// text. Seeds: tests/fuzz/corpus/flow_syntax/ (one flow string per file, mode byte first).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flow/flow_format.hpp"
#include "flow/flow_syntax.hpp"
#include "flow/match_format.hpp"
#include "fuzz_require.hpp"

namespace {

using namespace sy::flow;

class FuzzPorts final : public PortNamer {
  public:
    std::optional<OfPort> number_of(std::string_view name) const override {
        if (name == "web0") return 1;
        if (name == "a b") return 2;
        return std::nullopt;
    }
    std::optional<std::string> name_of(OfPort n) const override {
        if (n == 1) return "web0";
        if (n == 2) return "a b";
        return std::nullopt;
    }
};

void check_message(const sy::Status& s) {
    SY_FUZZ_REQUIRE(!s.is_ok());
    SY_FUZZ_REQUIRE(!s.message().empty());
    SY_FUZZ_REQUIRE(s.message().find('\n') == std::string::npos);
}

void check_flow(const FlowMod& fm, FlowParseMode mode, const PortNamer& ports) {
    if (mode == FlowParseMode::add) {
        const std::string text = format_flow_mod(fm, ports);
        auto again = parse_flow(text, mode, ports);
        SY_FUZZ_REQUIRE(again.is_ok());
        SY_FUZZ_REQUIRE(again->match == fm.match);
        SY_FUZZ_REQUIRE(again->instructions == fm.instructions);
        SY_FUZZ_REQUIRE(again->priority == fm.priority && again->table == fm.table &&
                        again->cookie == fm.cookie);
        SY_FUZZ_REQUIRE(format_flow_mod(*again, ports) == text);
        FlowStats st;
        st.match = fm.match;
        st.instructions = fm.instructions;
        (void)format_flow_stats(st, ports, true);
        (void)flow_stats_json(st, ports).dump();
    } else {
        auto again = parse_flow(format_match(fm.match, ports), FlowParseMode::dump, ports);
        SY_FUZZ_REQUIRE(again.is_ok());
        SY_FUZZ_REQUIRE(again->match == fm.match);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const FuzzPorts ports;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const unsigned selector = data[0] % 8;
    if (selector < 6) {
        const auto mode = static_cast<FlowParseMode>(selector);
        auto fm = parse_flow(text, mode, ports);
        if (fm) {
            check_flow(*fm, mode, ports);
        } else {
            check_message(fm.status());
        }
    } else if (selector == 6) {
        auto flows = parse_flow_file(
            text, data[0] & 8 ? FlowFileMode::replace_flows : FlowFileMode::add_flows, ports);
        if (!flows) check_message(flows.status());
    } else {
        auto key = parse_trace_flow(text, ports);
        if (!key) check_message(key.status());
    }
    return 0;
}
