#pragma once
// Writes a pcapng file, one interface per file, recording per packet its direction (EPB
// flags) and the offload metadata / kernel checksum mark (EPB comment, see
// offload_comment.hpp). Timestamps are nanoseconds (if_tsresol = 9).
//
// write() is meant for the per-packet path: it never allocates and never throws; blocks go
// into a buffer allocated at open() and reach the file when it fills or on flush(). A failed
// write is counted and remembered; flush() and close() report it. Not thread-safe: one writer
// per thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.hpp"
#include "capture/capture_types.hpp"
#include "packet/offload_info.hpp"

namespace sy::capture {

class PcapngWriter {
  public:
    static constexpr std::size_t kBufferSize = 128u << 10;

    static Result<PcapngWriter> open(const std::string& path, LinkType link,
                                     std::string_view interface_name);

    PcapngWriter(PcapngWriter&& other) noexcept;
    PcapngWriter& operator=(PcapngWriter&& other) noexcept;
    PcapngWriter(const PcapngWriter&) = delete;
    PcapngWriter& operator=(const PcapngWriter&) = delete;
    ~PcapngWriter();  // flushes and closes; errors are lost: call close() to see them

    // Records one packet. `offload` may be null (no switch metadata, e.g. a kernel capture).
    // `original_length` 0 means "the whole frame was captured". Returns false if the packet
    // could not be written (the error is remembered and reported by flush()/close()).
    bool write(std::span<const std::uint8_t> frame, std::uint64_t timestamp_ns, Direction direction,
               const OffloadInfo* offload, KernelMark kmark, std::uint32_t original_length = 0);

    Status flush();
    Status close();

    std::uint64_t packets_written() const { return packets_written_; }
    std::uint64_t write_errors() const { return write_errors_; }
    const std::string& path() const { return path_; }

  private:
    PcapngWriter(int fd, std::string path);
    bool append(const void* data, std::size_t n);
    bool write_all(const void* data, std::size_t n);
    Status write_headers(LinkType link, std::string_view interface_name);

    int fd_ = -1;
    std::string path_;
    std::vector<std::uint8_t> buffer_;
    std::size_t used_ = 0;
    std::uint64_t packets_written_ = 0;
    std::uint64_t write_errors_ = 0;
    Status error_;
};

}  // namespace sy::capture
