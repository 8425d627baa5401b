#pragma once
// The host-side effects of control commands (does an interface exist; create and remove the
// veth pair of an attach), behind functions so unit tests and the fuzzer can replace them.

#include <functional>
#include <string>

#include "base/status.hpp"
#include "container/attach.hpp"

namespace sy::control {

struct HostLinks {
    std::function<bool(const std::string& ifname)> exists;
    std::function<Result<container::AttachResult>(const container::AttachRequest&)> attach;
    std::function<Status(const std::string& host_ifname)> detach;

    static HostLinks real();
};

}  // namespace sy::control
