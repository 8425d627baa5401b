#include "flow/flow_syntax.hpp"

#include <fmt/format.h>

#include "flow/action_syntax.hpp"
#include "flow/match_syntax.hpp"
#include "flow/syntax_ports.hpp"
#include "flow/syntax_tokens.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

Status bad(std::string_view token, std::string_view why) {
    return Status(Errc::invalid_argument, fmt::format("\"{}\": {}", token, why));
}

bool takes_actions(FlowParseMode m) {
    return m == FlowParseMode::add || m == FlowParseMode::modify ||
           m == FlowParseMode::modify_strict;
}
bool strict(FlowParseMode m) {
    return m == FlowParseMode::modify_strict || m == FlowParseMode::del_strict;
}
bool takes_priority(FlowParseMode m) {
    return takes_actions(m) || strict(m);
}

FlowModCommand command_of(FlowParseMode m) {
    switch (m) {
        case FlowParseMode::add:
            return FlowModCommand::add;
        case FlowParseMode::modify:
            return FlowModCommand::modify;
        case FlowParseMode::modify_strict:
            return FlowModCommand::modify_strict;
        case FlowParseMode::del_strict:
            return FlowModCommand::del_strict;
        case FlowParseMode::del:
        case FlowParseMode::dump:
            break;
    }
    return FlowModCommand::del;
}

struct FlagName {
    std::string_view name;
    std::uint16_t flag;
};
constexpr FlagName kFlags[] = {
    {"send_flow_rem", kSendFlowRem},  {"check_overlap", kCheckOverlap},
    {"reset_counts", kResetCounts},   {"no_packet_counts", kNoPktCounts},
    {"no_byte_counts", kNoBytCounts},
};

// What dump-flows prints and a flow string may therefore contain; ignored like ovs-ofctl.
constexpr std::string_view kStatsKeys[] = {"duration", "n_packets", "n_bytes", "idle_age",
                                           "hard_age"};

// Messages quote what the user wrote; control characters in it (a NUL, a newline inside a
// token) are shown escaped, so the message stays one printable line.
Status printable(Status s) {
    if (s.is_ok()) return s;
    std::string out;
    for (unsigned char c : s.message()) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return Status(s.code(), out);
}

std::optional<std::uint64_t> cookie_number(std::string_view s) {
    if (s == "-1") return ~0ull;  // strtoull("-1"): ovs-ofctl's usual "all bits" mask
    return parse_keyword_integer(s);
}

class FlowParser {
  public:
    FlowParser(FlowParseMode mode, const PortNamer& ports)
        : mode_(mode), ports_(ports), match_(ports) {
        fm_.command = command_of(mode);
        fm_.table = mode == FlowParseMode::add ? 0 : kAllTables;
    }

    Result<FlowMod> parse(std::string_view text) {
        const FlowTextParts parts = split_actions(text);
        if (parts.found && !takes_actions(mode_)) {
            return bad(parts.actions_token.substr(
                           0, std::min<std::size_t>(parts.actions_token.size(), 60)),
                       fmt::format("{} takes no actions", verb_name(mode_)));
        }
        if (!parts.found && takes_actions(mode_)) {
            return Status(
                Errc::invalid_argument,
                fmt::format("{} needs actions (e.g. \"...,actions=drop\"; actions= comes last)",
                            verb_name(mode_)));
        }
        KeyValueReader reader(parts.match);
        KeyValue kv;
        while (reader.next(kv)) {
            if (Status s = keyword(kv); !s) return s;
        }
        auto match = match_.finish();
        if (!match) return match.status();
        fm_.match = *match;
        if (parts.found) {
            std::optional<std::uint8_t> table;
            if (fm_.table != kAllTables) table = fm_.table;
            auto ins = parse_instructions(parts.actions, ActionContext{fm_.match, table, ports_});
            if (!ins) return ins.status();
            fm_.instructions = std::move(*ins);
        }
        return fm_;
    }

  private:
    Status keyword(const KeyValue& kv) {
        if (auto s = match_.add(kv)) return *s;
        for (const FlagName& f : kFlags) {
            if (kv.key == f.name && kv.delim == '\0') {
                if (!takes_actions(mode_))
                    return bad(kv.text, fmt::format("{} takes no flags", verb_name(mode_)));
                fm_.flags |= f.flag;
                return Status::ok();
            }
        }
        for (std::string_view k : kStatsKeys) {
            if (kv.key == k) return Status::ok();
        }
        if (kv.key == "table") return table(kv);
        if (kv.key == "priority") {
            if (!takes_priority(mode_)) {
                return bad(kv.text, fmt::format("{} takes no priority (only with --strict)",
                                                verb_name(mode_)));
            }
            auto v = number(kv, 0xffff);
            if (!v) return v.status();
            fm_.priority = static_cast<std::uint16_t>(*v);
            return Status::ok();
        }
        if (kv.key == "idle_timeout" || kv.key == "hard_timeout") {
            if (!takes_actions(mode_))
                return bad(kv.text, fmt::format("{} takes no timeouts", verb_name(mode_)));
            auto v = number(kv, 0xffff);
            if (!v) return v.status();
            (kv.key == "idle_timeout" ? fm_.idle_timeout : fm_.hard_timeout) =
                static_cast<std::uint16_t>(*v);
            return Status::ok();
        }
        if (kv.key == "cookie") return cookie(kv);
        if (kv.key == "out_port") {
            if (takes_actions(mode_))
                return bad(kv.text, fmt::format("{} takes no out_port", verb_name(mode_)));
            auto port = parse_port(kv.value, ports_);
            if (!port) return bad(kv.text, port.status().message());
            fm_.out_port = *port;
            return Status::ok();
        }
        if (kv.key == "importance" || kv.key == "out_group") {
            return bad(kv.text, fmt::format("{} is not supported by switchyard", kv.key));
        }
        return Status(Errc::invalid_argument, fmt::format("unknown field \"{}\"", kv.key));
    }

