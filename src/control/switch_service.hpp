#pragma once
// What the control commands act on: the datapath Switch, the persistent configuration and
// the host's links, kept consistent with each other. Every mutating operation is all or
// nothing: it changes the switch, persists the new configuration, and undoes the switch
// change if persisting fails. Operations are serialized by one mutex (the commands are rare
// and short; the datapath is not blocked by it).

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "base/status.hpp"
#include "control/config.hpp"
#include "control/host_links.hpp"
#include "control/state_store.hpp"
#include "datapath/switch.hpp"

namespace sy::control {

// What to trace (`switchyard trace`): a flow string describing a packet, or the first packet
// (or packet number `packet_index`) of a capture file, arriving on `in_port` (a name or
// number; a flow string may say in_port= itself) with the given checksum/GSO metadata
// (a pcapng written by a switch port capture brings its own).
struct TraceParams {
    std::optional<std::string> flow;
    std::optional<std::string> pcap;
    std::uint64_t packet_index = 0;
    std::optional<std::string> in_port;
    std::optional<std::string> csum;  // none | partial | verified
    std::uint16_t gso_size = 0;       // > 0: a TSO super-frame with this MSS
};

struct AttachParams {
    std::string bridge;
    std::string container;
    std::string ifname = "eth0";
    std::string address;  // CIDR
    std::optional<std::string> gateway;
    std::optional<std::string> mac;
    std::optional<std::uint32_t> mtu;
    std::uint16_t vlan = 0;
    datapath::OffloadMode offload = datapath::OffloadMode::vnet_hdr;
    std::optional<std::string> port_name;  // host end; derived when absent
};

class SwitchService {
  public:
    SwitchService(datapath::Switch& sw, StateStore store, HostLinks links, Config config,
                  std::string socket_path = {});

    // Puts the configuration into the switch: every bridge, and every port whose interface
    // still exists. Returns one line per port that could not be restored (also in show()).
    std::vector<std::string> restore();

    Status add_bridge(const std::string& name);
    Status del_bridge(const std::string& name);
    Status add_port(const std::string& bridge, const datapath::PortConfig& config);
    Status del_port(const std::string& bridge, const std::string& port);
    // Returns the host-side port name.
    Result<std::string> attach(const AttachParams& params);
    Result<std::string> detach(const std::string& bridge, const std::string& container,
                               const std::string& ifname);

    // Flows in ovs-ofctl syntax, parsed here with the bridge's port names (flow/flow_syntax.hpp).
    // Every change is all or nothing and persisted.
    Result<nlohmann::json> add_flows(const std::string& bridge, const std::string& text,
                                     bool is_file);
    Result<nlohmann::json> mod_flows(const std::string& bridge, const std::string& text,
                                     bool strict);
    Result<nlohmann::json> del_flows(const std::string& bridge, const std::string& text,
                                     bool strict);
    Result<nlohmann::json> replace_flows(const std::string& bridge, const std::string& contents);
    Result<nlohmann::json> dump_flows(const std::string& bridge, const std::string& text,
                                      bool strict, bool show_stats);
    Result<nlohmann::json> trace(const std::string& bridge, const TraceParams& params);

    nlohmann::json show();
    nlohmann::json stats();
    Result<nlohmann::json> fdb(const std::string& bridge);
    Status start_capture(const std::string& bridge, const std::string& port,
                         datapath::CaptureDirection direction, const std::string& path);
    Status stop_capture(const std::string& bridge, const std::string& port);

    // For tests: the configuration as last persisted.
    Config config();

  private:
    Status persist(Config next);  // saves, then adopts `next`
    Status restore_flows(const std::string& bridge, const std::vector<std::string>& lines);
    // The flows part of the configuration, from the switch (mutex_ held).
    Status persist_flows(const std::string& bridge);
    Result<nlohmann::json> change_flows(const std::string& bridge,
                                        const std::vector<flow::FlowMod>& mods, bool replace);
    // The OpenFlow number the switch gave a port (0 if it has none).
    std::uint32_t ofport_of(const std::string& bridge, const std::string& port);
    Status check_bridge(const std::string& bridge);

    std::mutex mutex_;
    datapath::Switch& switch_;
    StateStore store_;
    HostLinks links_;
    Config config_;
    std::string socket_path_;
    // Configured ports that are not in the switch (their interface was gone at restore).
    std::map<std::string, std::string> missing_;  // port -> reason
};

}  // namespace sy::control
