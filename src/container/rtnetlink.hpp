#pragma once
// A small rtnetlink client (libmnl) for the handful of link, address and route operations an
// attach needs. One socket is bound to one network namespace for its whole life: the kernel
// fixes a netlink socket's namespace when it is created, which is how we configure a
// container without moving the calling thread into it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/status.hpp"
#include "container/address.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace sy::container {

// Changes to apply to an existing link; unset fields are left as they are.
struct LinkChanges {
    std::optional<MacAddress> mac;
    std::optional<std::uint32_t> mtu;
    bool up = false;
};

class Rtnetlink {
  public:
    // A socket in the caller's network namespace.
    static Result<std::unique_ptr<Rtnetlink>> open();
    // A socket in the namespace `netns_fd` refers to. The setns() happens on a short-lived
    // thread of its own, because setns() moves only the calling thread.
    static Result<std::unique_ptr<Rtnetlink>> open_in_netns(int netns_fd);
    ~Rtnetlink();
    Rtnetlink(const Rtnetlink&) = delete;
    Rtnetlink& operator=(const Rtnetlink&) = delete;

    // Errc::not_found if there is no such link in this socket's namespace.
    Result<int> link_index(const std::string& name);
    // A veth pair: `name` here, `peer_name` created directly in the namespace `peer_netns_fd`.
    Status create_veth(const std::string& name, const std::string& peer_name, int peer_netns_fd);
    Status delete_link(int index);
    Status change_link(int index, const LinkChanges& changes);
    Status add_address(int index, const IpPrefix& prefix);
    Status add_default_route(const IpAddress& gateway);
    // A route to `destination` through the link `oif_index`, via `gateway` when given.
    Status add_route(const IpPrefix& destination, const std::optional<IpAddress>& gateway,
                     int oif_index);

  private:
    explicit Rtnetlink(mnl_socket* socket);
    // Sends one request with NLM_F_ACK and reads until its acknowledgement. `reply`, when
    // given, receives the payload of a RTM_NEWLINK answer (its ifindex).
    Status transact(nlmsghdr* request, const std::string& what, int* reply_index = nullptr);

    mnl_socket* socket_;
    std::uint32_t port_id_;
    std::uint32_t sequence_;
};

}  // namespace sy::container
