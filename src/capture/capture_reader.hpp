#pragma once
// Reads pcap and pcapng files through libpcap (Ethernet, Linux cooked v1/v2, raw IPv4/IPv6),
// adding what libpcap does not give: the link-layer direction (cooked pkttype, pcapng
// epb_flags) and our recorded offload metadata (pcapng comments, via PcapngBlockReader in
// lockstep), and where the IP header starts so net::parse can take it from there.

#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "base/status.hpp"
#include "capture/capture_types.hpp"
#include "capture/pcapng_block_reader.hpp"
#include "net/parse.hpp"

namespace sy::capture {

struct CapturedPacket {
    std::span<const std::uint8_t> bytes;  // captured bytes; valid until the next next()
    std::uint32_t original_length = 0;    // length on the wire (> bytes.size() if cut)
    std::uint64_t timestamp_ns = 0;
    std::uint64_t index = 0;  // 0-based record number in the file
    Direction direction = Direction::unknown;
    bool has_meta = false;
    RecordedMeta meta;
    // Where and how net::parse should start: offset into `bytes` and the link kind there.
    // Cooked captures start at the IP header after the cooked header and any VLAN tags.
    std::uint32_t parse_offset = 0;
    net::LinkType parse_link = net::LinkType::ethernet;
    bool is_ip = true;  // false: a cooked frame whose protocol is not IPv4/IPv6

    std::span<const std::uint8_t> network_bytes() const { return bytes.subspan(parse_offset); }
};

enum class ReadOutcome {
    packet,     // `out` holds the next packet
    end,        // clean end of file
    truncated,  // the final record is cut short: message() says so; no more packets
    error,      // a broken record: message() names the file and the reason
};

class CaptureReader {
  public:
    static Result<CaptureReader> open(const std::string& path);
    // Reads from an in-memory image (used by the fuzz target); `name` appears in messages.
    static Result<CaptureReader> open_memory(std::span<const std::uint8_t> image,
                                             const std::string& name);

    ReadOutcome next(CapturedPacket& out);

    const std::string& path() const { return path_; }
    const std::string& message() const { return message_; }
    LinkType link_type() const { return link_; }
    bool is_pcapng() const { return pcapng_; }
    // True if the options walk stopped early (malformed options): metadata may be missing.
    bool metadata_lost() const { return metadata_lost_; }
    const std::string& metadata_error() const { return metadata_error_; }

  private:
    struct PcapCloser {
        void operator()(pcap_t* p) const { pcap_close(p); }
    };
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    static Result<CaptureReader> open_streams(std::FILE* for_pcap, std::FILE* for_options,
                                              const std::string& name);
    void decode_link(CapturedPacket& out) const;

    std::string path_;
    std::unique_ptr<pcap_t, PcapCloser> pcap_;
    std::unique_ptr<std::FILE, FileCloser> options_file_;
    std::unique_ptr<PcapngBlockReader> options_;
    LinkType link_ = LinkType::ethernet;
    bool pcapng_ = false;
    bool metadata_lost_ = false;
    std::string metadata_error_;
    std::string message_;
    std::uint64_t next_index_ = 0;
};

}  // namespace sy::capture
