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
    std::vector<container::AttachRequest> announced;
    std::set<std::string> refused;            // check_port refuses these
    std::set<std::string> claimed_elsewhere;  // claim fails for these

    HostLinks links_api() {
        HostLinks api;
        api.exists = [this](const std::string& name) { return links.count(name) != 0; };
        api.attach = [this](const container::AttachRequest& r) -> Result<container::AttachResult> {
                if (fail_attach)
                    return Status(Errc::not_found, "container '" + r.container + "': gone");
                if (links.count(r.host_ifname))
                    return Status(Errc::already_exists, "host link exists");
                links.insert(r.host_ifname);
                attached.push_back(r);
                return container::AttachResult{r.host_ifname, "/run/netns/" + r.container};
            };
        api.detach = [this](const std::string& name) {
                return links.erase(name) ? Status::ok()
                                         : Status(Errc::not_found, "no link " + name);
            };
        api.check_port = [this](const std::string& name) {
            return refused.count(name) ? Status(Errc::invalid_argument, "'" + name + "' refused")
                                       : Status::ok();
        };
        api.claim = [this](const std::string& name) -> Result<std::unique_ptr<Claim>> {
            if (claimed_elsewhere.count(name))
                return Status(Errc::already_exists, "interface '" + name + "' is held by another "
                                                    "switchyard daemon");
            return std::unique_ptr<Claim>();
        };
        api.announce = [this](const container::AttachRequest& r, const container::AttachResult&) {
            announced.push_back(r);
            return Status::ok();
        };
        return api;
    }
};

}  // namespace sy::control::testing
