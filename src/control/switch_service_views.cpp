// The read-only views of SwitchService: show, stats, fdb. They merge the configuration (what
// should exist) with the switch's runtime view (what does).
#include <fmt/core.h>

#include <map>

#include "control/paths.hpp"
#include "control/port_types.hpp"
#include "control/switch_service.hpp"
#include "control/tunnel_json.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

json port_config_json(const PortRecord& record) {
    const auto& c = record.config;
    json p{{"name", c.name}, {"offload", to_string(c.offload)}};
    if (c.kind != datapath::PortKind::af_packet) p["type"] = port_type_of(c.kind).name;
    if (c.ofport != 0) p["ofport"] = c.ofport;
    if (c.access_vlan != 0) p["vlan"] = c.access_vlan;
    if (!c.trunk_vlans.empty()) p["trunk"] = c.trunk_vlans;
    if (c.corrupt_fraction > 0) p["corrupt"] = c.corrupt_fraction;
    if (c.unsafe_mark_verified) p["unsafe_mark_verified"] = true;
    if (c.kind != datapath::PortKind::af_packet) p["type"] = port_type_of(c.kind).name;
    if (datapath::is_tunnel(c.kind)) p["tunnel"] = tunnel_to_json(c.tunnel);
    if (c.kind == datapath::PortKind::dpdk) p["devargs"] = c.devargs;
    if (c.kind == datapath::PortKind::dpdk_vhost_user) {
        p["socket"] = c.vhost_socket;
        if (c.vhost_client) p["client"] = true;
    }
    if (c.rx_queues != 1) p["rxq"] = c.rx_queues;
    if (c.tx_queues != 1) p["txq"] = c.tx_queues;
    if (record.attachment) {
        const auto& a = *record.attachment;
        p["attachment"] =
            json{{"container", a.container}, {"ifname", a.ifname}, {"address", a.address}};
        if (a.gateway) p["attachment"]["gateway"] = *a.gateway;
        if (a.mac) p["attachment"]["mac"] = *a.mac;
        if (a.mtu) p["attachment"]["mtu"] = *a.mtu;
        if (!a.netns_path.empty()) p["attachment"]["netns"] = a.netns_path;
        if (!a.extra_addresses.empty()) p["attachment"]["extra_addresses"] = a.extra_addresses;
        for (const auto& r : a.routes) {
            json route{{"destination", r.destination}};
            if (r.gateway) route["gateway"] = *r.gateway;
            p["attachment"]["routes"].push_back(std::move(route));
        }
    }
    if (!record.external_ids.empty()) p["external_ids"] = record.external_ids;
    return p;
}

json stats_json(const datapath::PortStats& s) {
    json drops = json::object();
    for (const auto& [reason, count] : s.drops) drops[reason] = count;
    json driver = json::object();
    for (const auto& [name, count] : s.driver) driver[name] = count;
    return json{{"driver", std::move(driver)},
                {"rx_packets", s.rx_packets},
                {"rx_bytes", s.rx_bytes},
                {"tx_packets", s.tx_packets},
                {"tx_bytes", s.tx_bytes},
                {"csum_completed_sw", s.csum_completed_sw},
                {"csum_verified_good", s.csum_verified_good},
                {"csum_verified_bad", s.csum_verified_bad},
                {"csum_pseudo_seed", s.csum_pseudo_seed},
                {"gso_passed", s.gso_passed},
                {"gso_segmented", s.gso_segmented},
                {"segments_out", s.segments_out},
                {"gso_resized", s.gso_resized},
                {"corrupted_injected", s.corrupted_injected},
                {"unsafe_marked", s.unsafe_marked},
                {"poll_ns", s.poll_ns},
                {"drops", std::move(drops)}};
}

std::map<std::string, const datapath::PortInfo*> runtime_ports(
    const std::vector<datapath::BridgeInfo>& bridges, const std::string& bridge) {
    std::map<std::string, const datapath::PortInfo*> ports;
    for (const auto& b : bridges) {
        if (b.name != bridge) continue;
        for (const auto& p : b.ports) ports[p.config.name] = &p;
    }
    return ports;
}

}  // namespace

