#include "engines/cni/ipam.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace sy::engines::cni {

using nlohmann::json;

namespace {

struct Run {
    int exit_status = -1;
    std::string out;
};

// Runs `program` with `input` on stdin and CNI_COMMAND=command; stderr goes where ours goes
// (the runtime's log). No shell is involved.
Outcome<Run> run(const std::string& program, const std::string& command, const std::string& input) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return CniError{ErrorCode::io_failure, "pipe failed", ""};
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return CniError{ErrorCode::io_failure, "pipe failed", ""};
    }
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "CNI_COMMAND=", 12) != 0) env_strings.emplace_back(*e);
    }
    env_strings.push_back("CNI_COMMAND=" + command);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    const pid_t child = fork();
    if (child < 0) {
        for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
        return CniError{ErrorCode::io_failure, fmt::format("fork: {}", std::strerror(errno)), ""};
    }
    if (child == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        char* argv[] = {const_cast<char*>(program.c_str()), nullptr};
        execve(program.c_str(), argv, envp.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    // Configurations are small (far below a pipe's 64 KiB): write it all, then read.
    std::size_t written = 0;
    while (written < input.size()) {
        const ssize_t n = write(in[1], input.data() + written, input.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    close(in[1]);
    Run r;
    char chunk[4096];
    for (;;) {
        const ssize_t n = read(out[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (r.out.size() < (1u << 20)) r.out.append(chunk, static_cast<std::size_t>(n));
    }
    close(out[0]);
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
    }
    r.exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128;
    return r;
}

}  // namespace

IpamRunner exec_ipam(const Environment& env, const NetworkConfig& config) {
    const std::string type = config.ipam.value("type", "");
    std::string program;
    if (type.find('/') == std::string::npos) {
        for (const auto& dir : env.path) {
            const std::string candidate = dir + "/" + type;
            if (access(candidate.c_str(), X_OK) == 0) {
                program = candidate;
                break;
            }
        }
    }
    const std::string input = config.raw.dump();
    const std::string search = fmt::format("{}", fmt::join(env.path, ":"));
    return [program, type, input, search](const std::string& command) -> Outcome<json> {
        if (program.empty())
            return CniError{ErrorCode::invalid_config,
                            fmt::format("IPAM plugin '{}' not found in CNI_PATH", type),
                            fmt::format("CNI_PATH={}", search)};
        auto r = run(program, command, input);
        if (!r.ok) return r.error;
        json doc = r.value.out.empty() ? json() : json::parse(r.value.out, nullptr, false);
        if (r.value.exit_status != 0) {
            CniError e{ErrorCode::io_failure,
                       fmt::format("IPAM plugin {} {} failed (exit {})", type, command,
                                   r.value.exit_status),
                       r.value.out};
            if (doc.is_object() && doc.contains("code") && doc["code"].is_number_integer()) {
                e.code = static_cast<ErrorCode>(doc["code"].get<int>());
                e.msg = fmt::format("IPAM plugin {}: {}", type, doc.value("msg", ""));
                e.details = doc.value("details", "");
            }
            return e;
        }
        if (doc.is_discarded())
            return CniError{ErrorCode::decode_failure,
                            fmt::format("IPAM plugin {} printed something that is not JSON", type),
                            r.value.out};
        return doc;
    };
}

Outcome<IpamResult> parse_ipam_result(const json& result) {
    IpamResult out;
    auto fail = [](const std::string& what) {
        return CniError{ErrorCode::decode_failure, "IPAM result: " + what, ""};
    };
    if (!result.is_object()) return fail("not an object");
    auto ips = result.find("ips");
    if (ips == result.end() || !ips->is_array() || ips->empty()) return fail("no \"ips\"");
    for (const auto& ip : *ips) {
        if (!ip.is_object() || !ip.contains("address") || !ip["address"].is_string())
            return fail("an ip without \"address\"");
        IpamResult::Ip entry;
        entry.address = ip["address"].get<std::string>();
        if (ip.contains("gateway") && ip["gateway"].is_string())
            entry.gateway = ip["gateway"].get<std::string>();
        entry.ipv6 = entry.address.find(':') != std::string::npos;
        out.ips.push_back(std::move(entry));
    }
    if (auto routes = result.find("routes"); routes != result.end() && routes->is_array()) {
        for (const auto& r : *routes) {
            if (!r.is_object() || !r.contains("dst") || !r["dst"].is_string())
                return fail("a route without \"dst\"");
            IpamResult::Route route;
            route.dst = r["dst"].get<std::string>();
            if (r.contains("gw") && r["gw"].is_string()) route.gw = r["gw"].get<std::string>();
            out.routes.push_back(std::move(route));
        }
    }
    if (auto dns = result.find("dns"); dns != result.end()) out.dns = *dns;
    return out;
}

}  // namespace sy::engines::cni
