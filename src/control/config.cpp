#include "control/config.hpp"

#include <fmt/core.h>

#include <set>

#include "control/tunnel_json.hpp"

namespace sy::control {

using nlohmann::json;

BridgeRecord* Config::find_bridge(const std::string& name) {
    for (auto& bridge : bridges) {
        if (bridge.name == name) return &bridge;
    }
    return nullptr;
}

BridgeRecord* Config::bridge_of_port(const std::string& port) {
    for (auto& bridge : bridges) {
        for (auto& record : bridge.ports) {
            if (record.config.name == port) return &bridge;
        }
    }
    return nullptr;
}

PortRecord* Config::find_port(const std::string& bridge, const std::string& port) {
    BridgeRecord* b = find_bridge(bridge);
    if (b == nullptr) return nullptr;
    for (auto& record : b->ports) {
        if (record.config.name == port) return &record;
    }
    return nullptr;
}

const char* to_string(datapath::OffloadMode mode) {
    return mode == datapath::OffloadMode::legacy ? "legacy" : "vnet";
}

Result<datapath::OffloadMode> parse_offload_mode(const std::string& text) {
    if (text == "vnet") return datapath::OffloadMode::vnet_hdr;
    if (text == "legacy") return datapath::OffloadMode::legacy;
    return Status(Errc::invalid_argument,
                  fmt::format("offload mode '{}' is not 'vnet' or 'legacy'", text));
}

namespace {

const char* kind_name(datapath::PortKind kind) {
    switch (kind) {
        case datapath::PortKind::af_packet:
            return "af_packet";
        case datapath::PortKind::tap:
            return "tap";
        case datapath::PortKind::memory:
            return "memory";
        case datapath::PortKind::vxlan:
            return "vxlan";
        case datapath::PortKind::geneve:
            return "geneve";
        case datapath::PortKind::dpdk:
            return "dpdk";
        case datapath::PortKind::dpdk_vhost_user:
            return "dpdkvhostuser";
    }
    return "af_packet";
}

json attachment_to_json(const Attachment& a) {
    json j{{"container", a.container},
           {"netns", a.netns_path},
           {"ifname", a.ifname},
           {"address", a.address}};
    if (a.gateway) j["gateway"] = *a.gateway;
    if (a.mac) j["mac"] = *a.mac;
    if (a.mtu) j["mtu"] = *a.mtu;
    if (!a.extra_addresses.empty()) j["extra_addresses"] = a.extra_addresses;
    if (!a.routes.empty()) {
        json routes = json::array();
        for (const auto& r : a.routes) {
            json route{{"destination", r.destination}};
            if (r.gateway) route["gateway"] = *r.gateway;
            routes.push_back(std::move(route));
        }
        j["routes"] = std::move(routes);
    }
    return j;
}

// Reads fields and remembers the first problem with its JSON path, so a corrupt file is
// reported as "bridges[0].ports[1].vlan: expected an integer" rather than "bad file".
class Reader {
  public:
    Status error;

    bool ok() const { return error.is_ok(); }
    void fail(const std::string& where, const std::string& what) {
        if (ok()) error = Status(Errc::corrupt, fmt::format("{}: {}", where, what));
    }
    const json* field(const json& obj, const std::string& where, const char* key, bool required) {
        if (!obj.is_object()) {
            fail(where, "expected an object");
            return nullptr;
        }
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required) fail(where + "." + key, "missing");
            return nullptr;
        }
        return &*it;
    }
    std::string str(const json& obj, const std::string& where, const char* key,
                    bool required = true) {
        const json* v = field(obj, where, key, required);
        if (v == nullptr) return {};
        if (!v->is_string()) {
            fail(where + "." + key, "expected a string");
            return {};
        }
        return v->get<std::string>();
    }
    std::int64_t integer(const json& obj, const std::string& where, const char* key,
                         std::int64_t min, std::int64_t max, std::int64_t fallback) {
        const json* v = field(obj, where, key, false);
        if (v == nullptr) return fallback;
        if (!v->is_number_integer() || v->get<std::int64_t>() < min ||
            v->get<std::int64_t>() > max) {
            fail(where + "." + key, fmt::format("expected an integer in {}..{}", min, max));
            return fallback;
        }
        return v->get<std::int64_t>();
    }
};

