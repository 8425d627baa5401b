#pragma once
// The OpenFlow agent: one thread serving every bridge's management socket (RUN_DIR/BR.mgmt)
// and controllers (set-controller), moving packet-ins from the datapath's queue to the
// controllers and following the configuration (bridges added or removed, targets and fail
// modes changed) as the control plane persists it. A DaemonAddon (control/daemon.hpp).
// docs/openflow.md says what it speaks.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "control/switch_service.hpp"
#include "ofagent/bridge_agent.hpp"

namespace sy::ofagent {

class Agent {
  public:
    // Serves until destroyed. `run_dir` holds the management sockets.
    static Result<std::unique_ptr<Agent>> start(datapath::Switch& sw,
                                                control::SwitchService& service,
                                                std::string run_dir);
    ~Agent();

  private:
    Agent(datapath::Switch& sw, control::SwitchService& service, std::string run_dir);
    void run();
    void sync(std::uint64_t now_ns);

    datapath::Switch& sw_;
    control::SwitchService& service_;
    std::string run_dir_;
    std::map<std::string, std::unique_ptr<BridgeAgent>> bridges_;
    std::map<std::uint32_t, BridgeAgent*> by_id_;
    std::atomic<bool> stop_{false};
    int wake_fd_ = -1;
    std::thread thread_;
};

}  // namespace sy::ofagent
