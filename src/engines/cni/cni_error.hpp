#pragma once
// CNI errors as the spec defines them: a code, a message and optional details, printed as JSON
// on stdout with a non-zero exit status. Codes 1-99 are the spec's; 100+ would be ours (none
// needed so far).

#include <nlohmann/json.hpp>

#include <string>

namespace sy::engines::cni {

enum class ErrorCode : int {
    incompatible_version = 1,
    unsupported_field = 2,
    unknown_container = 3,
    invalid_environment = 4,
    io_failure = 5,
    decode_failure = 6,
    invalid_config = 7,
    try_again_later = 11,
    not_available = 50,  // STATUS: the plugin cannot serve ADDs now (1.1.0)
    limited_conn = 51,
};

struct CniError {
    ErrorCode code = ErrorCode::io_failure;
    std::string msg;
    std::string details;
};

nlohmann::json to_json(const CniError& error, const std::string& cni_version);

// A value, or the CNI error to report.
template <typename T>
struct Outcome {
    Outcome(T v) : value(std::move(v)), ok(true) {}  // NOLINT: implicit by design
    Outcome(CniError e) : error(std::move(e)) {}     // NOLINT: implicit by design
    T value{};
    CniError error;
    bool ok = false;
};

}  // namespace sy::engines::cni
