#include "datapath/capture_point.hpp"

#include <time.h>

namespace sy::datapath {

void capture_packet(SwitchPort& sp, const Packet& p, bool outbound) {
    if (!sp.captures(outbound)) return;
    timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const std::uint64_t t = std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
    sp.capture->write(p.bytes(), t,
                      outbound ? capture::Direction::outbound : capture::Direction::inbound,
                      &p.offload, capture::KernelMark::unknown);
}

}  // namespace sy::datapath
