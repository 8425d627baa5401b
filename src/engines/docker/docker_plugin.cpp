#include "engines/docker/docker_plugin.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "control/log.hpp"

namespace sy::engines::docker {

Status check_plugin_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= 64 &&
                    std::all_of(name.begin(), name.end(),
                                [](char c) {
                                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                           c == '-' || c == '_' || c == '.';
                                }) &&
                    name.front() != '.';
    if (!ok) {
        return Status(Errc::invalid_argument,
                      fmt::format("Docker plugin name '{}': use lower-case letters, digits, '-', "
                                  "'_' or '.' (at most 64)",
                                  name));
    }
    return Status::ok();
}

Result<std::unique_ptr<DockerPlugin>> DockerPlugin::start(control::SwitchService& service,
                                                          const PluginOptions& options,
                                                          VethOps veths) {
    if (Status s = check_plugin_name(options.name); !s) return s;
    std::unique_ptr<DockerPlugin> plugin(new DockerPlugin());
    auto driver = NetworkDriver::create(service, std::move(veths));
    if (!driver) return driver.status();
    plugin->driver_ = std::move(*driver);
    plugin->driver_->reconcile();  // before Docker can call: the state is consistent first

    std::error_code ec;
    if (!std::filesystem::exists(options.dir, ec)) {
        std::filesystem::create_directories(options.dir, ec);
        if (ec) {
            return Status(Errc::io_error, fmt::format("docker plugin: cannot create {}: {}",
                                                      options.dir, ec.message()));
        }
        // As dockerd makes it: root only.
        std::filesystem::permissions(options.dir, std::filesystem::perms::owner_all, ec);
    }
    plugin->socket_path_ = options.dir + "/" + options.name + ".sock";
    NetworkDriver* driver_ptr = plugin->driver_.get();
    UnixHttpServer::Options server;
    server.socket_path = plugin->socket_path_;
    server.handler = [driver_ptr](const std::string& target, const std::string& body) {
        const std::string method = target.empty() || target[0] != '/' ? target : target.substr(1);
        auto answer = driver_ptr->call(method, body);
        return HttpReply{answer.http_status, answer.body.dump()};
    };
    server.tick_interval = options.reconcile_interval;
    server.on_tick = [driver_ptr] { driver_ptr->reconcile(); };
    auto started = UnixHttpServer::start(std::move(server));
    if (!started) {
        return Status(started.status().code(),
                      fmt::format("docker plugin: {}", started.status().message()));
    }
    plugin->server_ = std::move(*started);
    control::log_info("docker plugin '{}' listening on {} ({} networks, {} endpoints)",
                      options.name, plugin->socket_path_, plugin->driver_->state().networks.size(),
                      plugin->driver_->state().endpoints.size());
    return plugin;
}

DockerPlugin::~DockerPlugin() {
    server_.reset();  // no call runs after this
}

}  // namespace sy::engines::docker
