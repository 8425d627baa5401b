// Composition root of the `switchyard` binary: every verb family registers itself here.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <string>
#include <string_view>

#include "engines/cni/plugin.hpp"
#include "verbs.hpp"

namespace sy::app {
int& exit_code() {
    static int code = 0;
    return code;
}
int usage_error(std::string_view message) {
    std::string line(message);
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print(stderr, "switchyard: {}\n", line);
    return 2;
}
Context& context() {
    static Context ctx;
    return ctx;
}
}  // namespace sy::app

int main(int argc, char** argv) {
    // Run by a container runtime as a CNI plugin ("type": "switchyard" finds this binary, or
    // a link to it, in CNI_PATH): no arguments, the command in CNI_COMMAND.
    if (argc == 1 && std::getenv("CNI_COMMAND") != nullptr) return sy::engines::cni::cni_main();
    CLI::App app{"switchyard: a userspace virtual switch for containers"};
    app.require_subcommand(1);
    app.fallthrough();  // root options may also follow the verb
    app.add_option("--dir", sy::app::context().dir,
                   "private directory for the control socket and state (default: /run/switchyard, "
                   "/var/lib/switchyard)")
        ->envname("SWITCHYARD_DIR");
    app.add_subcommand("version", "print the version")->callback([] {
        fmt::print("switchyard {}\n", sy::app::kVersion);
    });
    // Verb families (one line each):
    sy::app::add_capture_verbs(app);
    sy::app::add_switch_verbs(app);
    sy::app::add_container_verbs(app);
    sy::app::add_forensics_verbs(app);
    sy::app::add_flow_verbs(app);
    sy::app::add_openflow_verbs(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help (and CLI11's other "successes") print what was asked for, exit 0.
        if (e.get_exit_code() == 0) return app.exit(e);
        // Every usage error of every verb: one line, our prefix, exit 2 (docs/cli.md).
        return sy::app::usage_error(e.what());
    }
    return sy::app::exit_code();
}
