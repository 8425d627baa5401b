#include "flow/syntax_ports.hpp"

#include <fmt/format.h>

#include <cctype>

#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool needs_quotes(std::string_view name) {
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return true;
    for (char c : name.substr(1)) {
        if (!std::isalnum(static_cast<unsigned char>(c))) return true;
    }
    return false;
}

// OpenFlow 1.0's 16-bit numbers are accepted as ovs-ofctl accepts them: 0xff00.. are the
// reserved ports of OpenFlow 1.1+ minus 0xffff0000.
constexpr std::uint64_t kOf10Max = 0xff00;
constexpr std::uint64_t kOf11Offset = 0xffff0000;

}  // namespace

Result<OfPort> parse_port(std::string_view text, const PortNamer& ports) {
    if (all_digits(text)) {
        const auto n = parse_field_integer(text);
        if (!n || *n > 0xffffffffu) {
            return Status(Errc::invalid_argument,
                          fmt::format("{} is not a valid port number", text));
        }
        const auto v = static_cast<std::uint64_t>(*n);
        if (v < kOf10Max) return static_cast<OfPort>(v);
        if (v <= 0xffff) return static_cast<OfPort>(v + kOf11Offset);
        if (v < kOfpMax) {
            return Status(Errc::invalid_argument,
                          fmt::format("{} is not a valid port number (1 to {}, or a reserved "
                                      "port 0x{:x} to 0xffffffff)",
                                      text, kOf10Max - 1, kOfpMax));
        }
        return static_cast<OfPort>(v);
    }
    if (auto reserved = reserved_port_by_name(text)) return *reserved;
    std::string name(text);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        name.clear();
        for (std::size_t i = 1; i + 1 < text.size(); ++i) {
            if (text[i] == '\\' && i + 2 < text.size()) ++i;
            name += text[i];
        }
    }
    if (name.empty()) return Status(Errc::invalid_argument, "missing port");
    if (auto number = ports.number_of(name)) return *number;
    return Status(Errc::invalid_argument, fmt::format("no port named {} on this bridge", name));
}

std::string format_port(OfPort port, const PortNamer& ports) {
    if (auto reserved = reserved_port_name(port)) return std::string(*reserved);
    if (auto name = ports.name_of(port)) {
        if (!needs_quotes(*name)) return *name;
        std::string quoted = "\"";
        for (char c : *name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        return quoted + '"';
    }
    return fmt::format("{}", port);
}

}  // namespace sy::flow
