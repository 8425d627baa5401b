#pragma once
// A UDP GSO super-datagram captured on an underlay before the host stack segmented it: one
// record holding several tunnel datagrams (outer headers once, then the datagrams' payloads
// back to back, each but the last of the segment size). The capture does not record the
// segment size; for tunnel traffic it is the first payload's length (tunnel header and inner
// frame: a run of equal-size datagrams is what gets sent as one), so the record splits.

#include <cstdint>
#include <vector>

#include "capture/capture_reader.hpp"

namespace sy::forensics {

// Datagram `k` (1 = the second; the first is the record as it is) of the super-datagram in
// `packet`, rebuilt into `buffer` as the host stack would send it: the outer headers with this
// datagram's IP and UDP lengths, then its payload. `out` describes it (the record's metadata).
// False when there is no datagram k (or `packet` is not such a super-datagram). The rebuilt
// outer checksums are not the ones sent: callers judge only the inner packet of these.
bool udp_gso_datagram(const capture::CapturedPacket& packet, std::uint32_t k,
                      std::vector<std::uint8_t>& buffer, capture::CapturedPacket& out);

}  // namespace sy::forensics
