#include "container/rtnetlink.hpp"

#include <fmt/core.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

namespace sy::container {
namespace {

Status errno_status(const std::string& what, int err) {
    const Errc code = err == ENODEV || err == ENOENT   ? Errc::not_found
                      : err == EEXIST                  ? Errc::already_exists
                      : err == EINVAL || err == ERANGE ? Errc::invalid_argument
                                                       : Errc::io_error;
    return Status(code, fmt::format("{}: {}", what, std::strerror(err)));
}

int link_reply_cb(const nlmsghdr* nlh, void* data) {
    if (nlh->nlmsg_type == RTM_NEWLINK) {
        const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
        *static_cast<int*>(data) = ifi->ifi_index;
    }
    return MNL_CB_OK;
}

nlmsghdr* start_request(std::vector<char>& buffer, std::uint16_t type, std::uint16_t flags) {
    buffer.assign(MNL_SOCKET_BUFFER_SIZE, 0);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    return nlh;
}

ifinfomsg* put_ifinfo(nlmsghdr* nlh, int index) {
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    return ifi;
}

}  // namespace

Rtnetlink::Rtnetlink(mnl_socket* socket)
    : socket_(socket),
      port_id_(mnl_socket_get_portid(socket)),
      sequence_(static_cast<std::uint32_t>(std::time(nullptr))) {}

Rtnetlink::~Rtnetlink() {
    mnl_socket_close(socket_);
}

Result<std::unique_ptr<Rtnetlink>> Rtnetlink::open() {
    mnl_socket* socket = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (socket == nullptr) return errno_status("cannot open a netlink socket", errno);
    if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
        const int err = errno;
        mnl_socket_close(socket);
        return errno_status("cannot bind a netlink socket", err);
    }
    return std::unique_ptr<Rtnetlink>(new Rtnetlink(socket));
}

Result<std::unique_ptr<Rtnetlink>> Rtnetlink::open_in_netns(int netns_fd) {
    Result<std::unique_ptr<Rtnetlink>> result = Status(Errc::io_error, "not run");
    std::thread worker([&] {
        if (setns(netns_fd, CLONE_NEWNET) != 0) {
            result = errno_status("cannot enter the container's network namespace", errno);
            return;
        }
        result = open();  // the socket stays in that namespace after the thread ends
    });
    worker.join();
    return result;
}

Status Rtnetlink::transact(nlmsghdr* request, const std::string& what, int* reply_index) {
    request->nlmsg_seq = ++sequence_;
    if (mnl_socket_sendto(socket_, request, request->nlmsg_len) < 0)
        return errno_status(what, errno);
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    int index = 0;
    for (;;) {
        const ssize_t n = mnl_socket_recvfrom(socket_, buffer.data(), buffer.size());
        if (n < 0) return errno_status(what, errno);
        const int rc = mnl_cb_run(buffer.data(), static_cast<size_t>(n), request->nlmsg_seq,
                                  port_id_, link_reply_cb, &index);
        if (rc < 0) return errno_status(what, errno);
        if (rc == MNL_CB_STOP) break;
    }
    if (reply_index != nullptr) *reply_index = index;
    return Status::ok();
}

Result<int> Rtnetlink::link_index(const std::string& name) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_GETLINK, 0);
    put_ifinfo(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
    int index = 0;
    if (Status s = transact(nlh, fmt::format("interface '{}'", name), &index); !s) return s;
    if (index <= 0) return Status(Errc::not_found, fmt::format("interface '{}': not found", name));
    return index;
}

Status Rtnetlink::create_veth(const std::string& name, const std::string& peer_name,
                              int peer_netns_fd) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    put_ifinfo(nlh, 0);
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
    nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
    nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    nlattr* peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
    // The peer's attributes follow its own ifinfomsg header, inside the nest.
    std::memset(mnl_nlmsg_get_payload_tail(nlh), 0, sizeof(ifinfomsg));
    nlh->nlmsg_len += MNL_ALIGN(sizeof(ifinfomsg));
    mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name.c_str());
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<std::uint32_t>(peer_netns_fd));
    mnl_attr_nest_end(nlh, peer);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, linkinfo);
    return transact(nlh, fmt::format("cannot create veth pair {} <-> {}", name, peer_name));
}

Status Rtnetlink::delete_link(int index) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_DELLINK, 0);
    put_ifinfo(nlh, index);
    return transact(nlh, fmt::format("cannot delete link #{}", index));
}

Status Rtnetlink::change_link(int index, const LinkChanges& changes) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_NEWLINK, 0);
    ifinfomsg* ifi = put_ifinfo(nlh, index);
    if (changes.up) {
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
    }
    if (changes.mac)
        mnl_attr_put(nlh, IFLA_ADDRESS, changes.mac->bytes.size(), changes.mac->bytes.data());
    if (changes.mtu) mnl_attr_put_u32(nlh, IFLA_MTU, *changes.mtu);
    return transact(nlh, fmt::format("cannot configure link #{}", index));
}

Status Rtnetlink::add_address(int index, const IpPrefix& prefix) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = static_cast<std::uint8_t>(prefix.address.family);
    ifa->ifa_prefixlen = static_cast<std::uint8_t>(prefix.length);
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = static_cast<std::uint32_t>(index);
    const auto size = prefix.address.size();
    mnl_attr_put(nlh, IFA_LOCAL, size, prefix.address.bytes.data());
    mnl_attr_put(nlh, IFA_ADDRESS, size, prefix.address.bytes.data());
    return transact(nlh, fmt::format("cannot add address {}", prefix.to_string()));
}

Status Rtnetlink::add_default_route(const IpAddress& gateway) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = static_cast<std::uint8_t>(gateway.family);
    rtm->rtm_dst_len = 0;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    mnl_attr_put(nlh, RTA_GATEWAY, gateway.size(), gateway.bytes.data());
    return transact(nlh, fmt::format("cannot add default route via {}", gateway.to_string()));
}

Status Rtnetlink::add_route(const IpPrefix& destination, const std::optional<IpAddress>& gateway,
                            int oif_index) {
    std::vector<char> buffer;
    nlmsghdr* nlh = start_request(buffer, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
    rtm->rtm_family = static_cast<std::uint8_t>(destination.address.family);
    rtm->rtm_dst_len = static_cast<std::uint8_t>(destination.length);
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    rtm->rtm_type = RTN_UNICAST;
    if (destination.length > 0) {
        mnl_attr_put(nlh, RTA_DST, destination.address.size(), destination.address.bytes.data());
    }
    if (gateway) mnl_attr_put(nlh, RTA_GATEWAY, gateway->size(), gateway->bytes.data());
    mnl_attr_put_u32(nlh, RTA_OIF, static_cast<std::uint32_t>(oif_index));
    return transact(nlh, gateway ? fmt::format("cannot add route to {} via {}",
                                               destination.to_string(), gateway->to_string())
                                 : fmt::format("cannot add route to {}", destination.to_string()));
}

}  // namespace sy::container
