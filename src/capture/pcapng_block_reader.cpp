#include "capture/pcapng_block_reader.hpp"

#include <fmt/format.h>

#include <cstring>
#include <string_view>

#include "capture/pcapng_format.hpp"

namespace sy::capture {
namespace {

std::uint32_t u32_at(const std::uint8_t* p, bool swapped) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

std::uint16_t u16_at(const std::uint8_t* p, bool swapped) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return swapped ? __builtin_bswap16(v) : v;
}

// Walks the options in [p, p+size): comment and flags (code 2 in both EPB and PB).
void parse_options(const std::uint8_t* p, std::size_t size, bool swapped, PacketOptions& out) {
    std::size_t off = 0;
    while (size - off >= 4) {
        const std::uint16_t code = u16_at(p + off, swapped);
        const std::uint16_t length = u16_at(p + off + 2, swapped);
        off += 4;
        if (code == pcapng::kOptEndOfOpt) return;
        if (length > size - off) return;  // option runs past the block: ignore the rest
        const std::uint8_t* value = p + off;
        if (code == pcapng::kOptComment) {
            const std::string_view text(reinterpret_cast<const char*>(value), length);
            if (auto meta = parse_offload_comment(text)) {
                out.has_meta = true;
                out.meta = *meta;
            }
        } else if (code == pcapng::kEpbFlags && length == 4) {
            out.direction = static_cast<Direction>(u32_at(value, swapped) & 3u);
            if (out.direction != Direction::inbound && out.direction != Direction::outbound)
                out.direction = Direction::unknown;
        }
        off += pcapng::pad4(length);
        if (off > size) return;
    }
}

}  // namespace

bool PcapngBlockReader::parse_packet_block(std::uint32_t type, const std::uint8_t* body,
                                           std::size_t size, bool swapped, PacketOptions& out) {
    out = PacketOptions{};
    std::size_t header;  // bytes before the packet data
    std::size_t caplen_at;
    if (type == pcapng::kEnhancedPacketBlock) {
        header = 20;  // interface id, timestamp (2), captured length, original length
        caplen_at = 12;
    } else if (type == pcapng::kPacketBlockObsolete) {
        header = 20;  // interface id (16) + drops (16), timestamp (2), caplen, len
        caplen_at = 12;
    } else {
        return type == pcapng::kSimplePacketBlock;  // no options
    }
    if (size < header) return false;
    const std::uint32_t caplen = u32_at(body + caplen_at, swapped);
    if (caplen > size - header) return false;
    const std::size_t data_end = header + pcapng::pad4(caplen);
    if (data_end >= size) return true;  // no room for options
    parse_options(body + data_end, size - data_end, swapped, out);
    return true;
}

bool PcapngBlockReader::read_block(std::uint32_t& type) {
    std::uint8_t head[8];
    const std::size_t got = std::fread(head, 1, sizeof head, file_);
    if (got == 0 && std::feof(file_)) return false;
    if (got != sizeof head) {
        error_ = fmt::format("truncated block header at byte {}", offset_);
        return false;
    }
    std::uint32_t raw_type;
    std::memcpy(&raw_type, head, 4);
    if (raw_type == pcapng::kSectionHeaderBlock) {
        // The byte order of a section is only known from the SHB's magic, after the length.
        std::uint8_t magic[4];
        if (std::fread(magic, 1, 4, file_) != 4) {
            error_ = fmt::format("truncated section header at byte {}", offset_);
            return false;
        }
        std::uint32_t m;
        std::memcpy(&m, magic, 4);
        if (m == pcapng::kByteOrderMagic)
            swapped_ = false;
        else if (m == __builtin_bswap32(pcapng::kByteOrderMagic))
            swapped_ = true;
        else {
            error_ = fmt::format("bad byte-order magic in section header at byte {}", offset_);
            return false;
        }
        seen_section_ = true;
        const std::uint32_t length = u32_at(head + 4, swapped_);
        if (length < 16 || length % 4 != 0 || length > kMaxBlockLength) {
            error_ = fmt::format("bad section header length {} at byte {}", length, offset_);
            return false;
        }
        body_.resize(length - 12);
        if (std::fread(body_.data(), 1, body_.size(), file_) != body_.size()) {
            error_ = fmt::format("truncated section header at byte {}", offset_);
            return false;
        }
        offset_ += length;
        type = pcapng::kSectionHeaderBlock;
        return true;
    }
    if (!seen_section_) {
        error_ = "not a pcapng file (no section header block first)";
        return false;
    }
    type = u32_at(head, swapped_);
    const std::uint32_t length = u32_at(head + 4, swapped_);
    if (length < 12 || length % 4 != 0 || length > kMaxBlockLength) {
        error_ = fmt::format("bad block length {} at byte {}", length, offset_);
        return false;
    }
    body_.resize(length - 12);  // body without the type, length and trailing length
    std::uint8_t trailer[4];
    if (std::fread(body_.data(), 1, body_.size(), file_) != body_.size() ||
        std::fread(trailer, 1, 4, file_) != 4) {
        error_ = fmt::format("truncated block at byte {}", offset_);
        return false;
    }
    offset_ += length;
    return true;
}

bool PcapngBlockReader::next_packet(PacketOptions& out) {
    for (;;) {
        std::uint32_t type;
        if (!read_block(type)) return false;
        if (type == pcapng::kEnhancedPacketBlock || type == pcapng::kSimplePacketBlock ||
            type == pcapng::kPacketBlockObsolete) {
            if (!parse_packet_block(type, body_.data(), body_.size(), swapped_, out)) {
                error_ = fmt::format("malformed packet block ending at byte {}", offset_);
                return false;
            }
            return true;
        }
    }
}

}  // namespace sy::capture
