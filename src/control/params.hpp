#pragma once
// Typed access to a request's "params" object with precise errors ("missing parameter
// 'bridge'", "parameter 'vlan' must be an integer in 1..4094"). No exceptions escape.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace sy::control {

// A trunk's VLANs, as `--trunk` spells them: "10,20,30"; each 1..4094, none empty, none twice.
Result<std::vector<std::uint16_t>> parse_vlan_list(std::string_view text);
// The same rules for a list given over the socket; also refuses an empty list.
Status check_vlan_list(const std::vector<std::int64_t>& vlans);

class Params {
  public:
    explicit Params(const nlohmann::json& params) : params_(params) {}

    // Present and not null.
    bool has(const char* name) const { return find(name) != nullptr; }
    Result<std::string> required_string(const char* name) const;
    Result<std::optional<std::string>> optional_string(const char* name) const;
    Result<std::optional<std::int64_t>> optional_int(const char* name, std::int64_t min,
                                                     std::int64_t max) const;
    Result<std::optional<double>> optional_number(const char* name, double min, double max) const;
    Result<bool> optional_bool(const char* name, bool fallback) const;
    Result<std::vector<std::int64_t>> optional_int_list(const char* name, std::int64_t min,
                                                        std::int64_t max) const;
    Result<std::vector<std::string>> optional_string_list(const char* name) const;
    // An object whose values are all strings (e.g. external_ids).
    Result<std::map<std::string, std::string>> optional_string_map(const char* name) const;
    // A list of objects (e.g. routes); each element's fields are read with a Params of its own.
    Result<std::vector<nlohmann::json>> optional_object_list(const char* name) const;

    const nlohmann::json& raw() const { return params_; }

  private:
    const nlohmann::json* find(const char* name) const;
    const nlohmann::json& params_;
};

}  // namespace sy::control
