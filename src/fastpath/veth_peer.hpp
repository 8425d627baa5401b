#pragma once
// Which kernel ports are one end of a veth pair whose other end lives in another network
// namespace (a container's interface, as `attach` and Docker make them). For such a port the
// fast path can hand a frame straight to the peer's receive path (bpf_redirect_peer: the
// namespace switch happens ingress to ingress, without the veth's transmit and a second trip
// through the CPU's backlog queue). The helper refuses any other device, and a peer in the same
// namespace, by dropping the frame, so the fast path asks, once a second: Docker moves a veth's
// container end into the container after the host end became a port, and an end can move back.
//
// Its own small rtnetlink query rather than container/rtnetlink.hpp's client: that layer sits
// above the datapath (it attaches containers), this one below it.

#include <set>

namespace sy::fastpath {

// One RTM_GETLINK dump of the caller's namespace: the ifindexes whose link kind is "veth" and
// that have a link-netnsid (the peer is elsewhere). Empty on any error (then no port is sent
// to its peer: the safe answer).
std::set<int> veths_with_peer_elsewhere();

}  // namespace sy::fastpath
