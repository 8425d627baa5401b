#include "control/daemon.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "control/command_registry.hpp"
#include "control/commands.hpp"
#include "control/control_server.hpp"
#include "control/log.hpp"
#include "control/paths.hpp"
#include "control/port_claim.hpp"
#include "control/state_store.hpp"
#include "control/switch_service.hpp"

namespace sy::control {
namespace {

bool make_dir(const std::string& dir, mode_t mode) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        log_warn("cannot create {}: {}", dir, ec.message());
        return false;
    }
    chmod(dir.c_str(), mode);
    return true;
}

// Holds an exclusive lock on the state directory for the daemon's lifetime: two daemons on
// one state file would overwrite each other's configuration.
class DaemonLock {
  public:
    bool acquire(const std::string& path) {
        fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) {
            log_warn("cannot open lock file {}: {}", path, std::strerror(errno));
            return false;
        }
        if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            log_warn("another switchyard daemon holds {}; not starting", path);
            return false;
        }
        return true;
    }
    ~DaemonLock() {
        if (fd_ >= 0) close(fd_);
    }

  private:
    int fd_ = -1;
};

Result<Config> load_state(const StateStore& store, bool move_aside) {
    auto config = store.load();
    if (config || config.status().code() != Errc::corrupt) return config;
    if (!move_aside) {
        return Status(Errc::corrupt,
                      fmt::format("{}. It was left untouched: fix or remove it, or start with "
                                  "--move-corrupt-state to keep it aside and start empty",
                                  config.status().message()));
    }
    auto aside = store.move_aside();
    if (!aside) return aside.status();
    log_warn("{}; kept as {}, starting with an empty configuration", config.status().message(),
             *aside);
    return Config{};
}

}  // namespace

int run_daemon(const DaemonOptions& options, const SwitchFactory& make_switch) {
    const ControlPaths paths = control_paths(options.dir);
    // First, before touching anything: is another daemon running on this state? The abstract
    // claim survives the lock file and the socket being deleted (port_claim.hpp); the flock
    // below also covers a state directory reached by another path.
    auto dir_claim = claim_state_dir(paths.state_dir);
    if (!dir_claim) {
        log_warn("{}; not starting", dir_claim.status().message());
        return 1;
    }
    const mode_t dir_mode = options.dir.empty() ? 0755 : 0700;
    if (!make_dir(paths.run_dir, dir_mode) || !make_dir(paths.state_dir, dir_mode)) return 1;
    DaemonLock lock;
    if (!lock.acquire(paths.lock)) return 1;

    // Signals are taken through a signalfd; block them before any thread starts so that no
    // poll thread receives them instead.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
    if (signal_fd < 0) {
        log_warn("signalfd: {}", std::strerror(errno));
        return 1;
    }

    StateStore store(paths.state);
    auto config = load_state(store, options.move_corrupt_state_aside);
    if (!config) {
        log_warn("{}", config.status().message());
        return 1;
    }

    std::unique_ptr<datapath::Switch> sw = make_switch();
    if (!sw) {
        log_warn("the datapath could not be started");
        return 1;
    }
    int exit_code = 0;
    {
        SwitchService service(*sw, store, HostLinks::real(), std::move(*config), paths.socket);
        const auto missing = service.restore();
        for (const auto& line : missing) log_warn("not restored: {}", line);
        const auto restored = service.config();
        std::size_t ports = 0;
        for (const auto& b : restored.bridges) ports += b.ports.size();
        log_info("state {}: {} bridges, {} ports restored, {} missing", paths.state,
                 restored.bridges.size(), ports - missing.size(), missing.size());

        CommandRegistry registry;
        register_all_commands(registry, service);
        ControlServer server(registry, paths.socket);
        if (Status s = server.listen(); !s) {
            log_warn("{}", s.message());
            exit_code = 1;
        } else {
            log_info("listening on {} (pid {})", paths.socket, getpid());
            std::vector<std::unique_ptr<DaemonAddon>> addons;
            for (const auto& make : options.addons) {
                auto addon = make(*sw, service);
                if (!addon) {
                    log_warn("{}", addon.status().message());
                    exit_code = 1;
                    break;
                }
                addons.push_back(std::move(*addon));
            }
            if (exit_code == 0) {
                server.serve(signal_fd);
                signalfd_siginfo info{};
                if (read(signal_fd, &info, sizeof info) == sizeof info) {
                    log_info("{} received, stopping", strsignal(static_cast<int>(info.ssi_signo)));
                }
            }
            while (!addons.empty()) addons.pop_back();  // the last made stops first
        }
    }  // server (and its client threads) stop before the switch goes away
    sw.reset();
    close(signal_fd);
    log_info("stopped");
    return exit_code;
}

}  // namespace sy::control