std::optional<Attachment> read_attachment(Reader& r, const json& j, const std::string& where) {
    Attachment a;
    a.container = r.str(j, where, "container");
    a.netns_path = r.str(j, where, "netns", false);
    a.ifname = r.str(j, where, "ifname");
    a.address = r.str(j, where, "address");
    if (j.contains("gateway")) a.gateway = r.str(j, where, "gateway");
    if (j.contains("mac")) a.mac = r.str(j, where, "mac");
    if (j.contains("mtu"))
        a.mtu = static_cast<std::uint32_t>(r.integer(j, where, "mtu", 68, 65535, 1500));
    if (const json* extra = r.field(j, where, "extra_addresses", false)) {
        if (!extra->is_array()) r.fail(where + ".extra_addresses", "expected a list");
        for (std::size_t i = 0; r.ok() && extra->is_array() && i < extra->size(); ++i) {
            if (!(*extra)[i].is_string())
                r.fail(fmt::format("{}.extra_addresses[{}]", where, i), "expected a string");
            else
                a.extra_addresses.push_back((*extra)[i].get<std::string>());
        }
    }
    if (const json* routes = r.field(j, where, "routes", false)) {
        if (!routes->is_array()) r.fail(where + ".routes", "expected a list");
        for (std::size_t i = 0; r.ok() && routes->is_array() && i < routes->size(); ++i) {
            const std::string route_where = fmt::format("{}.routes[{}]", where, i);
            Attachment::Route route;
            route.destination = r.str((*routes)[i], route_where, "destination");
            if (r.ok() && (*routes)[i].contains("gateway"))
                route.gateway = r.str((*routes)[i], route_where, "gateway");
            a.routes.push_back(std::move(route));
        }
    }
    return a;
}

ExternalIds read_external_ids(Reader& r, const json& j, const std::string& where) {
    ExternalIds ids;
    if (!j.is_object()) {
        r.fail(where, "expected an object of strings");
        return ids;
    }
    for (const auto& [key, value] : j.items()) {
        if (!value.is_string()) {
            r.fail(where + "." + key, "expected a string");
            break;
        }
        ids[key] = value.get<std::string>();
    }
    return ids;
}