    Result<std::uint64_t> number(const KeyValue& kv, std::uint64_t max) const {
        const auto v = parse_keyword_integer(kv.value);
        if (kv.value.empty()) return bad(kv.text, fmt::format("{} needs a value", kv.key));
        if (!v || *v > max)
            return bad(kv.text,
                       fmt::format("{} is not a valid {} (0 to {})", kv.value, kv.key, max));
        return *v;
    }

    Status table(const KeyValue& kv) {
        if (kv.value == "all" || kv.value == "255") {
            if (mode_ == FlowParseMode::add) {
                return bad(kv.text, "add-flow puts a flow in one table (0 to 254), not all");
            }
            fm_.table = kAllTables;
            return Status::ok();
        }
        const auto v = parse_keyword_integer(kv.value);
        if (!v || *v > 254) {
            return bad(kv.text, fmt::format("{} is not a table (0 to 254{})", kv.value,
                                            mode_ == FlowParseMode::add ? "" : ", or all"));
        }
        fm_.table = static_cast<std::uint8_t>(*v);
        return Status::ok();
    }

    Status cookie(const KeyValue& kv) {
        const std::size_t slash = kv.value.find('/');
        const auto value = cookie_number(kv.value.substr(0, slash));
        if (!value)
            return bad(kv.text, fmt::format("{} is not a valid cookie (a 64-bit number)",
                                            kv.value.substr(0, slash)));
        if (slash == std::string_view::npos) {
            if (mode_ != FlowParseMode::add) {
                return bad(kv.text,
                           fmt::format("{} selects flows by cookie with a mask: write "
                                       "cookie={}/-1 (switchyard does not rewrite cookies)",
                                       verb_name(mode_), kv.value));
            }
            fm_.cookie = *value;
            return Status::ok();
        }
        if (mode_ == FlowParseMode::add) return bad(kv.text, "add-flow cannot use a cookie mask");
        const auto mask = cookie_number(kv.value.substr(slash + 1));
        if (!mask)
            return bad(kv.text,
                       fmt::format("{} is not a valid cookie mask", kv.value.substr(slash + 1)));
        fm_.cookie = *value & *mask;
        fm_.cookie_mask = *mask;
        return Status::ok();
    }

    FlowParseMode mode_;
    const PortNamer& ports_;
    MatchParser match_;
    FlowMod fm_;
};

struct FileCommand {
    std::string_view word;
    FlowParseMode mode;
};
constexpr FileCommand kFileCommands[] = {
    {"add", FlowParseMode::add},
    {"modify", FlowParseMode::modify},
    {"modify_strict", FlowParseMode::modify_strict},
    {"delete", FlowParseMode::del},
    {"delete_strict", FlowParseMode::del_strict},
};

}  // namespace

std::string_view verb_name(FlowParseMode mode) {
    switch (mode) {
        case FlowParseMode::add:
            return "add-flow";
        case FlowParseMode::modify:
        case FlowParseMode::modify_strict:
            return "mod-flows";
        case FlowParseMode::del:
        case FlowParseMode::del_strict:
            return "del-flows";
        case FlowParseMode::dump:
            return "dump-flows";
    }
    return "?";
}

Result<FlowMod> parse_flow(std::string_view text, FlowParseMode mode, const PortNamer& ports) {
    FlowParser parser(mode, ports);
    auto fm = parser.parse(text);
    if (!fm) return printable(fm.status());
    return fm;
}

Result<std::vector<FlowMod>> parse_flow_file(std::string_view contents, FlowFileMode mode,
                                             const PortNamer& ports) {
    std::vector<FlowMod> flows;
    int line_number = 0;
    while (!contents.empty()) {
        const std::size_t nl = contents.find('\n');
        std::string_view line = contents.substr(0, nl);
        contents = nl == std::string_view::npos ? std::string_view{} : contents.substr(nl + 1);
        ++line_number;
        line = line.substr(0, line.find('#'));
        const std::size_t first = line.find_first_not_of(" \t\r\n");
        if (first == std::string_view::npos) continue;
        line.remove_prefix(first);

        FlowParseMode line_mode = FlowParseMode::add;
        if (mode == FlowFileMode::add_flows) {
            const std::string_view word = line.substr(0, line.find_first_of(", \t\r\n"));
            for (const FileCommand& c : kFileCommands) {
                if (word == c.word) {
                    line_mode = c.mode;
                    line.remove_prefix(word.size());
                    break;
                }
            }
        }
        auto fm = parse_flow(line, line_mode, ports);
        if (!fm) {
            return Status(Errc::invalid_argument,
                          fmt::format("line {}: {}", line_number, fm.status().message()));
        }
        flows.push_back(std::move(*fm));
    }
    return flows;
}

Result<FlowKey> parse_trace_flow(std::string_view text, const PortNamer& ports) {
    MatchParser parser(ports);
    KeyValueReader reader(text);
    KeyValue kv;
    while (reader.next(kv)) {
        auto s = parser.add(kv);
        if (!s)
            return printable(
                Status(Errc::invalid_argument, fmt::format("unknown field \"{}\"", kv.key)));
        if (!*s) return printable(*s);
    }
    auto match = parser.finish();
    if (!match) return printable(match.status());
    FlowKey key = match->key;
    const bool ip =
        match->mask.dl_type == 0xffff && (key.dl_type == 0x0800 || key.dl_type == 0x86dd);
    if (ip && match->mask.nw_ttl == 0) key.nw_ttl = 64;
    return key;
}

}  // namespace sy::flow
