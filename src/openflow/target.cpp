#include "openflow/target.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>

#include <charconv>

namespace sy::openflow {

namespace {
bool parse_port(std::string_view s, std::uint16_t& out) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
}
bool is_ipv4(const std::string& s) {
    in_addr a;
    return inet_pton(AF_INET, s.c_str(), &a) == 1;
}
}  // namespace

Result<Target> parse_target(std::string_view text) {
    Target t;
    t.text = std::string(text);
    const auto bad = [&](std::string_view why) {
        return Status(Errc::invalid_argument,
                      fmt::format("controller target '{}': {} (tcp:IP[:PORT], ptcp:PORT[:IP], "
                                  "unix:PATH or punix:PATH)",
                                  text, why));
    };
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return bad("no method");
    const std::string_view method = text.substr(0, colon), rest = text.substr(colon + 1);
    if (method == "unix" || method == "punix") {
        t.kind = method == "unix" ? Target::Kind::unix_socket : Target::Kind::punix;
        if (rest.empty()) return bad("no path");
        if (rest.size() >= 108) return bad("path longer than 107 bytes");
        t.path = std::string(rest);
        return t;
    }
    if (method == "tcp") {
        t.kind = Target::Kind::tcp;
        const auto c = rest.find(':');
        t.host = std::string(rest.substr(0, c));
        if (!is_ipv4(t.host)) return bad("not an IPv4 address");
        if (c != std::string_view::npos && !parse_port(rest.substr(c + 1), t.port))
            return bad("bad port");
        return t;
    }
    if (method == "ptcp") {
        t.kind = Target::Kind::ptcp;
        const auto c = rest.find(':');
        if (!rest.empty() && !parse_port(rest.substr(0, c), t.port)) return bad("bad port");
        t.host = c == std::string_view::npos ? "127.0.0.1" : std::string(rest.substr(c + 1));
        if (!is_ipv4(t.host)) return bad("not an IPv4 address");
        return t;
    }
    return bad("unknown method");
}

}  // namespace sy::openflow
