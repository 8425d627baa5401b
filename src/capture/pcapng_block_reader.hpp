#pragma once
// A small, bounds-safe pcapng block walker that yields, for every packet-carrying block
// (EPB, SPB, obsolete PB) in file order, the direction flags and our offload comment.
//
// Why this exists next to libpcap: libpcap reads pcapng packets, timestamps and link types
// well, but does not expose per-packet options (comments, epb_flags). CaptureReader therefore
// reads packets with libpcap and walks the same file in lockstep with this reader for the
// options. Every length is checked against the block and the block against a size limit, so
// a malformed file ends the walk with a message instead of a bad read.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "capture/capture_types.hpp"
#include "capture/offload_comment.hpp"

namespace sy::capture {

struct PacketOptions {
    Direction direction = Direction::unknown;
    bool has_meta = false;  // an "sy:" comment was present and well-formed
    RecordedMeta meta;
};

class PcapngBlockReader {
  public:
    // Largest block accepted; libpcap's own limit for pcapng blocks is 16 MiB.
    static constexpr std::uint32_t kMaxBlockLength = 16u << 20;

    explicit PcapngBlockReader(std::FILE* file) : file_(file) {}

    // Advances to the next packet-carrying block. False at the end of the file or when the
    // structure is broken (then error() says why; it stays empty at a clean end).
    bool next_packet(PacketOptions& out);
    const std::string& error() const { return error_; }

    // Parses the body of a packet block (exposed for tests and fuzzing). `swapped`: the
    // section is in the other byte order.
    static bool parse_packet_block(std::uint32_t type, const std::uint8_t* body, std::size_t size,
                                   bool swapped, PacketOptions& out);

  private:
    bool read_block(std::uint32_t& type);

    std::FILE* file_;
    bool swapped_ = false;
    bool seen_section_ = false;
    std::vector<std::uint8_t> body_;
    std::string error_;
    std::uint64_t offset_ = 0;
};

}  // namespace sy::capture
