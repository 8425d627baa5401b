#include "control/tunnel_json.hpp"

#include <fmt/core.h>

namespace sy::control {

using nlohmann::json;

json tunnel_to_json(const port::TunnelOptions& o) {
    json j = json::object();
    if (o.remote_flow)
        j["remote"] = "flow";
    else
        j["remote"] = o.remotes;
    if (!o.local.empty()) j["local"] = o.local;
    if (o.key_flow)
        j["key"] = "flow";
    else
        j["key"] = o.vni;
    if (o.dst_port != 0) j["dst_port"] = o.dst_port;
    if (o.csum) j["csum"] = true;
    if (o.ttl != 0) j["ttl"] = o.ttl;
    if (o.tos_inherit)
        j["tos"] = "inherit";
    else if (o.tos != 0)
        j["tos"] = o.tos;
    if (o.df) j["df"] = true;
    return j;
}

Result<port::TunnelOptions> tunnel_from_json(const json& j) {
    auto bad = [](const char* field, const std::string& what) {
        return Status(Errc::invalid_argument, fmt::format("tunnel {}: {}", field, what));
    };
    if (!j.is_object()) return Status(Errc::invalid_argument, "tunnel: expected an object");
    // Integers in range, whether the JSON holds them signed or unsigned (text parses as
    // unsigned, values built in memory from an int are signed).
    auto in_range = [](const json& v, std::int64_t lo, std::int64_t hi) {
        return v.is_number_integer() && v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi;
    };
    port::TunnelOptions o;
    for (const auto& [key, value] : j.items()) {
        if (key != "remote" && key != "local" && key != "key" && key != "dst_port" &&
            key != "csum" && key != "ttl" && key != "tos" && key != "df")
            return bad(key.c_str(), "unknown option");
    }
    if (auto it = j.find("remote"); it != j.end()) {
        if (it->is_string() && *it == "flow") {
            o.remote_flow = true;
        } else if (it->is_array()) {
            for (const auto& r : *it) {
                if (!r.is_string()) return bad("remote", "expected IP addresses or \"flow\"");
                if (r == "flow") return bad("remote", "'flow' excludes remote addresses");
                o.remotes.push_back(r.get<std::string>());
            }
        } else if (it->is_string()) {
            o.remotes.push_back(it->get<std::string>());
        } else {
            return bad("remote", "expected IP addresses or \"flow\"");
        }
    }
    if (auto it = j.find("local"); it != j.end()) {
        if (!it->is_string()) return bad("local", "expected an IP address");
        o.local = it->get<std::string>();
    }
    if (auto it = j.find("key"); it != j.end()) {
        if (it->is_string() && *it == "flow") {
            o.key_flow = true;
        } else if (in_range(*it, 0, 0xFFFFFF)) {
            o.vni = it->get<std::uint32_t>();
        } else {
            return bad("key", fmt::format("{} is not a VNI (0..16777215) or \"flow\"", it->dump()));
        }
    }
    if (auto it = j.find("dst_port"); it != j.end()) {
        if (!in_range(*it, 1, 65535))
            return bad("dst_port", fmt::format("{} is not a UDP port (1..65535)", it->dump()));
        o.dst_port = it->get<std::uint16_t>();
    }
    for (const char* flag : {"csum", "df"}) {
        if (auto it = j.find(flag); it != j.end()) {
            if (!it->is_boolean()) return bad(flag, "expected true or false");
            (std::string(flag) == "csum" ? o.csum : o.df) = it->get<bool>();
        }
    }
    if (auto it = j.find("ttl"); it != j.end()) {
        if (!in_range(*it, 1, 255))
            return bad("ttl", fmt::format("{} is not in 1..255", it->dump()));
        o.ttl = it->get<int>();
    }
    if (auto it = j.find("tos"); it != j.end()) {
        if (it->is_string() && *it == "inherit") {
            o.tos_inherit = true;
        } else if (in_range(*it, 0, 255)) {
            o.tos = it->get<int>();
        } else {
            return bad("tos", fmt::format("{} is not in 0..255 or \"inherit\"", it->dump()));
        }
    }
    return o;
}

}  // namespace sy::control
