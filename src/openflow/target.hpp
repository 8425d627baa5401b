#pragma once
// Controller targets as ovs-vsctl set-controller takes them: tcp:IP[:PORT] (connect, with
// reconnect backoff), ptcp:PORT[:IP] (listen; loopback unless an IP is given), unix:PATH,
// punix:PATH. The default port is 6653.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace sy::openflow {

struct Target {
    enum class Kind { tcp, ptcp, unix_socket, punix } kind = Kind::tcp;
    std::string host;  // tcp / ptcp: an IPv4 address
    std::uint16_t port = 6653;
    std::string path;  // unix / punix
    std::string text;  // as given
    bool passive() const { return kind == Kind::ptcp || kind == Kind::punix; }
};

// Errc::invalid_argument with one precise line when `text` is not a target.
Result<Target> parse_target(std::string_view text);

}  // namespace sy::openflow
