#include "control/params.hpp"

#include <fmt/core.h>

namespace sy::control {
namespace {
Status bad(const char* name, std::string_view what) {
    return Status(Errc::invalid_argument, fmt::format("parameter '{}' {}", name, what));
}
}  // namespace

const nlohmann::json* Params::find(const char* name) const {
    if (!params_.is_object()) return nullptr;
    auto it = params_.find(name);
    if (it == params_.end() || it->is_null()) return nullptr;
    return &*it;
}

Result<std::string> Params::required_string(const char* name) const {
    const auto* value = find(name);
    if (value == nullptr)
        return Status(Errc::invalid_argument, fmt::format("missing parameter '{}'", name));
    if (!value->is_string()) return bad(name, "must be a string");
    if (value->get_ref<const std::string&>().empty()) return bad(name, "must not be empty");
    return value->get<std::string>();
}

Result<std::optional<std::string>> Params::optional_string(const char* name) const {
    const auto* value = find(name);
    if (value == nullptr) return std::optional<std::string>();
    if (!value->is_string()) return bad(name, "must be a string");
    return std::optional<std::string>(value->get<std::string>());
}

Result<std::optional<std::int64_t>> Params::optional_int(const char* name, std::int64_t min,
                                                         std::int64_t max) const {
    const auto* value = find(name);
    if (value == nullptr) return std::optional<std::int64_t>();
    std::int64_t v = 0;
    if (value->is_number_integer()) {
        v = value->get<std::int64_t>();
    } else if (value->is_number_unsigned() && value->get<std::uint64_t>() <= INT64_MAX) {
        v = static_cast<std::int64_t>(value->get<std::uint64_t>());
    } else {
        return bad(name, fmt::format("must be an integer in {}..{}", min, max));
    }
    if (v < min || v > max) return bad(name, fmt::format("must be an integer in {}..{}", min, max));
    return std::optional<std::int64_t>(v);
}

Result<std::optional<double>> Params::optional_number(const char* name, double min,
                                                      double max) const {
    const auto* value = find(name);
    if (value == nullptr) return std::optional<double>();
    if (!value->is_number()) return bad(name, "must be a number");
    const double v = value->get<double>();
    if (!(v >= min && v <= max))
        return bad(name, fmt::format("must be a number in {}..{}", min, max));
    return std::optional<double>(v);
}

Result<bool> Params::optional_bool(const char* name, bool fallback) const {
    const auto* value = find(name);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) return bad(name, "must be true or false");
    return value->get<bool>();
}

Result<std::vector<std::int64_t>> Params::optional_int_list(const char* name, std::int64_t min,
                                                            std::int64_t max) const {
    std::vector<std::int64_t> out;
    const auto* value = find(name);
    if (value == nullptr) return out;
    if (!value->is_array()) return bad(name, "must be a list of integers");
    for (const auto& item : *value) {
        if (!item.is_number_integer() && !item.is_number_unsigned()) {
            return bad(name, fmt::format("must be a list of integers in {}..{}", min, max));
        }
        const auto v = item.is_number_unsigned() && item.get<std::uint64_t>() > INT64_MAX
                           ? max + 1
                           : item.get<std::int64_t>();
        if (v < min || v > max) {
            return bad(name, fmt::format("must be a list of integers in {}..{}", min, max));
        }
        out.push_back(v);
    }
    return out;
}

Result<std::vector<std::string>> Params::optional_string_list(const char* name) const {
    std::vector<std::string> out;
    const auto* value = find(name);
    if (value == nullptr) return out;
    if (!value->is_array()) return bad(name, "must be a list of strings");
    for (const auto& v : *value) {
        if (!v.is_string()) return bad(name, "must be a list of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

Result<std::map<std::string, std::string>> Params::optional_string_map(const char* name) const {
    std::map<std::string, std::string> out;
    const auto* value = find(name);
    if (value == nullptr) return out;
    if (!value->is_object()) return bad(name, "must be an object of strings");
    for (const auto& [key, v] : value->items()) {
        if (!v.is_string()) return bad(name, fmt::format("has a non-string value at '{}'", key));
        out[key] = v.get<std::string>();
    }
    return out;
}

Result<std::vector<nlohmann::json>> Params::optional_object_list(const char* name) const {
    std::vector<nlohmann::json> out;
    const auto* value = find(name);
    if (value == nullptr) return out;
    if (!value->is_array()) return bad(name, "must be a list of objects");
    for (const auto& v : *value) {
        if (!v.is_object()) return bad(name, "must be a list of objects");
        out.push_back(v);
    }
    return out;
}

}  // namespace sy::control
