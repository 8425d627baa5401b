#include "fastpath/veth_peer.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>
#include <vector>

namespace sy::fastpath {
namespace {

struct LinkFacts {
    bool veth = false;
    bool peer_elsewhere = false;  // IFLA_LINK_NETNSID: the link's peer is in another namespace
};

int link_info_cb(const nlattr* attr, void* data) {
    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
        static_cast<LinkFacts*>(data)->veth = std::strcmp(mnl_attr_get_str(attr), "veth") == 0;
    }
    return MNL_CB_OK;
}

int link_attr_cb(const nlattr* attr, void* data) {
    auto* facts = static_cast<LinkFacts*>(data);
    switch (mnl_attr_get_type(attr)) {
        case IFLA_LINKINFO:
            mnl_attr_parse_nested(attr, link_info_cb, facts);
            break;
        case IFLA_LINK_NETNSID:
            facts->peer_elsewhere = true;
            break;
        default:
            break;
    }
    return MNL_CB_OK;
}

// Each RTM_NEWLINK answer: the ifindex goes into the set if the link is such a veth.
int link_cb(const nlmsghdr* nlh, void* data) {
    if (nlh->nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
    LinkFacts facts;
    mnl_attr_parse(nlh, sizeof(ifinfomsg), link_attr_cb, &facts);
    if (facts.veth && facts.peer_elsewhere) {
        const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
        static_cast<std::set<int>*>(data)->insert(ifi->ifi_index);
    }
    return MNL_CB_OK;
}

}  // namespace

std::set<int> veths_with_peer_elsewhere() {
    std::set<int> found;
    mnl_socket* nl = mnl_socket_open(NETLINK_ROUTE);
    if (!nl) return found;
    std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
    const auto seq = static_cast<unsigned>(std::time(nullptr));
    bool ok = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0;
    if (ok) {
        nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
        nlh->nlmsg_type = RTM_GETLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = seq;
        auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
        ifi->ifi_family = AF_UNSPEC;
        ok = mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0;
    }
    const unsigned portid = mnl_socket_get_portid(nl);
    int ret = MNL_CB_OK;
    while (ok && ret > MNL_CB_STOP) {  // several datagrams, then NLMSG_DONE (MNL_CB_STOP)
        const ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
        ret = n > 0 ? mnl_cb_run(buf.data(), static_cast<std::size_t>(n), seq, portid, link_cb,
                                 &found)
                    : MNL_CB_ERROR;
        ok = ret != MNL_CB_ERROR;
    }
    mnl_socket_close(nl);
    if (!ok) found.clear();
    return found;
}

}  // namespace sy::fastpath
