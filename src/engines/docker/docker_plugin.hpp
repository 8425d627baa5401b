#pragma once
// The Docker network plugin as the daemon runs it: the driver behind Docker's plugin socket
// (/run/docker/plugins/NAME.sock; dockerd finds plugins there by name, so NAME is what
// `docker network create -d NAME` says), reconciled at start and every few seconds.

#include <chrono>
#include <memory>
#include <string>

#include "base/status.hpp"
#include "control/switch_service.hpp"
#include "engines/docker/network_driver.hpp"
#include "engines/docker/unix_http_server.hpp"

namespace sy::engines::docker {

inline constexpr const char* kDefaultPluginName = "switchyard";
inline constexpr const char* kPluginDir = "/run/docker/plugins";

struct PluginOptions {
    std::string name = kDefaultPluginName;
    std::string dir = kPluginDir;
    std::chrono::milliseconds reconcile_interval{2000};
};

class DockerPlugin {
  public:
    static Result<std::unique_ptr<DockerPlugin>> start(control::SwitchService& service,
                                                       const PluginOptions& options,
                                                       VethOps veths = VethOps::real());
    ~DockerPlugin();  // stops serving and removes the socket; ports and state stay

    const std::string& socket_path() const { return socket_path_; }

  private:
    DockerPlugin() = default;
    std::string socket_path_;
    std::unique_ptr<NetworkDriver> driver_;
    std::unique_ptr<UnixHttpServer> server_;
};

// Plugin names become file names and `docker network create -d` arguments.
Status check_plugin_name(const std::string& name);

}  // namespace sy::engines::docker
