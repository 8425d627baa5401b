#pragma once
// Which ports a poll round receives from: the ones with work, not every port. Each port's file
// descriptor sits in an epoll set (level-triggered EPOLLIN; errors and hang-ups wake it too,
// so a vanished device is still noticed), and a round asks that set once which are readable:
// one system call per round however many idle ports are attached, instead of one receive per
// port. A port still holding frames after its burst stays readable and comes back in the next
// round. Ports that cannot be waited on (poll_fd() == -1) are received from every round.
//
// The poll thread sleeps on fd() (an epoll set is itself readable when one of its ports is).
// Control path: add/remove under the round lock. collect() is the per-packet path: no
// allocation (the output's capacity is reserved on the control path).

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <vector>

#include "packet/packet.hpp"

namespace sy::datapath {

class PortReadiness {
  public:
    // Ready ports reported per round at most; more stay ready for the next round (epoll puts
    // the reported ones at the back of its ready list, so none waits behind a busy one).
    static constexpr int kMaxEvents = 256;

    PortReadiness();
    ~PortReadiness();
    PortReadiness(const PortReadiness&) = delete;
    PortReadiness& operator=(const PortReadiness&) = delete;

    int fd() const { return epoll_fd_; }

    void add(PortId id, int poll_fd);
    void remove(PortId id, int poll_fd);
    std::size_t size() const { return watched_ + always_.size(); }

    // Ports with work (and those that must be polled), in increasing PortId order, replacing
    // `out`'s contents. Never blocks.
    void collect(std::vector<PortId>& out);
    // Capacity `out` needs for collect() (reserve it on the control path).
    std::size_t max_collected() const { return kMaxEvents + always_.size(); }

  private:
    int epoll_fd_ = -1;
    std::size_t watched_ = 0;
    std::vector<PortId> always_;  // no fd to wait on
    std::array<epoll_event, kMaxEvents> events_{};
};

}  // namespace sy::datapath
