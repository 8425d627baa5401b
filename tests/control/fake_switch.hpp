#pragma once
// An in-memory Switch for control-plane tests: it keeps bridges and ports, enforces the
// facade's error contract (unknown/duplicate names), records calls, and can be told to fail.

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <memory>

#include "datapath/switch.hpp"

namespace sy::control::testing {

class FakeSwitch : public datapath::Switch {
  public:
    std::vector<std::string> calls;
    std::string fail_next;  // a call name ("add_port") that fails once, as the datapath may
    std::map<std::string, std::string> captures;  // "br/port" -> path

    Status add_bridge(const std::string& name) override {
        calls.push_back("add_bridge " + name);
        if (auto s = injected("add_bridge"); !s) return s;
        if (bridges_.count(name)) return Status(Errc::already_exists, "bridge exists");
        bridges_[name];
        flows_[name] = flow::make_bridge_tables(0);
        return Status::ok();
    }
    Status del_bridge(const std::string& name) override {
        calls.push_back("del_bridge " + name);
        if (!bridges_.erase(name)) return Status(Errc::not_found, "no bridge");
        flows_.erase(name);
        return Status::ok();
    }
    Status add_port(const std::string& bridge, const datapath::PortConfig& config) override {
        calls.push_back("add_port " + bridge + " " + config.name);
        if (auto s = injected("add_port"); !s) return s;
        auto it = bridges_.find(bridge);
        if (it == bridges_.end()) return Status(Errc::not_found, "no bridge");
        for (auto& [b, ports] : bridges_) {
            for (auto& p : ports) {
                if (p.config.name == config.name)
                    return Status(Errc::already_exists, "port exists");
            }
        }
        datapath::PortInfo info;
        info.config = config;
        if (info.config.ofport == 0) {  // the lowest free number, as the datapath gives
            std::uint32_t n = 1;
            while (std::any_of(it->second.begin(), it->second.end(),
                               [n](const auto& p) { return p.config.ofport == n; }))
                ++n;
            info.config.ofport = n;
        }
        info.id = ++next_id_;
        info.stats.rx_packets = 7;
        it->second.push_back(info);
        return Status::ok();
    }
    Status del_port(const std::string& bridge, const std::string& port) override {
        calls.push_back("del_port " + bridge + " " + port);
        auto it = bridges_.find(bridge);
        if (it == bridges_.end()) return Status(Errc::not_found, "no bridge");
        auto n = std::erase_if(it->second, [&](const auto& p) { return p.config.name == port; });
        return n ? Status::ok() : Status(Errc::not_found, "no port");
    }
    std::vector<datapath::BridgeInfo> bridges() const override {
        std::vector<datapath::BridgeInfo> out;
        for (const auto& [name, ports] : bridges_) out.push_back({name, ports});
        return out;
    }
    Result<std::vector<datapath::FdbEntry>> fdb(const std::string& bridge) const override {
        if (!bridges_.count(bridge)) return Status(Errc::not_found, "no bridge");
        datapath::FdbEntry e{{0x02, 0, 0, 0, 0, 0x01}, 0, "p1", 3};
        return std::vector<datapath::FdbEntry>{e};
    }
    void set_mac_aging_seconds(std::uint32_t) override {}
    Status start_capture(const std::string& bridge, const std::string& port,
                         datapath::CaptureDirection, const std::string& path) override {
        const auto key = bridge + "/" + port;
        if (captures.count(key)) return Status(Errc::already_exists, "capture running");
        captures[key] = path;
        return Status::ok();
    }
    Status stop_capture(const std::string& bridge, const std::string& port) override {
        if (!captures.erase(bridge + "/" + port)) return Status(Errc::not_found, "no capture");
        return Status::ok();
    }
    std::string kernel_fastpath_state() const override { return "off"; }

    flow::FlowModOutcome apply_flows(const std::string& bridge,
                                     std::span<const flow::FlowMod> mods) override {
        calls.push_back("apply_flows " + bridge);
        auto it = flows_.find(bridge);
        if (it == flows_.end()) {
            flow::FlowModOutcome out;
            out.status = Status(Errc::not_found, "no bridge");
            return out;
        }
        return it->second->apply(mods, 0);
    }
    flow::FlowModOutcome replace_flows(const std::string& bridge,
                                       std::span<const flow::FlowMod> mods) override {
        calls.push_back("replace_flows " + bridge);
        auto it = flows_.find(bridge);
        if (it == flows_.end()) {
            flow::FlowModOutcome out;
            out.status = Status(Errc::not_found, "no bridge");
            return out;
        }
        return it->second->replace_all(mods, 0);
    }
    Result<std::vector<flow::FlowStats>> dump_flows(const std::string& bridge,
                                                    const flow::FlowFilter& filter) const override {
        auto it = flows_.find(bridge);
        if (it == flows_.end()) return Status(Errc::not_found, "no bridge");
        return it->second->dump(filter, 0);
    }
    Result<flow::AggregateStats> aggregate_flows(const std::string& bridge,
                                                 const flow::FlowFilter& filter) const override {
        auto it = flows_.find(bridge);
        if (it == flows_.end()) return Status(Errc::not_found, "no bridge");
        return it->second->aggregate(filter);
    }
    Result<std::vector<flow::TableStats>> table_stats(const std::string& bridge) const override {
        auto it = flows_.find(bridge);
        if (it == flows_.end()) return Status(Errc::not_found, "no bridge");
        return it->second->table_stats();
    }
    // Records what it was asked to trace; reports nothing.
    Result<datapath::TraceReport> trace(const std::string&,
                                        const datapath::TraceRequest& request) override {
        last_trace = request;
        return datapath::TraceReport{};
    }
    std::optional<datapath::TraceRequest> last_trace;

    bool has_port(const std::string& bridge, const std::string& port) const {
        auto it = bridges_.find(bridge);
        if (it == bridges_.end()) return false;
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](const auto& p) { return p.config.name == port; });
    }
    bool has_bridge(const std::string& bridge) const { return bridges_.count(bridge) != 0; }

  private:
    Status injected(const std::string& call) {
        if (fail_next != call) return Status::ok();
        fail_next.clear();
        return Status(Errc::io_error, "injected failure in " + call);
    }
    std::map<std::string, std::vector<datapath::PortInfo>> bridges_;
    std::map<std::string, std::unique_ptr<flow::FlowTables>> flows_;
    std::uint32_t next_id_ = 0;
};

}  // namespace sy::control::testing
