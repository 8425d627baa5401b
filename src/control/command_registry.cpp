#include "control/command_registry.hpp"

#include <fmt/core.h>

#include <exception>

#include "control/json_rpc.hpp"

namespace sy::control {

Session::~Session() {
    // Last registered, first undone.
    for (auto it = cleanups_.rbegin(); it != cleanups_.rend(); ++it) it->second();
}

void Session::on_close(const std::string& key, std::function<void()> cleanup) {
    cancel(key);
    cleanups_.emplace_back(key, std::move(cleanup));
}

void Session::cancel(const std::string& key) {
    std::erase_if(cleanups_, [&](const auto& entry) { return entry.first == key; });
}

Status CommandRegistry::add(std::string method, std::string summary, Handler handler) {
    if (commands_.count(method) != 0) {
        return Status(Errc::already_exists, fmt::format("method '{}' registered twice", method));
    }
    Command command{method, std::move(summary), std::move(handler)};
    commands_.emplace(std::move(method), std::move(command));
    return Status::ok();
}

const Command* CommandRegistry::find(const std::string& method) const {
    auto it = commands_.find(method);
    return it == commands_.end() ? nullptr : &it->second;
}

std::vector<std::string> CommandRegistry::methods() const {
    std::vector<std::string> names;
    for (const auto& [name, command] : commands_) names.push_back(name);
    return names;
}

std::optional<std::string> dispatch_line(const CommandRegistry& registry, std::string_view line,
                                         Session& session) {
    using nlohmann::json;
    auto parsed = rpc::parse_request(line);
    json response;
    if (!parsed.request) {
        response = std::move(parsed.error_response);
    } else {
        const rpc::Request& request = *parsed.request;
        const Command* command = registry.find(request.method);
        if (command == nullptr) {
            response = rpc::make_error(request.id, rpc::kMethodNotFound,
                                       fmt::format("unknown method '{}'", request.method));
        } else {
            try {
                auto result = command->handler(request.params, session);
                response = result ? rpc::make_result(request.id, std::move(result.value()))
                                  : rpc::make_error(request.id, result.status());
            } catch (const std::exception& e) {
                response = rpc::make_error(request.id, rpc::kInternalError,
                                           fmt::format("internal error: {}", e.what()));
            }
        }
        if (request.is_notification) return std::nullopt;
    }
    return response.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace sy::control
