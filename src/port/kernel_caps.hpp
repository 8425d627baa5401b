#pragma once
// What a kernel-backed port (AF_PACKET or TAP) can take from us, in one place so both
// port kinds advertise the same policy.

#include <cstdint>

#include "offload/tx_prepare.hpp"

namespace sy::port {

// With a virtio-net header the kernel accepts NEEDS_CSUM and TCP GSO and finishes or
// segments later if the device cannot. UDP GSO is never advertised (docs/checksum-cases.md, case 8): we
// would have to segment UFO/USO ourselves. Without the header: nothing but plain frames.
inline offload::PortOffloadCaps kernel_port_caps(bool vnet_hdr, std::uint32_t mtu) {
    offload::PortOffloadCaps caps{};
    caps.mtu = mtu;
    if (vnet_hdr) {
        caps.accepts_verified_mark = true;  // DATA_VALID in the virtio-net header
        caps.l4_csum = true;
        caps.tso4 = true;
        caps.tso6 = true;
    }
    return caps;
}

}  // namespace sy::port
