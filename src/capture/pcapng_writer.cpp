#include "capture/pcapng_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "capture/offload_comment.hpp"
#include "capture/pcapng_format.hpp"

namespace sy::capture {
namespace {

// Blocks are written in host byte order; the SHB's byte-order magic tells readers which.
struct BlockBuilder {
    std::uint8_t* base;
    std::size_t used = 0;

    void u16(std::uint16_t v) { raw(&v, 2); }
    void u32(std::uint32_t v) { raw(&v, 4); }
    void raw(const void* p, std::size_t n) {
        std::memcpy(base + used, p, n);
        used += n;
    }
    void zeros(std::size_t n) {
        std::memset(base + used, 0, n);
        used += n;
    }
    void option(std::uint16_t code, const void* value, std::uint16_t length) {
        u16(code);
        u16(length);
        raw(value, length);
        zeros(pcapng::pad4(length) - length);
    }
};

}  // namespace

PcapngWriter::PcapngWriter(int fd, std::string path)
    : fd_(fd), path_(std::move(path)), buffer_(kBufferSize) {}

PcapngWriter::PcapngWriter(PcapngWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      used_(std::exchange(other.used_, 0)),
      packets_written_(other.packets_written_),
      write_errors_(other.write_errors_),
      error_(std::move(other.error_)) {}

PcapngWriter& PcapngWriter::operator=(PcapngWriter&& other) noexcept {
    if (this != &other) {
        (void)close();
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
        buffer_ = std::move(other.buffer_);
        used_ = std::exchange(other.used_, 0);
        packets_written_ = other.packets_written_;
        write_errors_ = other.write_errors_;
        error_ = std::move(other.error_);
    }
    return *this;
}

PcapngWriter::~PcapngWriter() {
    (void)close();
}

Result<PcapngWriter> PcapngWriter::open(const std::string& path, LinkType link,
                                        std::string_view interface_name) {
    // Captures hold traffic: owner-only, like the control socket and the state file. An
    // existing file being overwritten gets the same mode (it receives new traffic).
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Status(Errc::io_error,
                      fmt::format("cannot create capture file {}: {}", path, std::strerror(errno)));
    if (fchmod(fd, 0600) != 0) {
        const int err = errno;
        ::close(fd);
        return Status(Errc::io_error, fmt::format("cannot make capture file {} owner-only: {}",
                                                  path, std::strerror(err)));
    }
    PcapngWriter writer(fd, path);
    if (Status s = writer.write_headers(link, interface_name); !s) return s;
    return writer;
}

Status PcapngWriter::write_headers(LinkType link, std::string_view interface_name) {
    std::uint8_t block[512];
    constexpr std::string_view kApp = "switchyard";
    // Section header block.
    BlockBuilder b{block};
    b.u32(pcapng::kSectionHeaderBlock);
    b.u32(0);  // total length, patched below
    b.u32(pcapng::kByteOrderMagic);
    b.u16(1);
    b.u16(0);
    const std::int64_t unknown_section_length = -1;
    b.raw(&unknown_section_length, 8);
    b.option(pcapng::kShbUserAppl, kApp.data(), static_cast<std::uint16_t>(kApp.size()));
    b.u32(0);  // opt_endofopt
    b.u32(static_cast<std::uint32_t>(b.used + 4));
    std::uint32_t total = static_cast<std::uint32_t>(b.used);
    std::memcpy(block + 4, &total, 4);
    append(block, b.used);

    // Interface description block: link type, unlimited snaplen, name, nanosecond stamps.
    const std::string_view name = interface_name.substr(0, 256);
    BlockBuilder i{block};
    i.u32(pcapng::kInterfaceDescriptionBlock);
    i.u32(0);
    i.u16(static_cast<std::uint16_t>(link));
    i.u16(0);
    i.u32(0);  // snaplen 0: no limit
    if (!name.empty())
        i.option(pcapng::kIfName, name.data(), static_cast<std::uint16_t>(name.size()));
    const std::uint8_t nanoseconds = 9;
    i.option(pcapng::kIfTsResol, &nanoseconds, 1);
    i.u32(0);
    i.u32(static_cast<std::uint32_t>(i.used + 4));
    total = static_cast<std::uint32_t>(i.used);
    std::memcpy(block + 4, &total, 4);
    append(block, i.used);
    return flush();
}

bool PcapngWriter::write(std::span<const std::uint8_t> frame, std::uint64_t timestamp_ns,
                         Direction direction, const OffloadInfo* offload, KernelMark kmark,
                         std::uint32_t original_length) {
    if (fd_ < 0) {
        ++write_errors_;
        return false;
    }
    // Everything but the packet bytes is assembled on the stack: header, then options+trailer.
    std::uint8_t head[28];
    std::uint8_t tail[4 + 4 + kMaxOffloadCommentLength + 4 + 8 + 4 + 4];
    char comment[kMaxOffloadCommentLength];
    const std::size_t comment_length =
        format_offload_comment(comment, sizeof comment, offload, kmark);

    const auto caplen = static_cast<std::uint32_t>(frame.size());
    const std::uint32_t padded = pcapng::pad4(caplen);
    BlockBuilder t{tail};
    t.zeros(padded - caplen);
    if (comment_length > 0)
        t.option(pcapng::kOptComment, comment, static_cast<std::uint16_t>(comment_length));
    if (direction != Direction::unknown) {
        const std::uint32_t flags = static_cast<std::uint32_t>(direction);  // bits 0-1
        t.option(pcapng::kEpbFlags, &flags, 4);
    }
    if (t.used > padded - caplen) t.u32(0);  // opt_endofopt, only when there are options
    const auto block_length = static_cast<std::uint32_t>(sizeof head + caplen + t.used + 4);
    t.u32(block_length);

    BlockBuilder h{head};
    h.u32(pcapng::kEnhancedPacketBlock);
    h.u32(block_length);
    h.u32(0);  // interface id
    h.u32(static_cast<std::uint32_t>(timestamp_ns >> 32));
    h.u32(static_cast<std::uint32_t>(timestamp_ns));
    h.u32(caplen);
    h.u32(original_length != 0 ? original_length : caplen);

    if (block_length > buffer_.size() - used_) {
        if (!flush()) {
            ++write_errors_;
            return false;
        }
    }
    bool ok;
    if (block_length <= buffer_.size()) {
        ok = append(head, sizeof head) && append(frame.data(), caplen) && append(tail, t.used);
    } else {  // larger than the whole buffer: straight to the file
        ok = write_all(head, sizeof head) && write_all(frame.data(), caplen) &&
             write_all(tail, t.used);
    }
    if (!ok) {
        ++write_errors_;
        return false;
    }
    ++packets_written_;
    return true;
}

bool PcapngWriter::append(const void* data, std::size_t n) {
    if (n > buffer_.size() - used_) return false;
    std::memcpy(buffer_.data() + used_, data, n);
    used_ += n;
    return true;
}

bool PcapngWriter::write_all(const void* data, std::size_t n) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (error_.is_ok())
                error_ = Status(Errc::io_error, fmt::format("cannot write capture file {}: {}",
                                                            path_, std::strerror(errno)));
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

Status PcapngWriter::flush() {
    if (fd_ >= 0 && used_ > 0) {
        const bool ok = write_all(buffer_.data(), used_);
        used_ = 0;
        (void)ok;  // write_all recorded the reason
    }
    return error_;
}

Status PcapngWriter::close() {
    if (fd_ < 0) return error_;
    (void)flush();
    if (::close(fd_) != 0 && error_.is_ok())
        error_ = Status(Errc::io_error, fmt::format("cannot close capture file {}: {}", path_,
                                                    std::strerror(errno)));
    fd_ = -1;
    return error_;
}

}  // namespace sy::capture
