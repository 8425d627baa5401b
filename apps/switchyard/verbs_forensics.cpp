// `switchyard csum-trace [--json] [NAME=]FILE...`: which hop broke a checksum, and why.
// Exit status: 0 all good, 1 problems found, 2 bad input.
#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "forensics/csum_trace.hpp"
#include "verbs.hpp"

namespace sy::app {
namespace {

struct TraceArgs {
    bool json = false;
    std::size_t max_listed = 20;
    std::vector<std::string> files;
};

int run_csum_trace_verb(const TraceArgs& a) {
    auto inputs = forensics::parse_trace_inputs(a.files);
    if (!inputs) {
        fmt::print(stderr, "switchyard: csum-trace: {}\n", inputs.status().message());
        return 2;
    }
    auto result = forensics::run_csum_trace(*inputs);
    if (!result) {
        fmt::print(stderr, "switchyard: csum-trace: {}\n", result.status().message());
        return 2;
    }
    for (const auto& f : result->files)
        for (const auto& w : f.warnings)
            fmt::print(stderr, "switchyard: csum-trace: warning: {}\n", w);
    if (a.json) {
        forensics::write_json(*result, stdout);
    } else {
        const std::string text = forensics::render_text(*result, a.max_listed);
        std::fwrite(text.data(), 1, text.size(), stdout);
    }
    std::fflush(stdout);
    return forensics::trace_exit_status(*result);
}

}  // namespace

void add_forensics_verbs(CLI::App& app) {
    auto args = std::make_shared<TraceArgs>();
    auto* cmd = app.add_subcommand(
        "csum-trace",
        "correlate captures taken along a path (in path order) and name the hop where a "
        "checksum went wrong; exit 0 all good, 1 problems, 2 bad input");
    cmd->add_flag("--json", args->json, "print the stable JSON document (docs/csum-trace.md)");
    cmd->add_option("--max-listed", args->max_listed, "problem packets listed in the text report");
    // Not ->required(): a missing file list is bad input like any other (exit 2, our message).
    cmd->add_option("files", args->files, "[NAME=]FILE: pcap or pcapng captures, in path order");
    cmd->callback([args] { exit_code() = run_csum_trace_verb(*args); });
}

}  // namespace sy::app
