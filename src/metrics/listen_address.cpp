#include "metrics/listen_address.hpp"

#include <arpa/inet.h>
#include <fmt/core.h>

#include <charconv>

namespace sy::metrics {
namespace {

Status bad(std::string_view text, std::string_view why) {
    return Status(Errc::invalid_argument, fmt::format("metrics address '{}': {}", text, why));
}

}  // namespace

std::string ListenAddress::to_string() const {
    return is_ipv6() ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
    ListenAddress out;
    std::string_view port_text = text;
    if (text.empty()) return bad(text, "empty");
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return bad(text, "expected [IPv6]:PORT");
        out.host = std::string(text.substr(1, close - 1));
        port_text = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        out.host = std::string(text.substr(0, colon));
        port_text = text.substr(colon + 1);
        if (out.host.find(':') != std::string::npos)
            return bad(text, "an IPv6 address goes in brackets: [ADDR]:PORT");
    } else {
        out.host = "127.0.0.1";  // a port alone: loopback only
    }
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        port > 65535) {
        return bad(text, fmt::format("port '{}' is not a number in 0..65535", port_text));
    }
    out.port = static_cast<std::uint16_t>(port);
    unsigned char buffer[16];
    const int family = out.is_ipv6() ? AF_INET6 : AF_INET;
    if (inet_pton(family, out.host.c_str(), buffer) != 1) {
        return bad(text, fmt::format("'{}' is not an IP address", out.host));
    }
    return out;
}

}  // namespace sy::metrics
