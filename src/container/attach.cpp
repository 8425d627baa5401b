#include "container/attach.hpp"

#include <fmt/core.h>
#include <net/if.h>
#include <sys/socket.h>

#include "container/netns_target.hpp"
#include "container/rtnetlink.hpp"

namespace sy::container {
namespace {

Status prefixed(const char* step, const Status& s) {
    return Status(s.code(), fmt::format("{}: {}", step, s.message()));
}

Status validate(const AttachRequest& r) {
    if (Status s = check_ifname(r.host_ifname); !s) return s;
    if (Status s = check_ifname(r.ifname); !s) return s;
    if (r.address.address.family == 0) {
        return Status(Errc::invalid_argument, "an address (CIDR) is required");
    }
    if (r.gateway && r.gateway->family != r.address.address.family) {
        return Status(Errc::invalid_argument,
                      fmt::format("gateway {} and address {} are of different IP versions",
                                  r.gateway->to_string(), r.address.to_string()));
    }
    for (const auto& route : r.routes) {
        if (route.gateway && route.gateway->family != route.destination.address.family) {
            return Status(Errc::invalid_argument,
                          fmt::format("route to {} via {}: different IP versions",
                                      route.destination.to_string(), route.gateway->to_string()));
        }
    }
    if (r.mtu && (*r.mtu < 68 || *r.mtu > 65535)) {
        return Status(Errc::invalid_argument, fmt::format("MTU {} is outside 68..65535", *r.mtu));
    }
    return Status::ok();
}

// Configures the container end through a socket living in its namespace.
Status configure_container_end(Rtnetlink& in_container, const AttachRequest& r) {
    auto index = in_container.link_index(r.ifname);
    if (!index) return prefixed("container end", index.status());
    LinkChanges settings;
    settings.mac = r.mac;
    settings.mtu = r.mtu;
    if (settings.mac || settings.mtu) {
        if (Status s = in_container.change_link(*index, settings); !s) return s;
    }
    if (Status s = in_container.add_address(*index, r.address); !s) return s;
    for (const auto& extra : r.extra_addresses) {
        if (Status s = in_container.add_address(*index, extra); !s) return s;
    }
    LinkChanges up;
    up.up = true;
    if (Status s = in_container.change_link(*index, up); !s) return s;
    if (r.gateway) {
        if (Status s = in_container.add_default_route(*r.gateway); !s) return s;
    }
    for (const auto& route : r.routes) {
        if (Status s = in_container.add_route(route.destination, route.gateway, *index); !s)
            return s;
    }
    return Status::ok();
}

}  // namespace

Result<AttachResult> attach(const AttachRequest& r) {
    if (Status s = validate(r); !s) return s;
    auto target = r.netns_path.empty()
                      ? resolve_netns(r.container, r.netns_dir)
                      : Result<NetnsTarget>(NetnsTarget{r.container, r.netns_path});
    if (!target) return target.status();
    auto netns = NetnsHandle::open(*target);
    if (!netns) return netns.status();
    auto host = Rtnetlink::open();
    if (!host) return host.status();
    auto container = Rtnetlink::open_in_netns(netns->fd());
    if (!container)
        return prefixed(fmt::format("container '{}'", r.container).c_str(), container.status());

    // Check both names first so a clash is reported precisely and nothing is created.
    if ((*host)->link_index(r.host_ifname)) {
        return Status(Errc::already_exists,
                      fmt::format("host interface '{}' already exists", r.host_ifname));
    }
    if ((*container)->link_index(r.ifname)) {
        return Status(
            Errc::already_exists,
            fmt::format("container '{}' already has an interface '{}'", r.container, r.ifname));
    }
    // The container end is created directly inside the namespace under its final name: it
    // never exists in the host namespace under a temporary name that could clash or leak.
    if (Status s = (*host)->create_veth(r.host_ifname, r.ifname, netns->fd()); !s) return s;

    auto rollback = [&](const Status& why) -> Status {
        if (auto index = (*host)->link_index(r.host_ifname)) (*host)->delete_link(*index);
        return why;
    };
    if (Status s = configure_container_end(**container, r); !s) return rollback(s);
    auto host_index = (*host)->link_index(r.host_ifname);
    if (!host_index) return rollback(host_index.status());
    LinkChanges host_settings;
    host_settings.mtu = r.mtu;
    host_settings.up = true;
    if (Status s = (*host)->change_link(*host_index, host_settings); !s) {
        return rollback(prefixed("host end", s));
    }
    return AttachResult{r.host_ifname, target->path};
}

Status detach(const std::string& host_ifname) {
    if (Status s = check_ifname(host_ifname); !s) return s;
    auto host = Rtnetlink::open();
    if (!host) return host.status();
    auto index = (*host)->link_index(host_ifname);
    if (!index) return index.status();
    return (*host)->delete_link(*index);
}

bool host_link_exists(const std::string& name) {
    return check_ifname(name).is_ok() && if_nametoindex(name.c_str()) != 0;
}

std::string derive_host_ifname(const std::string& bridge, const std::string& container,
                               const std::string& ifname) {
    // FNV-1a, 64 bit: stable across runs and builds (std::hash is not).
    std::uint64_t hash = 0xcbf29ce484222325ull;
    const std::string key = bridge + '\0' + container + '\0' + ifname;
    for (unsigned char c : key) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return fmt::format("sy{:010x}", hash & 0xffffffffffull);
}

MacAddress derive_container_mac(const std::string& bridge, const std::string& container,
                                const std::string& ifname) {
    std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, as above, over a different key
    const std::string key = "mac" + std::string(1, '\0') + bridge + '\0' + container + '\0' + ifname;
    for (unsigned char c : key) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    MacAddress mac;
    mac.bytes[0] = 0x06;
    for (int i = 1; i < 6; ++i) mac.bytes[i] = static_cast<std::uint8_t>(hash >> (8 * (i - 1)));
    return mac;
}

}  // namespace sy::container
