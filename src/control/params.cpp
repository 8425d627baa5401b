#include "control/params.hpp"

#include <fmt/core.h>

#include <charconv>
#include <set>

namespace sy::control {
namespace {
Status bad(const char* name, std::string_view what) {
    return Status(Errc::invalid_argument, fmt::format("parameter '{}' {}", name, what));
}
}  // namespace

Status check_vlan_list(const std::vector<std::int64_t>& vlans) {
    if (vlans.empty())
        return Status(Errc::invalid_argument,
                      "a trunk carries at least one VLAN (an untagged port has no 'trunk')");
    std::set<std::int64_t> seen;
    for (auto v : vlans) {
        if (v < 1 || v > 4094)
            return Status(Errc::invalid_argument, fmt::format("trunk VLAN {} is not in 1..4094", v));
        if (!seen.insert(v).second)
            return Status(Errc::invalid_argument, fmt::format("trunk VLAN {} is listed twice", v));
    }
    return Status::ok();
}

Result<std::vector<std::uint16_t>> parse_vlan_list(std::string_view text) {
    std::vector<std::int64_t> vlans;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        const std::string_view item =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                               : comma - start);
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size())
            return Status(Errc::invalid_argument,
                          fmt::format("trunk '{}': '{}' is not a VLAN number (N,M,... in 1..4094)",
                                      text, item));
        vlans.push_back(v);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (Status s = check_vlan_list(vlans); !s) return s;
    return std::vector<std::uint16_t>(vlans.begin(), vlans.end());
}

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
