#include "capture/capture_types.hpp"

namespace sy::capture {

const char* to_string(Direction d) {
    switch (d) {
        case Direction::unknown:
            return "unknown";
        case Direction::inbound:
            return "in";
        case Direction::outbound:
            return "out";
    }
    return "unknown";
}

const char* to_string(KernelMark m) {
    switch (m) {
        case KernelMark::unknown:
            return "unknown";
        case KernelMark::none:
            return "none";
        case KernelMark::csum_notready:
            return "csum_notready";
        case KernelMark::csum_valid:
            return "csum_valid";
    }
    return "unknown";
}

const char* to_string(LinkType t) {
    switch (t) {
        case LinkType::ethernet:
            return "EN10MB";
        case LinkType::raw:
            return "RAW";
        case LinkType::linux_sll:
            return "LINUX_SLL";
        case LinkType::ipv4:
            return "IPV4";
        case LinkType::ipv6:
            return "IPV6";
        case LinkType::linux_sll2:
            return "LINUX_SLL2";
    }
    return "?";
}

}  // namespace sy::capture
