#pragma once
// Where a "container" lives, as far as networking goes: a network namespace. A person names
// it the way their tools do: `ip netns` name, a namespace path, a PID, or a Docker container.

#include <string>

#include "base/status.hpp"

namespace sy::container {

struct NetnsTarget {
    std::string spec;  // what the person typed
    std::string path;  // the namespace file to open, e.g. /run/netns/NAME or /proc/PID/ns/net
};

// Resolution order: a spec containing '/' is a path; all digits is a PID; a file in
// /run/netns (or `netns_dir`, for tests) is a named namespace; otherwise, when a `docker`
// executable is on PATH, `docker inspect -f {{.State.Pid}} SPEC`. The namespace must exist.
Result<NetnsTarget> resolve_netns(const std::string& spec,
                                  const std::string& netns_dir = "/run/netns");

// An open file descriptor on a namespace file, closed on destruction.
class NetnsHandle {
  public:
    static Result<NetnsHandle> open(const NetnsTarget& target);
    NetnsHandle(NetnsHandle&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    NetnsHandle& operator=(NetnsHandle&&) = delete;
    ~NetnsHandle();
    int fd() const { return fd_; }

  private:
    explicit NetnsHandle(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace sy::container
