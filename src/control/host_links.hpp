#pragma once
// The host-side effects of control commands (does an interface exist, may it be a port, who
// owns it; create and remove the veth pair of an attach, announce its addresses), behind
// functions so unit tests and the fuzzer can replace them. The optional ones (empty: nothing
// to check or do) are what in-memory tests have no host for.

#include <functional>
#include <memory>
#include <string>

#include "base/status.hpp"
#include "container/attach.hpp"
#include "control/port_claim.hpp"

namespace sy::control {

struct HostLinks {
    std::function<bool(const std::string& ifname)> exists;
    std::function<Result<container::AttachResult>(const container::AttachRequest&)> attach;
    std::function<Status(const std::string& host_ifname)> detach;
    // Refuses interfaces that cannot be ports: loopback, non-Ethernet, enslaved elsewhere.
    std::function<Status(const std::string& ifname)> check_port;
    // Claims the interface for this daemon for as long as the claim lives (port_claim.hpp).
    std::function<Result<std::unique_ptr<Claim>>(const std::string& ifname)> claim;
    // Announces an attached container's addresses from inside it (gratuitous ARP / NA).
    std::function<Status(const container::AttachRequest&, const container::AttachResult&)>
        announce;

    static HostLinks real();
};

}  // namespace sy::control
