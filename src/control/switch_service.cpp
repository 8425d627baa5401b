#include "control/switch_service.hpp"

#include <fmt/core.h>

#include "container/address.hpp"
#include "control/port_names.hpp"
#include "flow/flow_syntax.hpp"
#include "control/log.hpp"

namespace sy::control {

using datapath::PortConfig;
using nlohmann::json;

SwitchService::SwitchService(datapath::Switch& sw, StateStore store, HostLinks links, Config config,
                             std::string socket_path)
    : switch_(sw),
      store_(std::move(store)),
      links_(std::move(links)),
      config_(std::move(config)),
      socket_path_(std::move(socket_path)) {}

Config SwitchService::config() {
    std::lock_guard lock(mutex_);
    return config_;
}

std::vector<std::string> SwitchService::restore() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> report;
    for (const auto& bridge : config_.bridges) {
        if (Status s = switch_.add_bridge(bridge.name); !s) {
            report.push_back(fmt::format("bridge {}: {}", bridge.name, s.message()));
            for (const auto& port : bridge.ports)
                missing_[port.config.name] = "bridge not restored";
            continue;
        }
        for (const auto& port : bridge.ports) {
            const auto& name = port.config.name;
            std::string reason;
            if (datapath::names_host_interface(port.config.kind) && !links_.exists(name)) {
                reason = port.attachment
                             ? fmt::format("interface {} no longer exists (container '{}' gone?)",
                                           name, port.attachment->container)
                             : fmt::format("interface {} no longer exists", name);
            } else if (Status s = switch_.add_port(bridge.name, port.config); !s) {
                reason = s.message();
            }
            if (!reason.empty()) {
                missing_[name] = reason;
                report.push_back(fmt::format("port {} on {}: {}", name, bridge.name, reason));
            }
        }
        if (bridge.flows) {
            if (Status s = restore_flows(bridge.name, *bridge.flows); !s)
                report.push_back(fmt::format("flows of {}: {}", bridge.name, s.message()));
        }
    }
    return report;
}

Status SwitchService::restore_flows(const std::string& bridge,
                                    const std::vector<std::string>& lines) {
    std::string contents;
    for (const auto& l : lines) contents += l + "\n";
    BridgePortNames names;
    for (const auto& b : switch_.bridges()) {
        if (b.name == bridge) names = BridgePortNames(b);
    }
    auto mods = flow::parse_flow_file(contents, flow::FlowFileMode::replace_flows, names);
    if (!mods) return mods.status();
    const flow::FlowModOutcome out = switch_.replace_flows(bridge, *mods);
    return out.status;
}

nlohmann::json SwitchService::engine_state(const std::string& engine) {
    std::lock_guard lock(mutex_);
    auto it = config_.engines.find(engine);
    return it == config_.engines.end() ? json::object() : *it;
}

Status SwitchService::set_engine_state(const EngineUpdate& update) {
    std::lock_guard lock(mutex_);
    return persist(config_, update);
}

bool SwitchService::host_link_exists(const std::string& name) {
    return links_.exists(name);
}

Status SwitchService::persist(Config next, const std::optional<EngineUpdate>& engine) {
    if (engine) next.engines[engine->engine] = engine->state;
    if (Status s = store_.save(next); !s) {
        return Status(s.code(),
                      fmt::format("configuration not saved, change undone: {}", s.message()));
    }
    config_ = std::move(next);
    return Status::ok();
}

Status SwitchService::check_bridge(const std::string& bridge) {
    if (config_.find_bridge(bridge) == nullptr) {
        return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    }
    return Status::ok();
}

Status SwitchService::add_bridge(const std::string& name,
                                 const std::optional<EngineUpdate>& engine) {
    std::lock_guard lock(mutex_);
    if (Status s = container::check_ifname(name); !s) {
        return Status(Errc::invalid_argument, fmt::format("bad bridge name: {}", s.message()));
    }
    if (config_.find_bridge(name) != nullptr) {
        return Status(Errc::already_exists, fmt::format("bridge '{}' already exists", name));
    }
    if (Status s = switch_.add_bridge(name); !s) return s;
    Config next = config_;
    next.bridges.push_back(BridgeRecord{name, {}, std::nullopt});
    if (Status s = persist(std::move(next), engine); !s) {
        switch_.del_bridge(name);
        return s;
    }
    log_info("bridge {} added", name);
    return Status::ok();
}

