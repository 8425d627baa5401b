#include "control/host_links.hpp"

#include "container/announce.hpp"
#include "container/port_candidate.hpp"

namespace sy::control {

HostLinks HostLinks::real() {
    HostLinks links;
    links.exists = container::host_link_exists;
    links.attach = container::attach;
    links.detach = container::detach;
    links.check_port = container::check_port_candidate;
    links.claim = claim_port;
    links.announce = [](const container::AttachRequest& r, const container::AttachResult& a) {
        std::vector<container::IpPrefix> addresses{r.address};
        addresses.insert(addresses.end(), r.extra_addresses.begin(), r.extra_addresses.end());
        return r.mac ? container::announce_addresses(a.netns_path, r.ifname, *r.mac, addresses)
                     : Status::ok();
    };
    return links;
}

}  // namespace sy::control
