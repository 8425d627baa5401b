#pragma once
// The switch's bridges and ports: who exists, by name, by registry id and by OpenFlow
// number, and which ports are up (polled). Plain bookkeeping with precise errors; the caller
// (SwitchCore) holds the round lock around every change, so poll workers never see a half
// made change.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "datapath/bridge.hpp"

namespace sy::datapath {

class PortRegistry {
  public:
    // Bridge ids are first, first + stride, first + 2 * stride, ...: with one registry per
    // poll thread (ShardedSwitch) each thread gets its own residue class, so ids stay unique
    // across threads and a bridge keeps its id when it moves to another thread.
    explicit PortRegistry(std::uint32_t mac_capacity, std::uint32_t first_bridge_id = 1,
                          std::uint32_t bridge_id_stride = 1)
        : mac_capacity_(mac_capacity),
          next_bridge_id_(first_bridge_id),
          bridge_id_stride_(bridge_id_stride) {}

    Result<Bridge*> add_bridge(const std::string& name, std::uint64_t aging_ns,
                               std::uint64_t now_ns);
    // Removes the bridge record; its ports must have been removed first.
    void erase_bridge(const std::string& name);
    Bridge* bridge(const std::string& name) const;
    Bridge* bridge_by_id(std::uint32_t id) const;
    const std::map<std::string, std::unique_ptr<Bridge>>& all_bridges() const { return bridges_; }

    // Registers a port on `bridge` with OpenFlow number `config.ofport` (0: the lowest free
    // one). Errors: a port of that name anywhere, or the number taken on that bridge.
    Result<SwitchPort*> add_port(Bridge& bridge, const PortConfig& config,
                                 std::unique_ptr<port::Port> io);
    // Forgets the port (its I/O must have been closed already).
    void erase_port(SwitchPort& port);

    // Moving a bridge to another registry (another poll thread): the bridge record and its
    // ports leave this one whole (release) and join the other (adopt), where each port gets
    // a new PortId (ids index that registry's tables) but keeps its OpenFlow number, and the
    // bridge keeps its id. adopt_bridge refuses a name or id that is taken; adopt_port cannot
    // fail once can_adopt said yes.
    std::unique_ptr<SwitchPort> release_port(SwitchPort& port);
    std::unique_ptr<Bridge> release_bridge(const std::string& name);
    Status can_adopt(const std::string& bridge, std::uint32_t id,
                     const std::vector<std::string>& ports) const;
    Bridge* adopt_bridge(std::unique_ptr<Bridge> bridge);
    SwitchPort* adopt_port(Bridge& bridge, std::unique_ptr<SwitchPort> port);

    SwitchPort* find(const std::string& bridge, const std::string& port) const;
    SwitchPort* port(PortId id) const { return id < ports_.size() ? ports_[id].get() : nullptr; }
    const std::vector<std::unique_ptr<SwitchPort>>& all_ports() const { return ports_; }

    // Ports that are up, in registry order (the poll round receives from these).
    const std::vector<SwitchPort*>& active() const { return active_; }
    void rebuild_active();

  private:
    std::uint32_t mac_capacity_;
    std::uint32_t next_bridge_id_;
    std::uint32_t bridge_id_stride_;
    std::map<std::string, std::unique_ptr<Bridge>> bridges_;
    std::vector<std::unique_ptr<SwitchPort>> ports_;  // index = PortId; null once deleted
    std::vector<SwitchPort*> active_;
};

}  // namespace sy::datapath
