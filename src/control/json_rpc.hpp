#pragma once
// JSON-RPC 2.0 framing for the control socket: one request per line, one response per line.
// Parsing never throws and never trusts its input: whatever arrives, the caller gets either a
// well-formed request or the error response to send back.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.hpp"

namespace sy::control::rpc {

using nlohmann::json;

// A request line longer than this is refused (and the connection closed): the control
// protocol carries small commands, so a bigger line is a mistake or an attack.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

// Standard JSON-RPC codes, plus one application code per sy::Errc.
enum ErrorCode : int {
    kParseError = -32700,
    kInvalidRequest = -32600,
    kMethodNotFound = -32601,
    kInvalidParams = -32602,
    kInternalError = -32603,
    kNotFound = -32001,
    kAlreadyExists = -32002,
    kUnsupported = -32003,
    kIoError = -32004,
    kCorrupt = -32005,
};

int error_code_for(Errc errc);
Errc errc_for(int error_code);

struct Request {
    json id;  // number or string; null when absent (then it is a notification)
    bool is_notification = false;
    std::string method;
    json params = json::object();  // always an object (positional params are refused)
};

// Either a request, or the error response that a malformed line deserves.
struct Parsed {
    std::optional<Request> request;
    json error_response;
};

Parsed parse_request(std::string_view line);

json make_result(const json& id, json result);
json make_error(const json& id, int code, std::string_view message);
json make_error(const json& id, const Status& status);
json make_request(const json& id, std::string_view method, json params);

}  // namespace sy::control::rpc