PortRecord read_port(Reader& r, const json& j, const std::string& where) {
    PortRecord p;
    p.config.name = r.str(j, where, "name");
    const std::string kind = r.str(j, where, "kind", false);
    if (kind == "tap")
        p.config.kind = datapath::PortKind::tap;
    else if (kind == "memory")
        p.config.kind = datapath::PortKind::memory;
    else if (kind == "vxlan")
        p.config.kind = datapath::PortKind::vxlan;
    else if (kind == "geneve")
        p.config.kind = datapath::PortKind::geneve;
    else if (kind == "dpdk")
        p.config.kind = datapath::PortKind::dpdk;
    else if (kind == "dpdkvhostuser")
        p.config.kind = datapath::PortKind::dpdk_vhost_user;
    else if (!kind.empty() && kind != "af_packet")
        r.fail(where + ".kind", "unknown port kind");
    const std::string offload = r.str(j, where, "offload", false);
    if (!offload.empty()) {
        auto mode = parse_offload_mode(offload);
        if (mode)
            p.config.offload = *mode;
        else
            r.fail(where + ".offload", mode.status().message());
    }
    p.config.ofport = static_cast<std::uint32_t>(r.integer(j, where, "ofport", 0, 0xffffff00, 0));
    p.config.devargs = r.str(j, where, "devargs", false);
    p.config.vhost_socket = r.str(j, where, "socket", false);
    if (const json* client = r.field(j, where, "client", false)) {
        if (!client->is_boolean())
            r.fail(where + ".client", "expected true or false");
        else
            p.config.vhost_client = client->get<bool>();
    }
    p.config.rx_queues = static_cast<std::uint16_t>(r.integer(j, where, "rxq", 1, 64, 1));
    p.config.tx_queues = static_cast<std::uint16_t>(r.integer(j, where, "txq", 1, 64, 1));
    p.config.access_vlan = static_cast<std::uint16_t>(r.integer(j, where, "vlan", 0, 4094, 0));
    if (const json* trunk = r.field(j, where, "trunk", false)) {
        if (!trunk->is_array())
            r.fail(where + ".trunk", "expected a list of VLAN ids");
        else {
            for (const auto& v : *trunk) {
                if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
                    v.get<std::int64_t>() > 4094) {
                    r.fail(where + ".trunk", "expected VLAN ids in 1..4094");
                    break;
                }
                p.config.trunk_vlans.push_back(static_cast<std::uint16_t>(v.get<int>()));
            }
        }
    }
    if (const json* corrupt = r.field(j, where, "corrupt", false)) {
        if (!corrupt->is_number() || corrupt->get<double>() < 0 || corrupt->get<double>() > 1) {
            r.fail(where + ".corrupt", "expected a fraction in 0..1");
        } else {
            p.config.corrupt_fraction = corrupt->get<double>();
        }
    }
    if (const json* mark = r.field(j, where, "unsafe_mark_verified", false)) {
        if (!mark->is_boolean())
            r.fail(where + ".unsafe_mark_verified", "expected true or false");
        else
            p.config.unsafe_mark_verified = mark->get<bool>();
    }
    if (datapath::is_tunnel(p.config.kind)) {
        if (const json* t = r.field(j, where, "tunnel", true)) {
            auto options = tunnel_from_json(*t);
            if (options)
                p.config.tunnel = *options;
            else
                r.fail(where + ".tunnel", options.status().message());
        }
    }
    if (const json* a = r.field(j, where, "attachment", false)) {
        p.attachment = read_attachment(r, *a, where + ".attachment");
    }
    if (const json* ids = r.field(j, where, "external_ids", false)) {
        p.external_ids = read_external_ids(r, *ids, where + ".external_ids");
    }
    return p;
}

}  // namespace

json to_json(const Config& config) {
    json bridges = json::array();
    for (const auto& bridge : config.bridges) {
        json ports = json::array();
        for (const auto& port : bridge.ports) {
            const auto& c = port.config;
            json p{
                {"name", c.name}, {"kind", kind_name(c.kind)}, {"offload", to_string(c.offload)}};
            if (c.ofport != 0) p["ofport"] = c.ofport;
            if (c.access_vlan != 0) p["vlan"] = c.access_vlan;
            if (!c.trunk_vlans.empty()) p["trunk"] = c.trunk_vlans;
            if (c.corrupt_fraction > 0) p["corrupt"] = c.corrupt_fraction;
            if (c.unsafe_mark_verified) p["unsafe_mark_verified"] = true;
            if (datapath::is_tunnel(c.kind)) p["tunnel"] = tunnel_to_json(c.tunnel);
            if (!c.devargs.empty()) p["devargs"] = c.devargs;
            if (!c.vhost_socket.empty()) p["socket"] = c.vhost_socket;
            if (c.vhost_client) p["client"] = true;
            if (c.rx_queues != 1) p["rxq"] = c.rx_queues;
            if (c.tx_queues != 1) p["txq"] = c.tx_queues;
            if (port.attachment) p["attachment"] = attachment_to_json(*port.attachment);
            if (!port.external_ids.empty()) p["external_ids"] = port.external_ids;
            ports.push_back(std::move(p));
        }
        json b{{"name", bridge.name}, {"ports", std::move(ports)}};
        if (bridge.flows) b["flows"] = *bridge.flows;
        if (!bridge.controllers.empty()) b["controllers"] = bridge.controllers;
        if (bridge.fail_mode != "standalone") b["fail_mode"] = bridge.fail_mode;
        bridges.push_back(std::move(b));
    }
    json doc{{"version", kConfigVersion}, {"bridges", std::move(bridges)}};
    if (!config.engines.empty()) doc["engines"] = config.engines;
    return doc;
}

