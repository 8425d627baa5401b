#include "flow/field_syntax.hpp"

#include <fmt/format.h>

#include "flow/flow_key.hpp"
#include "flow/syntax_ports.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

Status bad(std::string why) {
    return Status(Errc::invalid_argument, std::move(why));
}

struct Split {
    std::string_view value;
    std::string_view mask;
    bool has_mask = false;
};
Split split_mask(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) return {text, {}, false};
    return {text.substr(0, slash), text.substr(slash + 1), true};
}

// Field width as text: "8 bits"; nw_tos says where its bits are.
std::string width_of(const FieldInfo& f) {
    return fmt::format("{} bit{}", f.n_bits, f.n_bits == 1 ? "" : "s");
}

Result<MaskedValue> integer_value(const FieldInfo& f, const Split& s) {
    const FieldValue all = field_all_ones(f.id);
    const auto v = parse_field_integer(s.value);
    if (!v) return bad(fmt::format("{} is not a number", s.value));
    if ((*v & ~all) != 0) {
        if (f.in_place) {
            return bad(fmt::format("{} is not a valid {}: its low {} bits must be 0", s.value,
                                   f.name, f.shift));
        }
        return bad(fmt::format("{} does not fit in {} ({})", s.value, f.name, width_of(f)));
    }
    MaskedValue out{*v, all};
    if (s.has_mask) {
        const auto m = parse_field_integer(s.mask);
        if (!m) return bad(fmt::format("mask {} is not a number", s.mask));
        if ((*m & ~all) != 0) {
            return bad(fmt::format("mask {} does not fit in {} ({})", s.mask, f.name, width_of(f)));
        }
        out.mask = *m;
    }
    return out;
}

Result<MaskedValue> ipv4_value(const Split& s) {
    const auto ip = parse_ipv4(s.value);
    if (!ip) return bad(fmt::format("{} is not an IPv4 address", s.value));
    MaskedValue out{*ip, 0xffffffffu};
    if (s.has_mask) {
        if (auto m = parse_ipv4(s.mask)) {
            out.mask = *m;
        } else if (auto p = parse_field_integer(s.mask); p && s.mask.find('x') == s.mask.npos) {
            if (*p > 32) return bad(fmt::format("/{}: an IPv4 prefix length is 0 to 32", s.mask));
            out.mask = prefix_mask(static_cast<int>(*p), 32);
        } else {
            return bad(fmt::format("{} is not an IPv4 mask or prefix length", s.mask));
        }
    }
    return out;
}

Result<MaskedValue> ipv6_value(const Split& s) {
    const auto ip = parse_ipv6(s.value);
    if (!ip) return bad(fmt::format("{} is not an IPv6 address", s.value));
    MaskedValue out{*ip, ~FieldValue{0}};
    if (s.has_mask) {
        if (auto m = parse_ipv6(s.mask)) {
            out.mask = *m;
        } else if (auto p = parse_field_integer(s.mask); p && s.mask.find('x') == s.mask.npos) {
            if (*p > 128) return bad(fmt::format("/{}: an IPv6 prefix length is 0 to 128", s.mask));
            out.mask = prefix_mask(static_cast<int>(*p), 128);
        } else {
            return bad(fmt::format("{} is not an IPv6 mask or prefix length", s.mask));
        }
    }
    return out;
}

Result<MaskedValue> ethernet_value(const Split& s) {
    const auto mac = parse_ethernet(s.value);
    if (!mac) return bad(fmt::format("{} is not an Ethernet address", s.value));
    MaskedValue out{*mac, (FieldValue{1} << 48) - 1};
    if (s.has_mask) {
        const auto m = parse_ethernet(s.mask);
        if (!m) return bad(fmt::format("mask {} is not an Ethernet address", s.mask));
        out.mask = *m;
    }
    return out;
}

