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
    // The namespace file to use; `container` is then only a label (a CNI container ID).
    std::optional<std::string> netns;
    std::vector<std::string> extra_addresses;  // CIDR, after `address`
    std::vector<Attachment::Route> routes;     // after the default route via `gateway`
    ExternalIds external_ids;                  // kept on the port record
};

// A container engine's persisted state, saved in the same write as the switch change it goes
// with, so a crash never leaves one without the other (e.g. a Docker endpoint's port without
// the endpoint's record).
struct EngineUpdate {
    std::string engine;  // key in Config::engines
    nlohmann::json state;
};

class SwitchService {
  public:
    SwitchService(datapath::Switch& sw, StateStore store, HostLinks links, Config config,
                  std::string socket_path = {});

    // Puts the configuration into the switch: every bridge, and every port whose interface
    // still exists. Returns one line per port that could not be restored (also in show()).
    std::vector<std::string> restore();

    Status add_bridge(const std::string& name, const std::optional<EngineUpdate>& engine = {});
    Status del_bridge(const std::string& name, const std::optional<EngineUpdate>& engine = {});
    Status add_port(const std::string& bridge, const datapath::PortConfig& config,
                    const ExternalIds& external_ids = {},
                    const std::optional<EngineUpdate>& engine = {});
    Status del_port(const std::string& bridge, const std::string& port,
                    const std::optional<EngineUpdate>& engine = {});
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

    // OpenFlow (docs/openflow.md): controller targets, checked and persisted (the agent
    // follows the configuration); an empty list is del-controller.
    Status set_controllers(const std::string& bridge, const std::vector<std::string>& targets);
    Status set_fail_mode(const std::string& bridge, const std::string& mode);

    nlohmann::json show();
    nlohmann::json stats();
    Result<nlohmann::json> fdb(const std::string& bridge);
    Status start_capture(const std::string& bridge, const std::string& port,
                         datapath::CaptureDirection direction, const std::string& path);
    Status stop_capture(const std::string& bridge, const std::string& port);

    // The configuration as last persisted (engines read their ports and state from it).
    Config config();
    // An engine's persisted state (an empty object when it has none) and replacing it.
    nlohmann::json engine_state(const std::string& engine);
    Status set_engine_state(const EngineUpdate& update);
    // Whether the interface of a port exists in the host namespace (HostLinks::exists).
    bool host_link_exists(const std::string& name);

  private:
    // Saves, then adopts `next` (with the engine's state replaced first, when given).
    Status persist(Config next, const std::optional<EngineUpdate>& engine = {});
    Status restore_flows(const std::string& bridge, const std::vector<std::string>& lines);
    // The flows part of the configuration, from the switch (mutex_ held).
    Status persist_flows(const std::string& bridge);
    Result<nlohmann::json> change_flows(const std::string& bridge,
                                        const std::vector<flow::FlowMod>& mods, bool replace);
    // The OpenFlow number the switch gave a port (0 if it has none).
    std::uint32_t ofport_of(const std::string& bridge, const std::string& port);
    Status check_bridge(const std::string& bridge);
    // May `config` become a port: its interface exists, is usable, is not another daemon's
    // (its claim is kept in claims_ until the port goes). mutex_ held.
    Status admit_port(const datapath::PortConfig& config);
    void release_port(const std::string& port) { claims_.erase(port); }

    std::mutex mutex_;
    datapath::Switch& switch_;
    StateStore store_;
    HostLinks links_;
    Config config_;
    std::string socket_path_;
    // Configured ports that are not in the switch (their interface was gone at restore).
    std::map<std::string, std::string> missing_;  // port -> reason
    // This daemon's claims on its ports' interfaces (port_claim.hpp), by port name.
    std::map<std::string, std::unique_ptr<Claim>> claims_;
};

}  // namespace sy::control
