#include "datapath/port_registry.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace sy::datapath {

Result<Bridge*> PortRegistry::add_bridge(const std::string& name, std::uint64_t aging_ns,
                                         std::uint64_t now_ns) {
    if (bridges_.count(name)) {
        return Status(Errc::already_exists, fmt::format("bridge '{}' already exists", name));
    }
    auto br = std::make_unique<Bridge>(name, next_bridge_id_, mac_capacity_, now_ns);
    next_bridge_id_ += bridge_id_stride_;
    br->fdb.set_aging_ns(aging_ns);
    Bridge* raw = br.get();
    bridges_.emplace(name, std::move(br));
    return raw;
}

void PortRegistry::erase_bridge(const std::string& name) {
    bridges_.erase(name);
}

Bridge* PortRegistry::bridge(const std::string& name) const {
    auto it = bridges_.find(name);
    return it == bridges_.end() ? nullptr : it->second.get();
}

Bridge* PortRegistry::bridge_by_id(std::uint32_t id) const {
    for (const auto& [name, br] : bridges_) {
        if (br->id == id) return br.get();
    }
    return nullptr;
}

Result<SwitchPort*> PortRegistry::add_port(Bridge& bridge, const PortConfig& config,
                                           std::unique_ptr<port::Port> io) {
    for (const auto& sp : ports_) {
        if (sp && sp->config.name == config.name) {
            return Status(Errc::already_exists,
                          fmt::format("port '{}' already exists on bridge '{}'", config.name,
                                      sp->bridge->name));
        }
    }
    flow::OfPort number = config.ofport;
    if (number == 0) {
        number = 1;
        while (bridge.port_by_ofport(number)) ++number;
    } else if (number > flow::kOfpMax) {
        return Status(Errc::invalid_argument,
                      fmt::format("port {}: OpenFlow port number {} is reserved (1..{})",
                                  config.name, number, flow::kOfpMax));
    } else if (SwitchPort* other = bridge.port_by_ofport(number)) {
        return Status(Errc::already_exists,
                      fmt::format("port {}: OpenFlow port number {} is taken by {} on bridge {}",
                                  config.name, number, other->config.name, bridge.name));
    }
    const auto id = static_cast<PortId>(ports_.size());
    PortConfig stored = config;
    stored.ofport = number;
    auto sp = std::make_unique<SwitchPort>(id, number, &bridge, stored, std::move(io));
    if (config.access_vlan != 0) {
        sp->vlan = l2::VlanPolicy::access(config.access_vlan);
    } else if (!config.trunk_vlans.empty()) {
        sp->vlan = l2::VlanPolicy::trunk(config.trunk_vlans);
    }
    SwitchPort* raw = sp.get();
    bridge.ports.push_back(raw);
    if (bridge.by_ofport.size() <= number) bridge.by_ofport.resize(number + 1, nullptr);
    bridge.by_ofport[number] = raw;
    ports_.push_back(std::move(sp));
    return raw;
}

void PortRegistry::erase_port(SwitchPort& port) {
    Bridge& br = *port.bridge;
    br.ports.erase(std::remove(br.ports.begin(), br.ports.end(), &port), br.ports.end());
    if (br.port_by_ofport(port.ofport) == &port) br.by_ofport[port.ofport] = nullptr;
    ports_[port.id].reset();
}

std::unique_ptr<SwitchPort> PortRegistry::release_port(SwitchPort& port) {
    Bridge& br = *port.bridge;
    br.ports.erase(std::remove(br.ports.begin(), br.ports.end(), &port), br.ports.end());
    if (br.port_by_ofport(port.ofport) == &port) br.by_ofport[port.ofport] = nullptr;
    return std::move(ports_[port.id]);
}

std::unique_ptr<Bridge> PortRegistry::release_bridge(const std::string& name) {
    auto it = bridges_.find(name);
    if (it == bridges_.end()) return nullptr;
    std::unique_ptr<Bridge> br = std::move(it->second);
    bridges_.erase(it);
    return br;
}

Status PortRegistry::can_adopt(const std::string& bridge, std::uint32_t id,
                               const std::vector<std::string>& ports) const {
    if (bridges_.count(bridge))
        return Status(Errc::already_exists, fmt::format("bridge '{}' already exists", bridge));
    if (bridge_by_id(id))
        return Status(Errc::already_exists, fmt::format("bridge id {} is taken", id));
    for (const std::string& name : ports) {
        for (const auto& sp : ports_) {
            if (sp && sp->config.name == name) {
                return Status(
                    Errc::already_exists,
                    fmt::format("port '{}' already exists on bridge '{}'", name, sp->bridge->name));
            }
        }
    }
    return Status::ok();
}

Bridge* PortRegistry::adopt_bridge(std::unique_ptr<Bridge> bridge) {
    Bridge* raw = bridge.get();
    raw->ports.clear();
    raw->by_ofport.clear();
    bridges_.emplace(raw->name, std::move(bridge));
    return raw;
}

SwitchPort* PortRegistry::adopt_port(Bridge& bridge, std::unique_ptr<SwitchPort> port) {
    SwitchPort* raw = port.get();
    raw->id = static_cast<PortId>(ports_.size());
    raw->bridge = &bridge;
    bridge.ports.push_back(raw);
    if (bridge.by_ofport.size() <= raw->ofport) bridge.by_ofport.resize(raw->ofport + 1, nullptr);
    bridge.by_ofport[raw->ofport] = raw;
    ports_.push_back(std::move(port));
    return raw;
}

SwitchPort* PortRegistry::find(const std::string& bridge_name, const std::string& port) const {
    const Bridge* br = bridge(bridge_name);
    if (!br) return nullptr;
    for (SwitchPort* sp : br->ports) {
        if (sp->config.name == port) return sp;
    }
    return nullptr;
}

void PortRegistry::rebuild_active() {
    active_.clear();
    for (const auto& sp : ports_) {
        if (sp && sp->up) active_.push_back(sp.get());
    }
}

}  // namespace sy::datapath
