#include "switch_client.hpp"

#include <fmt/core.h>

#include "control/control_client.hpp"
#include "control/paths.hpp"
#include "verbs.hpp"

namespace sy::app {

int exit_code_for_failure(int errc_value) {
    switch (static_cast<Errc>(errc_value)) {
        case Errc::invalid_argument:
        case Errc::not_found:
        case Errc::already_exists:
            return 2;
        default:
            return 1;
    }
}

std::optional<nlohmann::json> call_daemon(const std::string& method, nlohmann::json params) {
    const auto paths = control::control_paths(context().dir);
    auto client = control::ControlClient::connect(paths.socket);
    if (!client) {
        fmt::print(stderr, "switchyard: {}\n", client.status().message());
        exit_code() = 2;
        return std::nullopt;
    }
    auto result = client->call(method, std::move(params));
    if (!result) {
        fmt::print(stderr, "switchyard: {}\n", result.status().message());
        exit_code() = exit_code_for_failure(static_cast<int>(result.status().code()));
        return std::nullopt;
    }
    return std::move(*result);
}

void print_result(bool as_json, const nlohmann::json& answer, const std::string& sentence) {
    fmt::print("{}\n", as_json ? answer.dump(2) : sentence);
}

}  // namespace sy::app
