#pragma once
// Live capture of any kernel interface over an AF_PACKET socket with PACKET_AUXDATA, so each
// packet is recorded with the kernel's checksum mark (TP_STATUS_CSUMNOTREADY /
// TP_STATUS_CSUM_VALID): the one thing tcpdump's bytes cannot show. Writes pcapng through
// PcapngWriter (direction from sll_pkttype, mark as "sy: kmark=..." comment).

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "base/status.hpp"

namespace sy::capture {

struct KernelCaptureOptions {
    std::string interface;
    std::string netns;        // empty: the current namespace; a name (/run/netns/NAME) or a path
    std::string output_path;  // pcapng file to write
    std::uint64_t max_packets = 0;  // 0: no limit
    double max_seconds = 0;         // 0: no limit
};

struct KernelCaptureStats {
    std::uint64_t packets = 0;
    std::uint64_t kernel_drops = 0;  // PACKET_STATISTICS tp_drops
    std::uint64_t marked_notready = 0;
    std::uint64_t marked_valid = 0;
};

// Runs until `stop` becomes true, the packet count or the duration is reached. `on_ready` is
// called once the socket is bound and the file header written (scripts wait for that).
// Switches the calling thread into `netns` first (and stays there: call it from a thread or
// process that does not need its namespace back).
Result<KernelCaptureStats> run_kernel_capture(const KernelCaptureOptions& options,
                                              const std::atomic<bool>& stop,
                                              const std::function<void()>& on_ready);

}  // namespace sy::capture
