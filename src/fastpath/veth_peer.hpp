#pragma once
// Whether a kernel port is one end of a veth pair whose other end lives in another network
// namespace (a container's interface, as `attach` and Docker make them). For such a port the
// fast path can hand a frame straight to the peer's receive path (bpf_redirect_peer: the
// namespace switch happens ingress to ingress, without the veth's transmit and a second trip
// through the CPU's backlog queue). The helper refuses any other device, and a peer in the same
// namespace, by dropping the frame, so the fast path asks first, and asks again once a second:
// Docker moves a veth's container end into the container after the host end became a port,
// and an end can move back.

#include <set>

namespace sy::fastpath {

// Asks rtnetlink about `ifindex` (in the caller's namespace): its link kind is "veth" and it
// has a link-netnsid (the peer is elsewhere). False on any doubt, error included.
bool veth_peer_in_other_netns(int ifindex);
// The same for every link of the caller's namespace, in one dump: the ifindexes that are. An
// empty set on error.
std::set<int> veths_with_peer_elsewhere();

}  // namespace sy::fastpath
