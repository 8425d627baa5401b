#include "daemon_addons.hpp"

#include <fmt/core.h>

#include "control/log.hpp"
#include "control/paths.hpp"
#include "engines/docker/docker_plugin.hpp"
#include "metrics/metrics_exporter.hpp"
#include "metrics/switch_flow_stats.hpp"
#include "ofagent/agent.hpp"
#include "verbs.hpp"

namespace sy::app {

void add_daemon_addon_options(CLI::App& daemon, DaemonAddonArgs& args) {
    daemon.add_option("--metrics", args.metrics,
                      "serve Prometheus metrics on ADDR:PORT (a port alone: 127.0.0.1:PORT) at "
                      "/metrics (docs/metrics.md); off by default");
    daemon.add_flag("--docker-plugin", args.docker_plugin,
                    "serve the Docker network driver 'switchyard' on "
                    "/run/docker/plugins/switchyard.sock (docker network create -d switchyard; "
                    "docs/containers.md)");
    daemon.add_option("--docker-plugin-name", args.docker_plugin_name,
                      "... under this driver name instead (implies --docker-plugin)");
}

bool make_daemon_addons(const DaemonAddonArgs& args, control::DaemonOptions& options) {
    // Every bridge speaks OpenFlow on RUN_DIR/BR.mgmt (docs/openflow.md).
    options.addons.push_back(
        [run_dir = control::control_paths(options.dir).run_dir](
            datapath::Switch& sw,
            control::SwitchService& service) -> Result<std::unique_ptr<control::DaemonAddon>> {
            auto agent = ofagent::Agent::start(sw, service, run_dir);
            if (!agent) return agent.status();
            return control::hold_as_addon(std::move(*agent));
        });
    if (!args.metrics.empty()) {
        auto address = metrics::parse_listen_address(args.metrics);
        if (!address) {
            fmt::print(stderr, "switchyard: {}\n", address.status().message());
            return false;
        }
        options.addons.push_back([address = *address](datapath::Switch& sw, control::SwitchService&)
                                     -> Result<std::unique_ptr<control::DaemonAddon>> {
            auto collector = std::make_shared<metrics::SwitchCollector>(
                sw, metrics::this_build(kVersion), metrics::flow_stats_of(sw));
            auto exporter = metrics::MetricsExporter::start(address, collector);
            if (!exporter) return exporter.status();
            control::log_info("metrics on http://{}/metrics", (*exporter)->address().to_string());
            return control::hold_as_addon(std::move(*exporter));
        });
    }
    if (args.docker_plugin || !args.docker_plugin_name.empty()) {
        engines::docker::PluginOptions plugin;
        if (!args.docker_plugin_name.empty()) plugin.name = args.docker_plugin_name;
        if (Status s = engines::docker::check_plugin_name(plugin.name); !s) {
            fmt::print(stderr, "switchyard: {}\n", s.message());
            return false;
        }
        options.addons.push_back([plugin](datapath::Switch&, control::SwitchService& service)
                                     -> Result<std::unique_ptr<control::DaemonAddon>> {
            auto started = engines::docker::DockerPlugin::start(service, plugin);
            if (!started) return started.status();
            return control::hold_as_addon(std::move(*started));
        });
    }
    return true;
}

}  // namespace sy::app
