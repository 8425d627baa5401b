// Fuzzes the capture reader (libpcap plus our pcapng option walker, link-layer decoding) and
// the per-packet analysis csum-trace runs on what it reads. Any input must end in a clean
// end, a truncation report or an error message: never a crash or an out-of-bounds read.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "capture/capture_reader.hpp"
#include "capture/pcapng_block_reader.hpp"
#include "forensics/segment_diff.hpp"
#include "forensics/sighting.hpp"
#include "forensics/udp_gso.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sy;
    // The option walker on its own, as one packet block body in both byte orders.
    capture::PacketOptions options;
    for (bool swapped : {false, true})
        (void)capture::PcapngBlockReader::parse_packet_block(6, data, size, swapped, options);

    auto reader = capture::CaptureReader::open_memory({data, size}, "fuzz");
    if (!reader) return 0;
    capture::CapturedPacket packet;
    for (int i = 0; i < 256 && reader->next(packet) == capture::ReadOutcome::packet; ++i) {
        (void)forensics::extract_sighting(packet, 0);
        (void)forensics::segments_of(packet);
        (void)forensics::segments_of(packet, true);
        // A UDP GSO super-datagram's later datagrams, as csum-trace splits them.
        std::vector<std::uint8_t> buffer;
        capture::CapturedPacket datagram;
        for (std::uint32_t k = 1;
             k < 64 && forensics::udp_gso_datagram(packet, k, buffer, datagram); ++k) {
            (void)forensics::extract_sighting(datagram, 0);
            (void)forensics::segments_of(datagram);
        }
    }
    return 0;
}
