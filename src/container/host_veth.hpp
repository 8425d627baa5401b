#pragma once
// A veth pair with both ends in the host namespace, for container engines that move the
// container end into the sandbox themselves (Docker's libnetwork does this with the
// interface a network driver names in its Join answer).

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.hpp"
#include "container/address.hpp"

namespace sy::container {

struct HostVethRequest {
    std::string name;       // host end, brought up (the switch port)
    std::string peer_name;  // container end, left down for the engine to move and rename
    std::optional<MacAddress> peer_mac;
    std::optional<std::uint32_t> mtu;  // both ends
};

// All or nothing: Errc::already_exists if either name is taken; on a later error the pair is
// removed again.
Status create_host_veth(const HostVethRequest& request);

}  // namespace sy::container
