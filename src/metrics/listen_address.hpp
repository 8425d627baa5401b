#pragma once
// Where the metrics endpoint listens, as a person writes it: "9464" (loopback), "ADDR:PORT",
// "[IPv6]:PORT". Loopback is the default on purpose: counters name containers and ports, which
// an operator exposes beyond the host by choice, not by accident.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace sy::metrics {

struct ListenAddress {
    std::string host;        // an IPv4 or IPv6 address, without brackets
    std::uint16_t port = 0;  // 0: any free port (tests)

    bool is_ipv6() const { return host.find(':') != std::string::npos; }
    // "127.0.0.1:9464" or "[::1]:9464"
    std::string to_string() const;
};

// Errc::invalid_argument naming the text and what is wrong with it.
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace sy::metrics
