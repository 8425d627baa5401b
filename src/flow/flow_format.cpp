#include "flow/flow_format.hpp"

#include <fmt/format.h>

#include "flow/action_format.hpp"
#include "flow/match_format.hpp"

namespace sy::flow {
namespace {

struct FlagName {
    std::uint16_t flag;
    const char* name;
};
constexpr FlagName kFlagNames[] = {
    {kSendFlowRem, "send_flow_rem"},  {kCheckOverlap, "check_overlap"},
    {kResetCounts, "reset_counts"},   {kNoPktCounts, "no_packet_counts"},
    {kNoBytCounts, "no_byte_counts"},
};

// ovs-ofctl's ofp_print_duration: whole seconds, then 3 decimals when the fraction is
// whole milliseconds, else as many as it takes.
std::string duration_text(std::uint64_t ns) {
    const std::uint64_t sec = ns / 1'000'000'000;
    const auto nsec = static_cast<std::uint32_t>(ns % 1'000'000'000);
    std::string s = fmt::format("{}", sec);
    if (nsec != 0) {
        if (nsec % 1'000'000 == 0) {
            s += fmt::format(".{:03}", nsec / 1'000'000);
        } else {
            std::string frac = fmt::format("{:09}", nsec);
            while (frac.back() == '0') frac.pop_back();
            s += "." + frac;
        }
    }
    return s + "s";
}

// Everything from the timeouts on: "idle_timeout=10, send_flow_rem priority=5,tcp actions=..".
std::string tail(std::uint16_t idle, std::uint16_t hard, std::uint16_t flags,
                 std::uint16_t priority, const Match& match, const Instructions& ins,
                 const PortNamer& ports) {
    std::string s;
    if (idle != 0) s += fmt::format("idle_timeout={}, ", idle);
    if (hard != 0) s += fmt::format("hard_timeout={}, ", hard);
    for (const FlagName& f : kFlagNames) {
        if (flags & f.flag) s += fmt::format("{} ", f.name);
    }
    const std::string m = format_match(match, ports, priority);
    if (!m.empty()) s += m + " ";
    return s + "actions=" + format_instructions(ins, ports);
}

}  // namespace

std::string format_flow_stats(const FlowStats& f, const PortNamer& ports, bool show_stats) {
    std::string s = " ";
    if (show_stats || f.cookie != 0) s += fmt::format("cookie={:#x}, ", f.cookie);
    if (show_stats) s += "duration=" + duration_text(f.duration_ns) + ", ";
    if (show_stats || f.table != 0) s += fmt::format("table={}, ", f.table);
    if (show_stats) s += fmt::format("n_packets={}, n_bytes={}, ", f.n_packets, f.n_bytes);
    return s + tail(f.idle_timeout, f.hard_timeout, f.flags, f.priority, f.match, f.instructions,
                    ports);
}

nlohmann::json flow_stats_json(const FlowStats& f, const PortNamer& ports) {
    nlohmann::json match = nlohmann::json::object();
    for (const MatchItem& item : match_items(f.match, ports)) {
        if (item.value.empty()) {
            match["protocol"] = item.name;
        } else {
            match[item.name] = item.value;
        }
    }
    nlohmann::json flags = nlohmann::json::array();
    for (const FlagName& fl : kFlagNames) {
        if (f.flags & fl.flag) flags.push_back(fl.name);
    }
    return {
        {"cookie", fmt::format("{:#x}", f.cookie)},
        {"duration", static_cast<double>(f.duration_ns) / 1e9},
        {"table", f.table},
        {"priority", f.priority},
        {"n_packets", f.n_packets},
        {"n_bytes", f.n_bytes},
        {"idle_timeout", f.idle_timeout},
        {"hard_timeout", f.hard_timeout},
        {"idle_age", f.idle_ns / 1'000'000'000},
        {"flags", flags},
        {"match", match},
        {"actions", instruction_strings(f.instructions, ports)},
    };
}

std::string format_flow_mod(const FlowMod& fm, const PortNamer& ports) {
    std::string s;
    if (fm.cookie != 0) s += fmt::format("cookie={:#x}, ", fm.cookie);
    if (fm.table != 0) s += fmt::format("table={}, ", fm.table);
    return s + tail(fm.idle_timeout, fm.hard_timeout, fm.flags, fm.priority, fm.match,
                    fm.instructions, ports);
}

}  // namespace sy::flow
