#pragma once
// The libnetwork remote driver: Docker's NetworkDriver calls mapped onto the switch, through
// the control layer (SwitchService), never the datapath directly. One Docker network is a
// switch bridge (made for it, or an existing one named by -o switchyard.bridge=NAME); one
// endpoint is a veth pair whose host end is a port, with offloads left on.
//
// Why in the daemon and through SwitchService rather than as a client of the control socket:
// Docker calls its driver synchronously while it starts and stops containers, so the driver
// is up exactly when the switch is; and the endpoint records must be saved in the same write
// as the port they describe (EngineUpdate), which only the service can do atomically.
//
// Calls are handled one at a time (UnixHttpServer); the class is not thread-safe.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "base/status.hpp"
#include "container/host_veth.hpp"
#include "control/switch_service.hpp"
#include "engines/docker/driver_state.hpp"

namespace sy::engines::docker {

// The host effects, replaceable in tests.
struct VethOps {
    std::function<Status(const container::HostVethRequest&)> create;
    // Errc::not_found when the interface is already gone.
    std::function<Status(const std::string& name)> remove;

    static VethOps real();
};

// Driver options, given with `docker network create -o KEY=VALUE`.
inline constexpr const char* kBridgeOption = "switchyard.bridge";
inline constexpr const char* kVlanOption = "switchyard.vlan";
inline constexpr const char* kDefaultRouteOption = "switchyard.default-route";
inline constexpr const char* kMtuOption = "com.docker.network.driver.mtu";

class NetworkDriver {
  public:
    struct Answer {
        int http_status = 200;
        nlohmann::json body;
    };

    // Errc::corrupt when the saved driver state cannot be read.
    static Result<std::unique_ptr<NetworkDriver>> create(control::SwitchService& service,
                                                         VethOps veths);

    // One plugin call: `method` is the URL path without its slash ("NetworkDriver.Join"),
    // `body` the JSON request. Failures answer {"Err": "..."} (logged by Docker); unknown
    // methods 404, so Docker treats them as not implemented.
    Answer call(const std::string& method, const std::string& body);

    // Brings the switch in line with what Docker can still use, after either side restarted:
    // a network's bridge that is gone is made again; a port whose endpoint is unknown, or whose
    // interface vanished (the container's namespace is gone: dockerd restarted, the container
    // died while we were down), is removed with its endpoint. Cheap; run at start, when
    // dockerd (re)connects, and periodically.
    void reconcile();

    const DriverState& state() const { return state_; }

  private:
    NetworkDriver(control::SwitchService& service, VethOps veths, DriverState state);
    using Json = nlohmann::json;
    Result<Json> create_network(const Json& request);
    Result<Json> delete_network(const Json& request);
    Result<Json> create_endpoint(const Json& request);
    Result<Json> delete_endpoint(const Json& request);
    Result<Json> join(const Json& request);
    Result<Json> leave(const Json& request);
    Result<Json> oper_info(const Json& request);

    control::EngineUpdate update(const DriverState& next) const;
    // Removes an endpoint's port (if any) and veth (if any); drops the endpoint's record too
    // when `forget` is set. Saved in one write.
    Status remove_endpoint(const std::string& endpoint_id, bool forget);

    control::SwitchService& service_;
    VethOps veths_;
    DriverState state_;
};

}  // namespace sy::engines::docker
