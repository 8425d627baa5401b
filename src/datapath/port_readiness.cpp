#include "datapath/port_readiness.hpp"

#include <unistd.h>

#include <algorithm>

namespace sy::datapath {

PortReadiness::PortReadiness() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {}

PortReadiness::~PortReadiness() {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void PortReadiness::add(PortId id, int poll_fd) {
    if (poll_fd < 0) {
        always_.push_back(id);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;  // EPOLLERR and EPOLLHUP are always reported
    ev.data.u64 = id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, poll_fd, &ev) == 0) {
        ++watched_;
    } else {
        always_.push_back(id);  // cannot wait on it (e.g. a regular file): poll it
    }
}

void PortReadiness::remove(PortId id, int poll_fd) {
    auto it = std::find(always_.begin(), always_.end(), id);
    if (it != always_.end()) {
        always_.erase(it);
        return;
    }
    if (poll_fd >= 0 && ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, poll_fd, nullptr) == 0) --watched_;
}

void PortReadiness::collect(std::vector<PortId>& out) {
    out.clear();
    if (watched_ != 0) {
        const int n = ::epoll_wait(epoll_fd_, events_.data(), kMaxEvents, 0);
        for (int i = 0; i < n; ++i) out.push_back(static_cast<PortId>(events_[i].data.u64));
    }
    out.insert(out.end(), always_.begin(), always_.end());
    std::sort(out.begin(), out.end());  // registry order, as before: deterministic rounds
}

}  // namespace sy::datapath