json SwitchService::show() {
    std::lock_guard lock(mutex_);
    const auto runtime = switch_.bridges();
    json bridges = json::array();
    json missing = json::array();
    for (const auto& bridge : config_.bridges) {
        const auto ports_now = runtime_ports(runtime, bridge.name);
        json ports = json::array();
        for (const auto& record : bridge.ports) {
            json p = port_config_json(record);
            const auto& name = record.config.name;
            if (auto it = missing_.find(name); it != missing_.end()) {
                p["status"] = "missing";
                p["reason"] = it->second;
                missing.push_back(
                    json{{"bridge", bridge.name}, {"port", name}, {"reason", it->second}});
            } else if (auto rt = ports_now.find(name); rt != ports_now.end()) {
                p["id"] = rt->second->id;
                p["ofport"] = rt->second->config.ofport;
                p["status"] = rt->second->up ? "up" : "down";
                if (!rt->second->fast_path.empty()) p["kernel_fastpath"] = rt->second->fast_path;
                if (rt->second->fast_path_to_peer) p["kernel_fastpath_to_peer"] = true;
                if (rt->second->inner_mtu != 0) {
                    p["inner_mtu"] = rt->second->inner_mtu;
                    p["underlay_mtu"] = rt->second->underlay_mtu;
                }
            } else {
                p["status"] = "unknown to the datapath";
            }
            ports.push_back(std::move(p));
        }
        json b{{"name", bridge.name}, {"ports", std::move(ports)}};
        for (const auto& rb : runtime) {
            if (rb.name != bridge.name) continue;
            b["poll_thread"] = rb.poll_thread;
            if (rb.load >= 0) b["load"] = rb.load;
        }
        if (auto flows = switch_.dump_flows(bridge.name, flow::FlowFilter{})) {
            b["flows"] = flows->size();
            b["default_flows"] = !bridge.flows.has_value();
        }
        b["controllers"] = bridge.controllers;
        b["fail_mode"] = bridge.fail_mode;
        if (!socket_path_.empty()) b["mgmt"] = mgmt_socket_path(socket_path_, bridge.name);
        bridges.push_back(std::move(b));
    }
    return json{{"socket", socket_path_},
                {"state", store_.path()},
                {"kernel_fastpath", switch_.kernel_fastpath_state()},
                {"poll_threads", switch_.poll_threads()},
                {"bridges_moved", switch_.bridges_moved()},
                {"last_move", switch_.last_move()},
                {"bridges", std::move(bridges)},
                {"missing", std::move(missing)}};
}

json SwitchService::stats() {
    std::lock_guard lock(mutex_);
    json bridges = json::array();
    for (const auto& bridge : switch_.bridges()) {
        json ports = json::array();
        for (const auto& port : bridge.ports) {
            json p = stats_json(port.stats);
            p["name"] = port.config.name;
            p["id"] = port.id;
            p["up"] = port.up;
            if (!port.fast_path.empty()) {
                p["kernel_fastpath"] = json{{"state", port.fast_path},
                                            {"to_peer", port.fast_path_to_peer},
                                            {"rx_packets", port.stats.fastpath_rx_packets},
                                            {"rx_bytes", port.stats.fastpath_rx_bytes},
                                            {"tx_packets", port.stats.fastpath_tx_packets},
                                            {"tx_bytes", port.stats.fastpath_tx_bytes}};
            }
            ports.push_back(std::move(p));
        }
        const flow::FlowCacheStats& c = bridge.flow_cache;
        json cache{{"signature_hits", c.signature_hits}, {"exact_hits", c.emc_hits},
                   {"megaflow_hits", c.megaflow_hits},   {"misses", c.misses},
                   {"uncacheable", c.uncacheable},       {"evictions", c.evictions},
                   {"mask_evictions", c.mask_evictions}, {"invalidations", c.invalidations},
                   {"megaflows", c.megaflows},           {"masks", c.masks}};
        bridges.push_back(json{
            {"name", bridge.name}, {"ports", std::move(ports)}, {"flow_cache", std::move(cache)}});
    }
    return json{{"bridges", std::move(bridges)}};
}

Result<json> SwitchService::fdb(const std::string& bridge) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    auto entries = switch_.fdb(bridge);
    if (!entries) return entries.status();
    json out = json::array();
    for (const auto& e : *entries) {
        out.push_back(
            json{{"mac", fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", e.mac[0],
                                     e.mac[1], e.mac[2], e.mac[3], e.mac[4], e.mac[5])},
                 {"vlan", e.vlan},
                 {"port", e.port},
                 {"age", e.age_seconds}});
    }
    return json{{"bridge", bridge}, {"entries", std::move(out)}};
}

}  // namespace sy::control
