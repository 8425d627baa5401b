#include "control/json_rpc.hpp"

#include <fmt/core.h>

namespace sy::control::rpc {

int error_code_for(Errc errc) {
    switch (errc) {
        case Errc::ok:
            return 0;
        case Errc::invalid_argument:
            return kInvalidParams;
        case Errc::not_found:
            return kNotFound;
        case Errc::already_exists:
            return kAlreadyExists;
        case Errc::unsupported:
            return kUnsupported;
        case Errc::io_error:
            return kIoError;
        case Errc::corrupt:
            return kCorrupt;
    }
    return kInternalError;
}

Errc errc_for(int error_code) {
    switch (error_code) {
        case kInvalidParams:
        case kInvalidRequest:
        case kParseError:
            return Errc::invalid_argument;
        case kNotFound:
        case kMethodNotFound:
            return Errc::not_found;
        case kAlreadyExists:
            return Errc::already_exists;
        case kUnsupported:
            return Errc::unsupported;
        case kCorrupt:
            return Errc::corrupt;
        default:
            return Errc::io_error;
    }
}

json make_result(const json& id, json result) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, int code, std::string_view message) {
    return json{{"jsonrpc", "2.0"},
                {"id", id},
                {"error", {{"code", code}, {"message", std::string(message)}}}};
}

json make_error(const json& id, const Status& status) {
    return make_error(id, error_code_for(status.code()), status.message());
}

json make_request(const json& id, std::string_view method, json params) {
    return json{{"jsonrpc", "2.0"},
                {"id", id},
                {"method", std::string(method)},
                {"params", std::move(params)}};
}

Parsed parse_request(std::string_view line) {
    Parsed out;
    const auto fail = [&](int code, std::string_view message, json id = nullptr) {
        out.error_response = make_error(id, code, message);
        return out;
    };
    if (line.size() > kMaxRequestBytes) {
        return fail(kInvalidRequest, fmt::format("request exceeds {} bytes", kMaxRequestBytes));
    }
    // No exceptions: a parse failure yields a "discarded" value. Invalid UTF-8 is replaced,
    // not thrown on, when the document is serialized back.
    json doc = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail(kParseError, "parse error: not valid JSON");
    if (doc.is_array()) return fail(kInvalidRequest, "batch requests are not supported");
    if (!doc.is_object()) return fail(kInvalidRequest, "a request must be a JSON object");

    json id = nullptr;
    bool has_id = false;
    if (auto it = doc.find("id"); it != doc.end()) {
        if (!it->is_null() && !it->is_string() && !it->is_number_integer() &&
            !it->is_number_unsigned()) {
            return fail(kInvalidRequest, "\"id\" must be a string, an integer or null");
        }
        id = *it;
        has_id = true;
    }
    auto version = doc.find("jsonrpc");
    if (version == doc.end() || !version->is_string() ||
        version->get_ref<const std::string&>() != "2.0") {
        return fail(kInvalidRequest, "\"jsonrpc\" must be \"2.0\"", id);
    }
    auto method = doc.find("method");
    if (method == doc.end() || !method->is_string() ||
        method->get_ref<const std::string&>().empty()) {
        return fail(kInvalidRequest, "\"method\" must be a non-empty string", id);
    }
    Request request;
    request.id = id;
    request.is_notification = !has_id;
    request.method = method->get<std::string>();
    if (auto params = doc.find("params"); params != doc.end()) {
        if (params->is_array()) {
            return fail(kInvalidParams,
                        "positional (array) params are not supported; use an object", id);
        }
        if (!params->is_object()) return fail(kInvalidParams, "\"params\" must be an object", id);
        request.params = std::move(*params);
    }
    out.request = std::move(request);
    return out;
}

}  // namespace sy::control::rpc