struct FragName {
    std::string_view name;
    std::uint8_t mask;
    std::uint8_t value;
};
constexpr FragName kFragNames[] = {
    {"no", kFragAny | kFragLater, 0},
    {"first", kFragAny | kFragLater, kFragAny},
    {"later", kFragAny | kFragLater, kFragAny | kFragLater},
    {"no", kFragAny, 0},
    {"yes", kFragAny, kFragAny},
    {"not_later", kFragLater, 0},
    {"later", kFragLater, kFragLater},
};

Result<MaskedValue> frag_value(std::string_view text) {
    for (const FragName& f : kFragNames) {
        if (text == f.name) return MaskedValue{f.value, f.mask};
    }
    return bad(fmt::format("{} is not a fragment type (no, yes, first, later or not_later)", text));
}

constexpr std::string_view kTcpFlagNames[12] = {"fin", "syn", "rst", "psh",   "ack",   "urg",
                                                "ece", "cwr", "ns",  "[200]", "[400]", "[800]"};
constexpr std::uint32_t kTcpFlagsAll = 0x0fff;

// ovs-ofctl's parse_flags: "0x12/0x12", "+syn-ack" (masked), or "syn|ack" / "0x12"
// (exact: the other flags must be clear).
Result<MaskedValue> tcp_flags_value(std::string_view text) {
    const auto unknown = [] {
        return bad(
            "unknown TCP flag (the flags are fin, syn, rst, psh, ack, urg, ece, cwr and ns)");
    };
    if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
        const auto v = parse_keyword_integer(text.substr(0, slash));
        const auto m = parse_keyword_integer(text.substr(slash + 1));
        if (!v || !m) return bad(fmt::format("{} is not a TCP flags value/mask", text));
        if ((*v | *m) & ~std::uint64_t{kTcpFlagsAll}) return unknown();
        return MaskedValue{*v & *m, *m};
    }
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        std::uint32_t flags = 0, mask = 0;
        std::string_view s = text;
        while (!s.empty()) {
            if (s[0] != '+' && s[0] != '-') {
                return bad("each TCP flag must be preceded by '+' (set) or '-' (not set)");
            }
            const bool set = s[0] == '+';
            s.remove_prefix(1);
            int bit = -1;
            for (int i = 0; i < 12; ++i) {
                const std::string_view n = kTcpFlagNames[i];
                if (s.substr(0, n.size()) == n &&
                    (s.size() == n.size() || s[n.size()] == '+' || s[n.size()] == '-')) {
                    bit = i;
                    break;
                }
            }
            if (bit < 0) return unknown();
            if (mask & (1u << bit)) {
                return bad(fmt::format("TCP flag {} given twice", kTcpFlagNames[bit]));
            }
            mask |= 1u << bit;
            if (set) flags |= 1u << bit;
            s.remove_prefix(kTcpFlagNames[bit].size());
        }
        return MaskedValue{flags, mask};
    }
    std::uint32_t flags = 0;
    std::string_view s = text;
    if (s.empty()) return unknown();
    while (!s.empty()) {
        const std::size_t bar = s.find('|');
        const std::string_view part = s.substr(0, bar);
        bool found = false;
        for (int i = 0; i < 12; ++i) {
            if (part == kTcpFlagNames[i]) {
                flags |= 1u << i;
                found = true;
            }
        }
        if (!found) {
            const auto n = parse_keyword_integer(part);
            if (!n || (*n & ~std::uint64_t{kTcpFlagsAll})) return unknown();
            flags |= static_cast<std::uint32_t>(*n);
        }
        if (bar == std::string_view::npos) break;
        s.remove_prefix(bar + 1);
        if (s.empty()) return unknown();
    }
    return MaskedValue{flags, kTcpFlagsAll};
}

}  // namespace