Result<Config> config_from_json(const json& doc) {
    Reader r;
    Config config;
    const std::int64_t version = r.integer(doc, "$", "version", 0, INT32_MAX, -1);
    if (r.ok() && version != kConfigVersion) {
        r.fail("$.version",
               fmt::format("expected {} (written by a different switchyard?)", kConfigVersion));
    }
    const json* bridges = r.field(doc, "$", "bridges", true);
    if (bridges != nullptr && !bridges->is_array()) r.fail("$.bridges", "expected a list");
    std::set<std::string> bridge_names, port_names;
    for (std::size_t i = 0; r.ok() && bridges != nullptr && i < bridges->size(); ++i) {
        const std::string where = fmt::format("$.bridges[{}]", i);
        BridgeRecord bridge;
        bridge.name = r.str((*bridges)[i], where, "name");
        if (r.ok() && !bridge_names.insert(bridge.name).second)
            r.fail(where, "duplicate bridge name");
        const json* ports = r.field((*bridges)[i], where, "ports", false);
        if (ports != nullptr && !ports->is_array()) r.fail(where + ".ports", "expected a list");
        for (std::size_t k = 0; r.ok() && ports != nullptr && k < ports->size(); ++k) {
            const std::string port_where = fmt::format("{}.ports[{}]", where, k);
            PortRecord port = read_port(r, (*ports)[k], port_where);
            if (r.ok() && !port_names.insert(port.config.name).second)
                r.fail(port_where, "duplicate port name");
            bridge.ports.push_back(std::move(port));
        }
        if (const json* flows = r.field((*bridges)[i], where, "flows", false)) {
            if (!flows->is_array()) r.fail(where + ".flows", "expected a list of flows");
            bridge.flows.emplace();
            for (std::size_t k = 0; r.ok() && flows->is_array() && k < flows->size(); ++k) {
                if (!(*flows)[k].is_string()) {
                    r.fail(fmt::format("{}.flows[{}]", where, k), "expected a flow (a string)");
                    break;
                }
                bridge.flows->push_back((*flows)[k].get<std::string>());
            }
        }
        if (const json* ctl = r.field((*bridges)[i], where, "controllers", false)) {
            if (!ctl->is_array()) r.fail(where + ".controllers", "expected a list of targets");
            for (std::size_t k = 0; r.ok() && ctl->is_array() && k < ctl->size(); ++k) {
                if (!(*ctl)[k].is_string()) {
                    r.fail(fmt::format("{}.controllers[{}]", where, k), "expected a target (a string)");
                    break;
                }
                bridge.controllers.push_back((*ctl)[k].get<std::string>());
            }
        }
        if (const json* mode = r.field((*bridges)[i], where, "fail_mode", false)) {
            if (!mode->is_string() || (*mode != "standalone" && *mode != "secure")) {
                r.fail(where + ".fail_mode", "expected \"standalone\" or \"secure\"");
            } else {
                bridge.fail_mode = mode->get<std::string>();
            }
        }
        config.bridges.push_back(std::move(bridge));
    }
    if (const json* engines = r.field(doc, "$", "engines", false)) {
        if (!engines->is_object())
            r.fail("$.engines", "expected an object");
        else
            config.engines = *engines;
    }
    if (!r.ok()) return r.error;
    return config;
}

}  // namespace sy::control
