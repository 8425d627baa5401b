#include "container/netns_target.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace sy::container {
namespace {

bool is_executable_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    }
    return false;
}

// Runs `docker inspect` without a shell (the spec is never interpreted) and returns its
// first output line, or a Status carrying what docker said.
Result<std::string> docker_inspect_pid(const std::string& container) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        return Status(Errc::io_error, fmt::format("pipe: {}", std::strerror(errno)));
    }
    const pid_t child = fork();
    if (child < 0) {
        close(out[0]);
        close(out[1]);
        return Status(Errc::io_error, fmt::format("fork: {}", std::strerror(errno)));
    }
    if (child == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        execlp("docker", "docker", "inspect", "-f", "{{.State.Pid}}", "--", container.c_str(),
               static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    std::string text;
    char chunk[256];
    ssize_t n;
    while ((n = read(out[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0 && text.size() < 4096) text.append(chunk, static_cast<std::size_t>(n));
    }
    close(out[0]);
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        return Status(Errc::not_found,
                      fmt::format("container '{}': docker inspect failed: {}", container, text));
    }
    return text;
}

bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<NetnsTarget> existing(const std::string& spec, const std::string& path, const char* kind) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        return Status(Errc::not_found,
                      fmt::format("container '{}': {} {} does not exist", spec, kind, path));
    }
    return NetnsTarget{spec, path};
}

}  // namespace

Result<NetnsTarget> resolve_netns(const std::string& spec, const std::string& netns_dir) {
    if (spec.empty()) return Status(Errc::invalid_argument, "container name is empty");
    if (spec.find('/') != std::string::npos) return existing(spec, spec, "namespace path");
    if (all_digits(spec)) {
        return existing(spec, fmt::format("/proc/{}/ns/net", spec), "process namespace");
    }
    const std::string named = netns_dir + "/" + spec;
    if (access(named.c_str(), F_OK) == 0) return NetnsTarget{spec, named};
    if (!is_executable_on_path("docker")) {
        return Status(Errc::not_found,
                      fmt::format("container '{}': no network namespace {} (not a path, not a PID, "
                                  "and Docker is not installed)",
                                  spec, named));
    }
    auto pid = docker_inspect_pid(spec);
    if (!pid) {
        return Status(Errc::not_found, fmt::format("container '{}': no network namespace {}; {}",
                                                   spec, named, pid.status().message()));
    }
    if (!all_digits(*pid) || *pid == "0") {
        return Status(
            Errc::not_found,
            fmt::format("container '{}': Docker reports PID '{}' (is it running?)", spec, *pid));
    }
    return existing(spec, fmt::format("/proc/{}/ns/net", *pid), "process namespace");
}

Result<NetnsHandle> NetnsHandle::open(const NetnsTarget& target) {
    const int fd = ::open(target.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return Status(err == ENOENT ? Errc::not_found : Errc::io_error,
                      fmt::format("container '{}': cannot open {}: {}", target.spec, target.path,
                                  std::strerror(err)));
    }
    return NetnsHandle(fd);
}

NetnsHandle::~NetnsHandle() {
    if (fd_ >= 0) close(fd_);
}

}  // namespace sy::container