Result<MaskedValue> parse_field_value(FieldId field, std::string_view text,
                                      const PortNamer& ports) {
    const FieldInfo& f = field_info(field);
    if (text == "*") return MaskedValue{0, 0};
    if (text.empty()) return bad(fmt::format("{} needs a value", f.name));
    Result<MaskedValue> r = Status(Errc::invalid_argument, "");
    const Split s = split_mask(text);
    switch (f.format) {
        case FieldFormat::decimal:
        case FieldFormat::hex:
            r = integer_value(f, s);
            break;
        case FieldFormat::ipv4:
            r = ipv4_value(s);
            break;
        case FieldFormat::ipv6:
            r = ipv6_value(s);
            break;
        case FieldFormat::ethernet:
            r = ethernet_value(s);
            break;
        case FieldFormat::ofport: {
            if (s.has_mask) return bad(fmt::format("{} cannot be masked", f.name));
            auto port = parse_port(text, ports);
            if (!port) return port.status();
            r = MaskedValue{*port, field_all_ones(field)};
            break;
        }
        case FieldFormat::frag:
            r = frag_value(text);
            break;
        case FieldFormat::tcp_flags:
            r = tcp_flags_value(text);
            break;
    }
    if (!r) return r;
    const FieldValue all = field_all_ones(field);
    if (!f.maskable && r->mask != all) {
        return bad(fmt::format("{} cannot be masked", f.name));
    }
    r->value &= r->mask;
    return r;
}

std::string format_field_value(FieldId field, FieldValue value, FieldValue mask,
                               const PortNamer& ports) {
    const FieldInfo& f = field_info(field);
    const FieldValue all = field_all_ones(field);
    const bool masked = (mask & all) != all;
    switch (f.format) {
        case FieldFormat::ethernet:
            return ethernet_to_string(value) + (masked ? "/" + ethernet_to_string(mask) : "");
        case FieldFormat::ipv4: {
            std::string s = ipv4_to_string(static_cast<std::uint32_t>(value));
            if (masked) {
                const auto p = prefix_length(mask, 32);
                s += p ? fmt::format("/{}", *p)
                       : "/" + ipv4_to_string(static_cast<std::uint32_t>(mask));
            }
            return s;
        }
        case FieldFormat::ipv6: {
            std::string s = ipv6_to_string(value);
            if (masked) {
                const auto p = prefix_length(mask, 128);
                s += p ? fmt::format("/{}", *p) : "/" + ipv6_to_string(mask);
            }
            return s;
        }
        case FieldFormat::ofport:
            if (!masked) return format_port(static_cast<OfPort>(value), ports);
            [[fallthrough]];
        case FieldFormat::decimal:
            if (!masked) return fmt::format("{}", static_cast<std::uint64_t>(value));
            return hex_value(value) + "/" + hex_value(mask);
        case FieldFormat::hex:
            return hex_value(value) + (masked ? "/" + hex_value(mask) : "");
        case FieldFormat::frag:
            for (const FragName& n : kFragNames) {
                if (n.mask == (mask & all) && n.value == (value & mask)) return std::string(n.name);
            }
            return hex_value(value) + "/" + hex_value(mask);
        case FieldFormat::tcp_flags:
            return format_tcp_flags(static_cast<std::uint16_t>(value),
                                    static_cast<std::uint16_t>(mask));
    }
    return "?";
}

std::string format_tcp_flags(std::uint16_t flags, std::uint16_t mask) {
    std::string s;
    mask &= kTcpFlagsAll;
    if (mask == kTcpFlagsAll) {
        if ((flags & kTcpFlagsAll) == 0) return "0";
        for (int i = 0; i < 12; ++i) {
            if (flags & (1u << i)) {
                if (!s.empty()) s += '|';
                s += kTcpFlagNames[i];
            }
        }
        return s;
    }
    if (mask == 0) return "0/0";
    for (int i = 0; i < 12; ++i) {
        if (mask & (1u << i)) {
            s += (flags & (1u << i)) ? '+' : '-';
            s += kTcpFlagNames[i];
        }
    }
    return s;
}

}  // namespace sy::flow
