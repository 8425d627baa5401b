#include "engines/cni/plugin.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "engines/derived_mac.hpp"

namespace sy::engines::cni {

using nlohmann::json;

namespace {

// How a failed control call reads to the runtime.
CniError from_status(const Status& s, const char* what) {
    ErrorCode code = ErrorCode::io_failure;
    if (s.code() == Errc::invalid_argument) code = ErrorCode::invalid_config;
    if (s.code() == Errc::not_found) code = ErrorCode::unknown_container;
    return CniError{code, fmt::format("{}: {}", what, s.message()), ""};
}

CniError daemon_unreachable(const NetworkConfig& c, const Status& s) {
    return CniError{ErrorCode::try_again_later,
                    fmt::format("the switchyard daemon does not answer on {}", c.socket),
                    s.message()};
}

json build_result(const NetworkConfig& c, const Environment& env, const IpamResult& ipam,
                  const std::string& port, const std::string& host_mac, const std::string& mac) {
    const bool with_ip_version = !version_at_least(c.cni_version, "1.0.0");
    json host_iface{{"name", port}};
    if (!host_mac.empty()) host_iface["mac"] = host_mac;
    json container_iface{{"name", env.ifname}, {"mac", mac}, {"sandbox", env.netns}};
    if (c.mtu) container_iface["mtu"] = *c.mtu;
    json ips = json::array();
    for (const auto& ip : ipam.ips) {
        json entry{{"address", ip.address}, {"interface", 1}};
        if (!ip.gateway.empty()) entry["gateway"] = ip.gateway;
        if (with_ip_version) entry["version"] = ip.ipv6 ? "6" : "4";
        ips.push_back(std::move(entry));
    }
    json routes = json::array();
    for (const auto& r : ipam.routes) {
        json entry{{"dst", r.dst}};
        if (!r.gw.empty()) entry["gw"] = r.gw;
        routes.push_back(std::move(entry));
    }
    json result{{"cniVersion", c.cni_version},
                {"interfaces", json::array({host_iface, container_iface})},
                {"ips", std::move(ips)},
                {"routes", std::move(routes)},
                {"dns", ipam.dns.is_object() ? ipam.dns : json::object()}};
    return result;
}

Outcome<json> ensure_bridge(const DaemonCall& daemon, const std::string& bridge) {
    auto made = daemon("bridge.add", {{"bridge", bridge}});
    if (made || made.status().code() == Errc::already_exists) return json::object();
    return from_status(made.status(), "bridge");
}

Outcome<json> add(const Environment& env, const NetworkConfig& c, const DaemonCall& daemon,
                  const PluginIo& io) {
    if (auto b = ensure_bridge(daemon, c.bridge); !b.ok) return b.error;
    const IpamRunner ipam = io.ipam(env, c);
    auto allocated = ipam("ADD");
    if (!allocated.ok) return allocated.error;
    auto parsed = parse_ipam_result(allocated.value);
    auto release = [&](CniError why) {
        ipam("DEL");  // give the address back: nothing of this ADD is left
        return why;
    };
    if (!parsed.ok) return release(parsed.error);
    const IpamResult& r = parsed.value;

    std::string v4, v6;
    for (const auto& ip : r.ips) {
        std::string& first = ip.ipv6 ? v6 : v4;
        if (first.empty()) first = ip.address;
    }
    const std::string mac = c.mac.value_or(mac_for_address(v4, v6));
    json params{
        {"bridge", c.bridge},
        {"container", env.container_id},
        {"netns", env.netns},
        {"ifname", env.ifname},
        {"ip", r.ips.front().address},
        {"mac", mac},
        {"offload", "vnet"},
        {"external_ids",
         {{kNetworkKey, c.name}, {kContainerKey, env.container_id}, {kIfnameKey, env.ifname}}}};
    json extra = json::array();
    for (std::size_t i = 1; i < r.ips.size(); ++i) extra.push_back(r.ips[i].address);
    if (!extra.empty()) params["extra_ips"] = extra;
    json routes = json::array();
    for (const auto& route : r.routes) {
        // A route without "gw" goes via the gateway of an address of its family (the spec's
        // rule, as the reference bridge plugin applies it).
        std::string gw = route.gw;
        const bool ipv6 = route.dst.find(':') != std::string::npos;
        for (const auto& ip : r.ips)
            if (gw.empty() && ip.ipv6 == ipv6) gw = ip.gateway;
        json entry{{"destination", route.dst}};
        if (!gw.empty()) entry["gateway"] = gw;
        routes.push_back(std::move(entry));
    }
    if (!routes.empty()) params["routes"] = routes;
    if (c.mtu) params["mtu"] = *c.mtu;
    if (c.vlan) params["vlan"] = c.vlan;
    auto attached = daemon("container.attach", params);
    if (!attached) return release(from_status(attached.status(), "attach"));
    const std::string port = attached->value("port", std::string());
    return build_result(c, env, r, port, io.host_mac(port), mac);
}

Outcome<json> del(const Environment& env, const NetworkConfig& c, const PluginIo& io) {
    std::optional<CniError> failure;
    if (auto daemon = io.connect(c.socket); !daemon) {
        failure = daemon_unreachable(c, daemon.status());
    } else {
        auto detached = (*daemon)(
            "container.detach",
            {{"bridge", c.bridge}, {"container", env.container_id}, {"ifname", env.ifname}});
        // Not attached (a repeated DEL, an ADD that failed, a bridge already deleted): done.
        if (!detached && detached.status().code() != Errc::not_found)
            failure = from_status(detached.status(), "detach");
    }
    // The address goes back in any case; a DEL the runtime repeats finds it released.
    if (auto released = io.ipam(env, c)("DEL"); !released.ok && !failure) failure = released.error;
    if (failure) return *failure;
    return json();
}

// Our port for (container, ifname) on the configured bridge, from `show`.
std::optional<json> find_port(const json& show, const NetworkConfig& c, const std::string& id,
                              const std::string& ifname) {
    for (const auto& bridge : show.value("bridges", json::array())) {
        if (bridge.value("name", "") != c.bridge) continue;
        for (const auto& port : bridge.value("ports", json::array())) {
            const json ids = port.value("external_ids", json::object());
            if (ids.value(kContainerKey, "") == id && ids.value(kIfnameKey, "") == ifname)
                return port;
        }
    }
    return std::nullopt;
}

Outcome<json> check(const Environment& env, const NetworkConfig& c, const DaemonCall& daemon,
                    const PluginIo& io) {
    if (!version_at_least(c.cni_version, "0.4.0"))
        return CniError{ErrorCode::incompatible_version,
                        fmt::format("CHECK needs cniVersion 0.4.0 or later, not {}", c.cni_version),
                        ""};
    if (!c.prev_result.is_object())
        return CniError{ErrorCode::invalid_config, "CHECK needs a prevResult", ""};
    auto show = daemon("show", json::object());
    if (!show) return from_status(show.status(), "show");
    auto port = find_port(*show, c, env.container_id, env.ifname);
    if (!port)
        return CniError{ErrorCode::unknown_container,
                        fmt::format("container {} ({}) is not attached to bridge {}",
                                    env.container_id, env.ifname, c.bridge),
                        ""};
    const std::string name = port->value("name", "");
    if (port->value("status", "") != "up")
        return CniError{ErrorCode::io_failure,
                        fmt::format("port {} is {}", name, port->value("status", "?")), ""};
    const json attachment = port->value("attachment", json::object());
    if (attachment.value("netns", "") != env.netns)
        return CniError{ErrorCode::io_failure,
                        fmt::format("port {} is attached to namespace {}, not {}", name,
                                    attachment.value("netns", ""), env.netns),
                        ""};
    const auto prev_ips = c.prev_result.value("ips", json::array());
    if (!prev_ips.empty() && prev_ips[0].value("address", "") != attachment.value("address", ""))
        return CniError{
            ErrorCode::io_failure,
            fmt::format("port {} has address {}, prevResult says {}", name,
                        attachment.value("address", ""), prev_ips[0].value("address", "")),
            ""};
    if (!io.link_in_netns(env.netns, env.ifname))
        return CniError{ErrorCode::io_failure,
                        fmt::format("no interface {} in {}", env.ifname, env.netns), ""};
    if (auto ipam = io.ipam(env, c)("CHECK"); !ipam.ok) return ipam.error;
    return json();
}

Outcome<json> gc(const Environment& env, const NetworkConfig& c, const DaemonCall& daemon,
                 const PluginIo& io) {
    std::set<std::pair<std::string, std::string>> valid;
    for (const auto& a : c.raw.value("cni.dev/valid-attachments", json::array())) {
        if (a.is_object()) valid.insert({a.value("containerID", ""), a.value("ifname", "")});
    }
    auto show = daemon("show", json::object());
    if (!show) return from_status(show.status(), "show");
    for (const auto& bridge : show->value("bridges", json::array())) {
        for (const auto& port : bridge.value("ports", json::array())) {
            const json ids = port.value("external_ids", json::object());
            if (ids.value(kNetworkKey, "") != c.name) continue;
            const std::string id = ids.value(kContainerKey, "");
            const std::string ifname = ids.value(kIfnameKey, "");
            if (valid.count({id, ifname})) continue;
            auto detached = daemon(
                "container.detach",
                {{"bridge", bridge.value("name", "")}, {"container", id}, {"ifname", ifname}});
            if (!detached && detached.status().code() != Errc::not_found)
                return from_status(detached.status(), "gc: detach");
        }
    }
    // IPAM plugins that know GC release their stale addresses too; older ones (host-local
    // 1.1) refuse the command, which leaves nothing worse than before.
    if (c.raw.contains("ipam")) io.ipam(env, c)("GC");
    return json();
}

}  // namespace

PluginOutput run_plugin(const std::map<std::string, std::string>& environment,
                        const std::string& stdin_text, const PluginIo& io,
                        const std::string& default_socket) {
    std::string version = "1.0.0";
    auto fail = [&](const CniError& e) {
        return PluginOutput{1, to_json(e, version).dump() + "\n"};
    };
    auto env = read_environment(environment);
    if (!env.ok) return fail(env.error);
    if (env.value.command == "VERSION") {
        json request = json::parse(stdin_text, nullptr, false);
        const auto& supported = supported_versions();
        std::string asked = request.is_object() ? request.value("cniVersion", "") : "";
        if (std::find(supported.begin(), supported.end(), asked) == supported.end())
            asked = supported.back();
        return PluginOutput{
            0, json{{"cniVersion", asked}, {"supportedVersions", supported}}.dump() + "\n"};
    }
    auto config = read_network_config(stdin_text, env.value, default_socket);
    if (!config.ok) return fail(config.error);
    const NetworkConfig& c = config.value;
    version = c.cni_version;
    const Environment& e = env.value;
    const bool new_command = e.command == "STATUS" || e.command == "GC";
    if (new_command && !version_at_least(c.cni_version, "1.1.0"))
        return fail(CniError{
            ErrorCode::incompatible_version,
            fmt::format("{} needs cniVersion 1.1.0, not {}", e.command, c.cni_version), ""});

    Outcome<json> outcome = json();
    if (e.command == "DEL") {
        outcome = del(e, c, io);
    } else {
        auto daemon = io.connect(c.socket);
        if (!daemon) {
            CniError why = daemon_unreachable(c, daemon.status());
            if (e.command == "STATUS") why.code = ErrorCode::not_available;
            return fail(why);
        }
        if (e.command == "ADD") outcome = add(e, c, *daemon, io);
        if (e.command == "CHECK") outcome = check(e, c, *daemon, io);
        if (e.command == "GC") outcome = gc(e, c, *daemon, io);
        if (e.command == "STATUS") outcome = json();
    }
    if (!outcome.ok) return fail(outcome.error);
    return PluginOutput{0, outcome.value.is_null() ? "" : outcome.value.dump() + "\n"};
}

}  // namespace sy::engines::cni
