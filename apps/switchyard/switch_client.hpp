#pragma once
// What every switch verb does: connect to the daemon, make one call, report failure in one
// line with the exit code convention (2: bad input or no daemon, 1: the system failed).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sy::app {

// The result, or nullopt after printing the error to stderr and setting exit_code().
std::optional<nlohmann::json> call_daemon(const std::string& method,
                                          nlohmann::json params = nlohmann::json::object());

// With --json, a verb prints the daemon's answer (one JSON object) instead of its sentence.
void print_result(bool as_json, const nlohmann::json& answer, const std::string& sentence);

// Exit code for a failed call, by error category.
int exit_code_for_failure(int errc_value);

}  // namespace sy::app
