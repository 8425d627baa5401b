#include "container/host_veth.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "container/rtnetlink.hpp"

namespace sy::container {

Status create_host_veth(const HostVethRequest& r) {
    if (Status s = check_ifname(r.name); !s) return s;
    if (Status s = check_ifname(r.peer_name); !s) return s;
    auto host = Rtnetlink::open();
    if (!host) return host.status();
    for (const auto& name : {r.name, r.peer_name}) {
        if ((*host)->link_index(name)) {
            return Status(Errc::already_exists,
                          fmt::format("host interface '{}' already exists", name));
        }
    }
    // The peer is created in the calling thread's own namespace (the daemon's threads all
    // live in the host namespace).
    const int own_netns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (own_netns < 0) {
        return Status(Errc::io_error,
                      fmt::format("cannot open our network namespace: {}", std::strerror(errno)));
    }
    Status created = (*host)->create_veth(r.name, r.peer_name, own_netns);
    close(own_netns);
    if (!created) return created;

    auto configure = [&]() -> Status {
        auto peer = (*host)->link_index(r.peer_name);
        if (!peer) return peer.status();
        LinkChanges peer_settings;
        peer_settings.mac = r.peer_mac;
        peer_settings.mtu = r.mtu;
        if (peer_settings.mac || peer_settings.mtu) {
            if (Status s = (*host)->change_link(*peer, peer_settings); !s) return s;
        }
        auto index = (*host)->link_index(r.name);
        if (!index) return index.status();
        LinkChanges host_settings;
        host_settings.mtu = r.mtu;
        host_settings.up = true;
        return (*host)->change_link(*index, host_settings);
    };
    if (Status s = configure(); !s) {
        if (auto index = (*host)->link_index(r.name)) (*host)->delete_link(*index);
        return s;
    }
    return Status::ok();
}

}  // namespace sy::container
