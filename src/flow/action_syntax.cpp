#include "flow/action_syntax.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "flow/action_canonical.hpp"
#include "flow/field_syntax.hpp"
#include "flow/match_syntax.hpp"
#include "flow/subfield_syntax.hpp"
#include "flow/syntax_ports.hpp"
#include "flow/syntax_tokens.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

Status bad(std::string_view token, std::string_view why) {
    return Status(Errc::invalid_argument, fmt::format("\"{}\": {}", token, why));
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Where in the OpenFlow 1.3 instruction order a token belongs.
enum class Stage { apply = 0, clear_actions, write_actions, write_metadata, goto_table };
constexpr std::string_view kStageNames[] = {"apply_actions", "clear_actions", "write_actions",
                                            "write_metadata", "goto_table"};

constexpr int kMaxNesting = 4;

// What the actions so far have done to the packet, as far as the checks care.
struct PacketState {
    bool vlan = false;  // it certainly carries a tag here
};

bool match_has_tag(const Match& m) {
    return (m.mask.vlan_tci & kVlanPresent) != 0 && (m.key.vlan_tci & kVlanPresent) != 0;
}

// The prerequisite of writing `field` (what ovs-ofctl checks for set_field): IPv4 addresses
// under ip, not arp (ARP has arp_spa/arp_tpa).
Prereq write_prereq(FieldId field) {
    const Prereq p = field_info(field).prereq;
    if (p == Prereq::ipv4_or_arp) return Prereq::ipv4;
    if (p == Prereq::ip_any_or_arp) return Prereq::ip_any;
    return p;
}

bool needs_tag(FieldId field) {
    return field == FieldId::vlan_vid || field == FieldId::vlan_pcp || field == FieldId::dl_vlan ||
           field == FieldId::dl_vlan_pcp;
}

class Parser {
  public:
    explicit Parser(const ActionContext& c) : c_(c) {}

    Status parse(std::string_view text, Instructions& out) {
        PacketState state;
        state.vlan = match_has_tag(c_.match);
        return parse_list(text, out.apply, &out, state, 0);
    }

  private:
    // A list of actions (and, at the top level, instructions). `ins` is null inside
    // write_actions(...).
    Status parse_list(std::string_view text, ActionList& list, Instructions* ins, PacketState state,
                      int depth) {
        KeyValueReader reader(text);
        KeyValue kv;
        Stage stage = Stage::apply;
        bool any = false;
        std::string_view drop_token;
        while (reader.next(kv)) {
            const std::string key = lower(kv.key);
            if (key == "drop") {
                drop_token = kv.text;
                continue;
            }
            any = true;
            const Stage next = stage_of(key);
            if (next != Stage::apply) {
                if (ins == nullptr) {
                    return bad(kv.text, fmt::format("{} is an instruction, not allowed inside "
                                                    "write_actions(...)",
                                                    key));
                }
                if (next == stage) return bad(kv.text, fmt::format("{} given twice", key));
                if (next < stage) {
                    return bad(kv.text,
                               fmt::format("{} must come before {} (the order is: actions, "
                                           "clear_actions, write_actions, write_metadata, "
                                           "goto_table)",
                                           kStageNames[static_cast<int>(next)],
                                           kStageNames[static_cast<int>(stage)]));
                }
                stage = next;
                if (Status s = instruction(kv, key, *ins, state, depth); !s) return s;
                continue;
            }
            if (stage != Stage::apply) {
                return bad(kv.text, fmt::format("an action cannot follow {} (the order is: "
                                                "actions, clear_actions, write_actions, "
                                                "write_metadata, goto_table)",
                                                kStageNames[static_cast<int>(stage)]));
            }
            if (Status s = action(kv, key, list, state); !s) return s;
        }
        if (!drop_token.empty() && any) {
            return bad(drop_token,
                       "drop must not be accompanied by any other action or instruction");
        }
        return Status::ok();
    }

    static Stage stage_of(const std::string& key) {
        if (key == "clear_actions") return Stage::clear_actions;
        if (key == "write_actions") return Stage::write_actions;
        if (key == "write_metadata") return Stage::write_metadata;
        if (key == "goto_table") return Stage::goto_table;
        return Stage::apply;
    }

    Status instruction(const KeyValue& kv, const std::string& key, Instructions& ins,
                       PacketState state, int depth) {
        if (key == "clear_actions") {
            if (!kv.value.empty()) return bad(kv.text, "clear_actions takes no argument");
            ins.clear_actions = true;
            return Status::ok();
        }
        if (key == "write_actions") {
            if (kv.delim != '(')
                return bad(kv.text, "write the action set as write_actions(ACTIONS)");
            if (depth >= kMaxNesting) return bad(kv.text, "actions nested too deeply");
            ActionList nested;
            if (Status s = parse_list(kv.value, nested, nullptr, state, depth + 1); !s) return s;
            ins.write_actions = std::move(nested);
            return Status::ok();
        }
        if (key == "write_metadata") {
            const std::size_t slash = kv.value.find('/');
            const auto v = parse_keyword_integer(kv.value.substr(0, slash));
            const auto m = slash == std::string_view::npos
                               ? std::optional<std::uint64_t>(~0ull)
                               : parse_keyword_integer(kv.value.substr(slash + 1));
            if (!v || !m)
                return bad(kv.text, "write_metadata needs VALUE or VALUE/MASK (64-bit numbers)");
            ins.write_metadata = WriteMetadata{*v & *m, *m};
            return Status::ok();
        }
        // goto_table
        const auto t = parse_keyword_integer(kv.value);
        if (!t || *t > 254)
            return bad(kv.text, fmt::format("{} is not a table (0 to 254)", kv.value));
        if (c_.table && *t <= *c_.table) {
            return bad(kv.text, fmt::format("goto_table must go to a later table than this flow's "
                                            "(table {})",
                                            *c_.table));
        }
        ins.goto_table = static_cast<std::uint8_t>(*t);
        return Status::ok();
    }

    Status need(const KeyValue& kv, std::string_view name, Prereq prereq) const {
        if (prereq_met(prereq, c_.match.key, c_.match.mask)) return Status::ok();
        return bad(kv.text, prerequisite_message(name, prereq, c_.match, true));
    }

    Status need_tag(const KeyValue& kv, std::string_view name, const PacketState& state) const {
        if (state.vlan) return Status::ok();
        return bad(kv.text, fmt::format("{} requires a VLAN tag (match one with dl_vlan= or "
                                        "vlan_tci=0x1000/0x1000, or push_vlan first)",
                                        name));
    }

    Status write_check(const KeyValue& kv, FieldId field, const PacketState& state) const {
        const FieldInfo& f = field_info(field);
        if (!f.writable) return bad(kv.text, fmt::format("{} cannot be written", f.name));
        if (needs_tag(field)) return need_tag(kv, f.name, state);
        return need(kv, f.name, write_prereq(field));
    }

    static void after_write(FieldId field, FieldValue value, FieldValue mask, PacketState& state) {
        if (field == FieldId::vlan_tci && (mask & kVlanPresent))
            state.vlan = (value & kVlanPresent) != 0;
    }

    Status add_set_field(const KeyValue& kv, FieldId field, FieldValue value, FieldValue mask,
                         ActionList& list, PacketState& state) {
        if (Status s = write_check(kv, field, state); !s) return s;
        Action a;
        a.type = ActionType::set_field;
        a.field = field;
        a.value = value & mask;
        a.mask = mask;
        list.push_back(a);
        after_write(field, value, mask, state);
        return Status::ok();
    }

    Result<std::uint64_t> number(const KeyValue& kv, std::string_view what,
                                 std::uint64_t max) const {
        const auto v = parse_keyword_integer(kv.value);
        if (!v || *v > max) {
            return Status(Errc::invalid_argument,
                          fmt::format("\"{}\": {} is not a valid {} (0 to {})", kv.text, kv.value,
                                      what, max));
        }
        return *v;
    }

    Status output(const KeyValue& kv, OfPort port, ActionList& list) const {
        if (port == kOfpController) {
            Action a;
            a.type = ActionType::controller;
            a.max_len = 0xffff;
            list.push_back(a);
            return Status::ok();
        }
        if (port == kOfpTable) return bad(kv.text, "output to TABLE is only valid in a packet-out");
        if (port == kOfpAny) return bad(kv.text, "ANY is not a port to send to");
        if (port >= kOfpMax && !reserved_port_name(port)) {
            return bad(kv.text, fmt::format("{} is not a valid output port", port));
        }
        Action a;
        a.type = ActionType::output;
        a.port = port;
        list.push_back(a);
        return Status::ok();
    }

    Status action(const KeyValue& kv, const std::string& key, ActionList& list,
                  PacketState& state) {
        if (key == "output") {
            auto port = parse_port(kv.value, c_.ports);
            if (!port) return bad(kv.text, port.status().message());
            return output(kv, *port, list);
        }
        if (key == "controller") return controller(kv, list);
        if (key == "resubmit") return resubmit(kv, list);
        if (key == "mod_dl_src" || key == "mod_dl_dst") {
            const auto mac = parse_ethernet(kv.value);
            if (!mac) return bad(kv.text, fmt::format("{} is not an Ethernet address", kv.value));
            const FieldId f = key == "mod_dl_src" ? FieldId::dl_src : FieldId::dl_dst;
            return add_set_field(kv, f, *mac, field_all_ones(f), list, state);
        }
        if (key == "mod_nw_src" || key == "mod_nw_dst") {
            const auto ip = parse_ipv4(kv.value);
            if (!ip) return bad(kv.text, fmt::format("{} is not an IPv4 address", kv.value));
            if (Status s = need(kv, key, Prereq::ipv4); !s) return s;
            const FieldId f = key == "mod_nw_src" ? FieldId::nw_src : FieldId::nw_dst;
            return add_set_field(kv, f, *ip, field_all_ones(f), list, state);
        }
        if (key == "mod_tp_src" || key == "mod_tp_dst") {
            auto v = number(kv, "port", 0xffff);
            if (!v) return v.status();
            if (Status s = need(kv, key, Prereq::l4_ports); !s) return s;
            const FieldId f = key == "mod_tp_src" ? FieldId::tp_src : FieldId::tp_dst;
            return add_set_field(kv, f, *v, field_all_ones(f), list, state);
        }
        if (key == "mod_nw_tos") {
            auto v = number(kv, "TOS", 0xff);
            if (!v) return v.status();
            if (*v & 3)
                return bad(kv.text, fmt::format("{} is not a valid TOS: its low 2 bits (ECN) "
                                                "must be 0 (use mod_nw_ecn)",
                                                kv.value));
            if (Status s = need(kv, key, Prereq::ip_any); !s) return s;
            return add_set_field(kv, FieldId::nw_tos, *v, field_all_ones(FieldId::nw_tos), list,
                                 state);
        }
        if (key == "mod_nw_ecn") {
            auto v = number(kv, "ECN", 3);
            if (!v) return v.status();
            if (Status s = need(kv, key, Prereq::ip_any); !s) return s;
            return add_set_field(kv, FieldId::nw_ecn, *v, 3, list, state);
        }
        if (key == "mod_nw_ttl" || key == "set_nw_ttl") {
            auto v = number(kv, "TTL", 0xff);
            if (!v) return v.status();
            if (Status s = need(kv, key, Prereq::ip_any); !s) return s;
            return add_set_field(kv, FieldId::nw_ttl, *v, 0xff, list, state);
        }
        if (key == "dec_ttl") {
            if (!kv.value.empty())
                return bad(kv.text, "dec_ttl with controller ids is not supported");
            if (Status s = need(kv, key, Prereq::ip_any); !s) return s;
            Action a;
            a.type = ActionType::dec_ttl;
            list.push_back(a);
            return Status::ok();
        }
        if (key == "set_field") return set_field(kv, list, state);
        if (key == "load") return load(kv, list, state);
        if (key == "move") return move(kv, list, state);
        if (key == "push_vlan") {
            auto v = number(kv, "VLAN ethertype", 0xffff);
            if (!v) return v.status();
            if (*v != 0x8100 && *v != 0x88a8) {
                return bad(kv.text,
                           fmt::format("{} is not a VLAN ethertype (0x8100 or 0x88a8)", kv.value));
            }
            Action a;
            a.type = ActionType::push_vlan;
            a.ethertype = static_cast<std::uint16_t>(*v);
            list.push_back(a);
            state.vlan = true;
            return Status::ok();
        }
        if (key == "pop_vlan" || key == "strip_vlan") {
            if (!kv.value.empty()) return bad(kv.text, fmt::format("{} takes no argument", key));
            if (Status s = need_tag(kv, key, state); !s) return s;
            Action a;
            a.type = ActionType::pop_vlan;
            list.push_back(a);
            state.vlan = false;  // one tag gone; a second one is not known to be there
            return Status::ok();
        }
        if (key == "mod_vlan_vid" || key == "mod_vlan_pcp") {
            const bool vid = key == "mod_vlan_vid";
            auto v = number(kv, vid ? "VLAN VID" : "VLAN PCP", vid ? 4095 : 7);
            if (!v) return v.status();
            Action a;
            a.type = vid ? ActionType::mod_vlan_vid : ActionType::mod_vlan_pcp;
            a.value = *v;
            list.push_back(a);
            state.vlan = true;
            return Status::ok();
        }
        if (key == "apply_actions")
            return bad(kv.text,
                       "apply_actions is the default instruction: "
                       "write the actions without it");
        // A bare port: "2", "NORMAL", "web0".
        if (kv.delim == '\0') {
            auto port = parse_port(kv.key, c_.ports);
            if (port) return output(kv, *port, list);
            if (!kv.key.empty() && std::isdigit(static_cast<unsigned char>(kv.key[0]))) {
                return bad(kv.text, port.status().message());
            }
            return bad(kv.text,
                       fmt::format("unknown action, and no port named {} on this bridge", kv.key));
        }
        return Status(Errc::invalid_argument, fmt::format("unknown action \"{}\"", kv.key));
    }

    Status controller(const KeyValue& kv, ActionList& list) const {
        Action a;
        a.type = ActionType::controller;
        a.max_len = 0xffff;
        if (kv.delim == ':') {
            const auto v = parse_keyword_integer(kv.value);
            if (!v || *v > 0xffff)
                return bad(kv.text,
                           fmt::format("{} is not a valid max_len (0 to 65535)", kv.value));
            a.max_len = static_cast<std::uint16_t>(*v);
        } else if (kv.delim == '(') {
            KeyValueReader reader(kv.value);
            KeyValue arg;
            while (reader.next(arg)) {
                if (arg.key == "max_len") {
                    const auto v = parse_keyword_integer(arg.value);
                    if (!v || *v > 0xffff) {
                        return bad(kv.text, fmt::format("{} is not a valid max_len (0 to 65535)",
                                                        arg.value));
                    }
                    a.max_len = static_cast<std::uint16_t>(*v);
                } else if (arg.key == "reason" && arg.value == "action") {
                } else if (arg.key == "id" && parse_keyword_integer(arg.value) == 0u) {
                } else {
                    return bad(
                        kv.text,
                        fmt::format("controller({}) is not supported (only max_len=N)", arg.text));
                }
            }
        } else if (!kv.value.empty()) {
            return bad(kv.text, "write controller, controller:MAX_LEN or controller(max_len=N)");
        }
        list.push_back(a);
        return Status::ok();
    }

    Status resubmit(const KeyValue& kv, ActionList& list) const {
        Action a;
        a.type = ActionType::resubmit;
        a.port = kOfpInPort;
        a.table = 0xff;
        std::string_view port_text = kv.value, table_text;
        if (kv.delim == '(') {
            const std::size_t comma = kv.value.find(',');
            port_text = kv.value.substr(0, comma);
            if (comma != std::string_view::npos) {
                table_text = kv.value.substr(comma + 1);
                if (table_text.find(',') != std::string_view::npos) {
                    return bad(kv.text,
                               "resubmit(PORT,TABLE) takes two arguments (ct is not supported)");
                }
            }
        } else if (kv.delim != ':') {
            return bad(kv.text, "write resubmit:PORT, resubmit(PORT,TABLE) or resubmit(,TABLE)");
        }
        if (!port_text.empty()) {
            auto port = parse_port(port_text, c_.ports);
            if (!port) return bad(kv.text, port.status().message());
            a.port = *port;
        }
        if (!table_text.empty()) {
            const auto t = parse_keyword_integer(table_text);
            if (!t || *t > 255)
                return bad(kv.text, fmt::format("{} is not a table (0 to 254)", table_text));
            a.table = static_cast<std::uint8_t>(*t);
        }
        if (a.port == kOfpInPort && a.table == 0xff) {
            return bad(kv.text, "resubmit needs a port or a table");
        }
        list.push_back(a);
        return Status::ok();
    }

    // "V[/M]->FIELD"
    Status set_field(const KeyValue& kv, ActionList& list, PacketState& state) {
        const std::size_t arrow = kv.value.rfind("->");
        if (arrow == std::string_view::npos) return bad(kv.text, "write set_field:VALUE->FIELD");
        const std::string_view name = kv.value.substr(arrow + 2);
        const auto id = find_field(name);
        if (!id) return bad(kv.text, fmt::format("unknown field \"{}\"", name));
        auto v = parse_field_value(*id, kv.value.substr(0, arrow), c_.ports);
        if (!v) return bad(kv.text, v.status().message());
        if (v->mask == 0) return bad(kv.text, "set_field needs a value, not a wildcard");
        return add_set_field(kv, *id, v->value, v->mask, list, state);
    }

    // "VALUE->DST[a..b]"
    Status load(const KeyValue& kv, ActionList& list, PacketState& state) {
        const std::size_t arrow = kv.value.find("->");
        if (arrow == std::string_view::npos) return bad(kv.text, "write load:VALUE->FIELD[BITS]");
        const auto v = parse_field_integer(kv.value.substr(0, arrow));
        if (!v) return bad(kv.text, fmt::format("{} is not a number", kv.value.substr(0, arrow)));
        auto dst = parse_subfield(kv.value.substr(arrow + 2));
        if (!dst) return bad(kv.text, dst.status().message());
        if (dst->n_bits < 128 && (*v >> dst->n_bits) != 0) {
            return bad(kv.text,
                       fmt::format("{} does not fit in {} bit{}", kv.value.substr(0, arrow),
                                   dst->n_bits, dst->n_bits == 1 ? "" : "s"));
        }
        return add_set_field(kv, dst->field, *v << dst->ofs, subfield_mask(*dst), list, state);
    }

    // "SRC[a..b]->DST[c..d]"
    Status move(const KeyValue& kv, ActionList& list, PacketState& state) {
        const std::size_t arrow = kv.value.find("->");
        if (arrow == std::string_view::npos) return bad(kv.text, "write move:SRC[BITS]->DST[BITS]");
        auto src = parse_subfield(kv.value.substr(0, arrow));
        if (!src) return bad(kv.text, src.status().message());
        auto dst = parse_subfield(kv.value.substr(arrow + 2));
        if (!dst) return bad(kv.text, dst.status().message());
        if (src->n_bits != dst->n_bits) {
            return bad(kv.text, fmt::format("the source has {} bits and the destination {}: they "
                                            "must be the same",
                                            src->n_bits, dst->n_bits));
        }
        const FieldInfo& sf = field_info(src->field);
        if (needs_tag(src->field)) {
            if (Status s = need_tag(kv, sf.name, state); !s) return s;
        } else if (Status s = need(kv, sf.name, write_prereq(src->field)); !s) {
            return s;
        }
        if (Status s = write_check(kv, dst->field, state); !s) return s;
        Action a;
        a.type = ActionType::move;
        a.src = *src;
        a.dst = *dst;
        list.push_back(a);
        if (dst->field == FieldId::vlan_tci && (subfield_mask(*dst) & kVlanPresent)) {
            state.vlan = false;  // unknown after the move: not known to be tagged
        }
        return Status::ok();
    }

    const ActionContext& c_;
};

}  // namespace

Result<Instructions> parse_instructions(std::string_view text, const ActionContext& context) {
    Instructions ins;
    Parser parser(context);
    if (Status s = parser.parse(text, ins); !s) return s;
    canonicalize(ins);
    return ins;
}

}  // namespace sy::flow
