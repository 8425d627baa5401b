#include "control/host_links.hpp"

namespace sy::control {

HostLinks HostLinks::real() {
    return HostLinks{container::host_link_exists, container::attach, container::detach};
}

}  // namespace sy::control