Status SwitchService::del_bridge(const std::string& name,
                                 const std::optional<EngineUpdate>& engine) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(name); !s) return s;
    const BridgeRecord removed = *config_.find_bridge(name);
    Config next = config_;
    std::erase_if(next.bridges, [&](const BridgeRecord& b) { return b.name == name; });
    if (Status s = persist(std::move(next), engine); !s) return s;
    // Like `ovs-vsctl del-br`: the ports go with the bridge. The veth pairs we created for
    // attached containers are ours to remove; other interfaces are left alone.
    for (const auto& port : removed.ports) {
        const auto& port_name = port.config.name;
        if (missing_.erase(port_name) == 0) {
            if (Status s = switch_.del_port(name, port_name); !s) {
                log_warn("del-br {}: port {}: {}", name, port_name, s.message());
            }
        }
        if (port.attachment) {
            if (Status s = links_.detach(port_name); !s && s.code() != Errc::not_found) {
                log_warn("del-br {}: removing veth {}: {}", name, port_name, s.message());
            }
        }
    }
    if (Status s = switch_.del_bridge(name); !s) log_warn("del-br {}: {}", name, s.message());
    log_info("bridge {} deleted ({} ports)", name, removed.ports.size());
    return Status::ok();
}

Status SwitchService::add_port(const std::string& bridge, const PortConfig& config,
                               const ExternalIds& external_ids,
                               const std::optional<EngineUpdate>& engine) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    if (Status s = container::check_ifname(config.name); !s) return s;
    if (const BridgeRecord* owner = config_.bridge_of_port(config.name)) {
        return Status(Errc::already_exists,
                      fmt::format("port '{}' is already on bridge '{}'", config.name, owner->name));
    }
    if (config.access_vlan != 0 && !config.trunk_vlans.empty()) {
        return Status(Errc::invalid_argument, "a port is either an access port (vlan) or a trunk");
    }
    if (datapath::names_host_interface(config.kind) && !links_.exists(config.name)) {
        return Status(Errc::not_found,
                      fmt::format("no interface '{}' in the host network namespace", config.name));
    }
    if (Status s = switch_.add_port(bridge, config); !s) return s;
    datapath::PortConfig stored = config;
    stored.ofport = ofport_of(bridge, config.name);  // kept, so a restart gives it again
    Config next = config_;
    next.find_bridge(bridge)->ports.push_back(PortRecord{stored, std::nullopt, external_ids});
    if (Status s = persist(std::move(next), engine); !s) {
        switch_.del_port(bridge, config.name);
        return s;
    }
    log_info("port {} added to {} (offload {})", config.name, bridge, to_string(config.offload));
    return Status::ok();
}

Status SwitchService::del_port(const std::string& bridge, const std::string& port,
                               const std::optional<EngineUpdate>& engine) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    if (config_.find_port(bridge, port) == nullptr) {
        return Status(Errc::not_found, fmt::format("bridge '{}' has no port '{}'", bridge, port));
    }
    const bool in_switch = missing_.count(port) == 0;
    if (in_switch) {
        if (Status s = switch_.del_port(bridge, port); !s) return s;
    }
    Config next = config_;
    std::erase_if(next.find_bridge(bridge)->ports,
                  [&](const PortRecord& p) { return p.config.name == port; });
    const PortRecord removed = *config_.find_port(bridge, port);
    if (Status s = persist(std::move(next), engine); !s) {
        if (in_switch) switch_.add_port(bridge, removed.config);
        return s;
    }
    missing_.erase(port);
    log_info("port {} deleted from {}", port, bridge);
    return Status::ok();
}

