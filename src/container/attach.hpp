#pragma once
// Attach a container to the host like `ovs-docker add-port`: a veth pair whose container end
// is named, addressed and brought up inside the container's network namespace, and whose
// host end is left up in the host namespace for the switch to take as a port. Offloads stay
// at the kernel's defaults (TX checksum and TSO on): the switch copes with them.

#include <optional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "container/address.hpp"

namespace sy::container {

// A route inside the container. Without a gateway it is a link route through the
// container's interface.
struct Route {
    IpPrefix destination;
    std::optional<IpAddress> gateway;
};

struct AttachRequest {
    std::string container;  // netns name, path, PID or Docker name (see resolve_netns)
    // When set, the namespace file to use: `container` is then only the caller's name for it
    // (a container engine's ID), not resolved. CNI hands plugins a path like this.
    std::string netns_path;
    std::string host_ifname;      // host end of the veth (the switch port)
    std::string ifname = "eth0";  // container end
    IpPrefix address;
    std::optional<IpAddress> gateway;
    std::optional<MacAddress> mac;
    std::optional<std::uint32_t> mtu;       // both ends
    std::vector<IpPrefix> extra_addresses;  // added after `address` (e.g. dual stack)
    std::vector<Route> routes;              // added after the default route via `gateway`
    std::string netns_dir = "/run/netns";   // where named namespaces live (tests override)
};

struct AttachResult {
    std::string host_ifname;
    std::string netns_path;
};

// All or nothing: on any error the veth pair is removed again and the Status says which step
// failed. Errc::not_found for a missing container, Errc::already_exists when either name is
// taken, Errc::invalid_argument for inconsistent settings (e.g. an IPv6 gateway for an IPv4
// address).
Result<AttachResult> attach(const AttachRequest& request);

// Removes the veth pair by its host end (which removes the container end too).
// Errc::not_found if it is already gone (e.g. the container was deleted).
Status detach(const std::string& host_ifname);

// Whether an interface of that name exists in the caller's network namespace.
bool host_link_exists(const std::string& name);

// The host end's name when the person does not choose one: "sy" + 10 hex digits of a hash of
// (bridge, container, ifname), so the same attach always gets the same name and it fits the
// 15-byte limit.
std::string derive_host_ifname(const std::string& bridge, const std::string& container,
                               const std::string& ifname);

// The container end's MAC when the person does not choose one, derived from the same
// (bridge, container, ifname): a detach and re-attach gives the container its old MAC, so the
// peers' ARP and neighbour caches stay right. 06:xx:xx:xx:xx:xx (locally administered,
// unicast; engines' address-derived MACs start 02:53).
MacAddress derive_container_mac(const std::string& bridge, const std::string& container,
                                const std::string& ifname);

}  // namespace sy::container
