#pragma once
// Host links for tests: a set of interface names that "exist"; attach adds one, detach
// removes it; either can be told to fail.

#include <set>
#include <string>

#include "control/host_links.hpp"

namespace sy::control::testing {

struct FakeHost {
    std::set<std::string> links;
    bool fail_attach = false;
    std::vector<container::AttachRequest> attached;

    HostLinks links_api() {
        return HostLinks{
            [this](const std::string& name) { return links.count(name) != 0; },
            [this](const container::AttachRequest& r) -> Result<container::AttachResult> {
                if (fail_attach)
                    return Status(Errc::not_found, "container '" + r.container + "': gone");
                if (links.count(r.host_ifname))
                    return Status(Errc::already_exists, "host link exists");
                links.insert(r.host_ifname);
                attached.push_back(r);
                return container::AttachResult{r.host_ifname, "/run/netns/" + r.container};
            },
            [this](const std::string& name) {
                return links.erase(name) ? Status::ok()
                                         : Status(Errc::not_found, "no link " + name);
            }};
    }
};

}  // namespace sy::control::testing