Result<std::string> SwitchService::attach(const AttachParams& p) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(p.bridge); !s) return s;
    container::AttachRequest request;
    request.container = p.container;
    request.ifname = p.ifname;
    request.host_ifname =
        p.port_name.value_or(container::derive_host_ifname(p.bridge, p.container, p.ifname));
    auto address = container::parse_cidr(p.address);
    if (!address) return address.status();
    request.address = *address;
    if (p.gateway) {
        auto gateway = container::parse_ip(*p.gateway);
        if (!gateway)
            return Status(Errc::invalid_argument,
                          fmt::format("bad gateway: {}", gateway.status().message()));
        request.gateway = *gateway;
    }
    if (p.mac) {
        auto mac = container::parse_mac(*p.mac);
        if (!mac) return mac.status();
        request.mac = *mac;
    }
    request.mtu = p.mtu;
    if (p.netns) {
        if (p.netns->empty() || p.netns->front() != '/') {
            return Status(Errc::invalid_argument,
                          fmt::format("netns '{}' is not an absolute path", *p.netns));
        }
        request.netns_path = *p.netns;
    }
    for (const auto& text : p.extra_addresses) {
        auto extra = container::parse_cidr(text);
        if (!extra) return extra.status();
        request.extra_addresses.push_back(*extra);
    }
    for (const auto& r : p.routes) {
        container::Route route;
        auto destination = container::parse_cidr(r.destination);
        if (!destination)
            return Status(Errc::invalid_argument,
                          fmt::format("bad route: {}", destination.status().message()));
        route.destination = *destination;
        if (r.gateway) {
            auto via = container::parse_ip(*r.gateway);
            if (!via)
                return Status(Errc::invalid_argument,
                              fmt::format("bad route gateway: {}", via.status().message()));
            route.gateway = *via;
        }
        request.routes.push_back(route);
    }
    if (Status s = container::check_ifname(request.host_ifname); !s) {
        return Status(Errc::invalid_argument, fmt::format("bad port name: {}", s.message()));
    }
    if (const BridgeRecord* owner = config_.bridge_of_port(request.host_ifname)) {
        return Status(Errc::already_exists,
                      fmt::format("port '{}' is already on bridge '{}' (container '{}' attached "
                                  "twice? use --ifname or --port-name)",
                                  request.host_ifname, owner->name, p.container));
    }

    auto attached = links_.attach(request);
    if (!attached) return attached.status();
    PortConfig port;
    port.name = request.host_ifname;
    port.access_vlan = p.vlan;
    port.offload = p.offload;
    if (Status s = switch_.add_port(p.bridge, port); !s) {
        links_.detach(port.name);
        return s;
    }
    Attachment attachment{
        p.container, attached->netns_path,
        p.ifname,    request.address.to_string(),
        p.gateway,   request.mac ? std::optional(request.mac->to_string()) : std::nullopt,
        p.mtu,       {},
        p.routes};
    for (const auto& extra : request.extra_addresses)
        attachment.extra_addresses.push_back(extra.to_string());
    port.ofport = ofport_of(p.bridge, port.name);
    Config next = config_;
    next.find_bridge(p.bridge)->ports.push_back(PortRecord{port, attachment, p.external_ids});
    if (Status s = persist(std::move(next)); !s) {
        switch_.del_port(p.bridge, port.name);
        links_.detach(port.name);
        return s;
    }
    log_info("container {} attached to {} as {} ({} {})", p.container, p.bridge, port.name,
             p.ifname, attachment.address);
    return port.name;
}

Result<std::string> SwitchService::detach(const std::string& bridge, const std::string& container,
                                          const std::string& ifname) {
    std::string port;
    {
        std::lock_guard lock(mutex_);
        if (Status s = check_bridge(bridge); !s) return s;
        for (const auto& record : config_.find_bridge(bridge)->ports) {
            if (record.attachment && record.attachment->container == container &&
                record.attachment->ifname == ifname) {
                port = record.config.name;
            }
        }
    }
    if (port.empty()) {
        return Status(Errc::not_found,
                      fmt::format("container '{}' ({}) is not attached to bridge '{}'", container,
                                  ifname, bridge));
    }
    if (Status s = del_port(bridge, port); !s) return s;
    // The port is gone from the switch and the configuration; the veth may already be gone
    // too (container deleted), which is fine.
    if (Status s = links_.detach(port); !s && s.code() != Errc::not_found) {
        return Status(s.code(),
                      fmt::format("port {} removed, but its veth was not: {}", port, s.message()));
    }
    log_info("container {} detached from {} ({})", container, bridge, port);
    return port;
}

Status SwitchService::start_capture(const std::string& bridge, const std::string& port,
                                    datapath::CaptureDirection direction, const std::string& path) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    if (config_.find_port(bridge, port) == nullptr) {
        return Status(Errc::not_found, fmt::format("bridge '{}' has no port '{}'", bridge, port));
    }
    if (Status s = switch_.start_capture(bridge, port, direction, path); !s) return s;
    log_info("capture of {}/{} started to {}", bridge, port, path);
    return Status::ok();
}

Status SwitchService::stop_capture(const std::string& bridge, const std::string& port) {
    std::lock_guard lock(mutex_);
    if (Status s = switch_.stop_capture(bridge, port); !s) return s;
    log_info("capture of {}/{} stopped", bridge, port);
    return Status::ok();
}

}  // namespace sy::control
