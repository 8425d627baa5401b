// `capture BRIDGE PORT -w FILE`: recording at a switch port is done by the daemon (it owns
// the datapath); this client starts it, waits for Ctrl-C / SIGTERM / the duration, and stops
// it. The daemon also stops it if this process dies: captures belong to their connection.
#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "control/control_client.hpp"
#include "control/paths.hpp"
#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

int capture_switch_port(const std::string& bridge, const std::string& port,
                        const std::string& direction, const std::string& path,
                        double duration_seconds) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    if (ec || path.empty()) {
        fmt::print(stderr, "switchyard: bad capture file '{}'\n", path);
        return 2;
    }
    const auto paths = control::control_paths(context().dir);
    auto client = control::ControlClient::connect(paths.socket);
    if (!client) {
        fmt::print(stderr, "switchyard: {}\n", client.status().message());
        return 2;
    }
    // Take SIGINT/SIGTERM as events so the capture is always stopped (and the file finished).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);

    auto started = client->call("capture.start", {{"bridge", bridge},
                                                  {"port", port},
                                                  {"direction", direction},
                                                  {"path", absolute.string()}});
    if (!started) {
        fmt::print(stderr, "switchyard: {}\n", started.status().message());
        close(signal_fd);
        return exit_code_for_failure(static_cast<int>(started.status().code()));
    }
    fmt::print(stderr, "capturing {}/{} ({}) to {}; Ctrl-C to stop\n", bridge, port, direction,
               absolute.string());
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(duration_seconds);
    bool daemon_gone = false;
    for (;;) {
        int timeout_ms = -1;
        if (duration_seconds > 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            timeout_ms = static_cast<int>(left.count());
        }
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {client->fd(), POLLIN | POLLRDHUP, 0}};
        const int n = poll(fds, 2, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) break;  // duration reached
        if (fds[0].revents != 0) break;
        if (fds[1].revents != 0) {
            daemon_gone = true;
            break;
        }
    }
    close(signal_fd);
    if (daemon_gone) {
        fmt::print(stderr, "switchyard: the daemon went away; the capture in {} ends here\n",
                   absolute.string());
        return 1;
    }
    auto stopped = client->call("capture.stop", {{"bridge", bridge}, {"port", port}});
    if (!stopped) {
        fmt::print(stderr, "switchyard: {}\n", stopped.status().message());
        return 1;
    }
    fmt::print(stderr, "capture of {}/{} written to {}\n", bridge, port, absolute.string());
    return 0;
}

int capture_switch_port(const std::string& bridge, const std::string& port,
                        const std::string& direction, const std::string& path) {
    return capture_switch_port(bridge, port, direction, path, 0);
}

}  // namespace sy::app
