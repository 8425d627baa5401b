#include "capture/capture_reader.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "base/bytes.hpp"
#include "capture/pcapng_format.hpp"

namespace sy::capture {
namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr int kMaxCookedVlans = 4;
constexpr std::uint16_t kPacketOutgoing = 4;  // linux/if_packet.h PACKET_OUTGOING

bool is_vlan_tpid(std::uint16_t t) {
    return t == 0x8100 || t == 0x88A8 || t == 0x9100;
}

Result<LinkType> link_from_dlt(int dlt, const std::string& name) {
    switch (dlt) {
        case DLT_EN10MB:
            return LinkType::ethernet;
        case DLT_RAW:
            return LinkType::raw;
        case DLT_IPV4:
            return LinkType::ipv4;
        case DLT_IPV6:
            return LinkType::ipv6;
        case DLT_LINUX_SLL:
            return LinkType::linux_sll;
        case DLT_LINUX_SLL2:
            return LinkType::linux_sll2;
        default:
            break;
    }
    const char* dlt_name = pcap_datalink_val_to_name(dlt);
    return Status(Errc::unsupported,
                  fmt::format("{}: unsupported link type {} ({}); supported: EN10MB, LINUX_SLL, "
                              "LINUX_SLL2, RAW, IPV4, IPV6",
                              name, dlt_name != nullptr ? dlt_name : "unknown", dlt));
}

}  // namespace

Result<CaptureReader> CaptureReader::open(const std::string& path) {
    // fopen() opens a directory, and reading it (or /proc/self/mem) fails: name that, not
    // "empty file".
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return Status(Errc::invalid_argument, fmt::format("{}: is a directory", path));
    std::FILE* a = std::fopen(path.c_str(), "rb");
    if (a == nullptr)
        return Status(Errc::io_error,
                      fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    std::FILE* b = std::fopen(path.c_str(), "rb");
    if (b == nullptr) {
        std::fclose(a);
        return Status(Errc::io_error,
                      fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    }
    return open_streams(a, b, path);
}

Result<CaptureReader> CaptureReader::open_memory(std::span<const std::uint8_t> image,
                                                 const std::string& name) {
    if (image.empty()) return Status(Errc::corrupt, fmt::format("{}: empty file", name));
    // fmemopen never writes through a read-only stream, so the cast is safe.
    void* data = const_cast<std::uint8_t*>(image.data());
    std::FILE* a = fmemopen(data, image.size(), "rb");
    std::FILE* b = fmemopen(data, image.size(), "rb");
    if (a == nullptr || b == nullptr) {
        if (a != nullptr) std::fclose(a);
        if (b != nullptr) std::fclose(b);
        return Status(Errc::io_error, fmt::format("{}: fmemopen failed", name));
    }
    return open_streams(a, b, name);
}

Result<CaptureReader> CaptureReader::open_streams(std::FILE* for_pcap, std::FILE* for_options,
                                                  const std::string& name) {
    CaptureReader reader;
    reader.path_ = name;
    reader.options_file_.reset(for_options);
    std::uint8_t magic[4] = {};
    errno = 0;
    const std::size_t got = std::fread(magic, 1, 4, for_options);
    const int read_errno = errno;
    const bool read_failed = std::ferror(for_options) != 0;
    std::rewind(for_options);
    if (got == 0) {
        std::fclose(for_pcap);
        if (read_failed)
            return Status(Errc::io_error,
                          fmt::format("{}: cannot read: {}", name,
                                      std::strerror(read_errno != 0 ? read_errno : EIO)));
        return Status(Errc::corrupt, fmt::format("{}: empty file", name));
    }
    std::uint32_t m;
    std::memcpy(&m, magic, 4);
    reader.pcapng_ = got == 4 && m == pcapng::kSectionHeaderBlock;

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p =
        pcap_fopen_offline_with_tstamp_precision(for_pcap, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) {
        std::fclose(for_pcap);
        return Status(Errc::corrupt,
                      fmt::format("{}: not a readable pcap or pcapng file: {}", name, errbuf));
    }
    reader.pcap_.reset(p);
    auto link = link_from_dlt(pcap_datalink(p), name);
    if (!link) return link.status();
    reader.link_ = *link;
    if (reader.pcapng_) reader.options_ = std::make_unique<PcapngBlockReader>(for_options);
    return reader;
}

void CaptureReader::decode_link(CapturedPacket& out) const {
    const auto bytes = out.bytes;
    out.parse_offset = 0;
    out.is_ip = true;
    switch (link_) {
        case LinkType::ethernet:
            out.parse_link = net::LinkType::ethernet;
            return;
        case LinkType::raw:
        case LinkType::ipv4:
        case LinkType::ipv6:
            out.parse_link = net::LinkType::raw_ip;
            return;
        case LinkType::linux_sll:
        case LinkType::linux_sll2:
            break;
    }
    // Cooked headers: SLL v1 is 16 bytes (pkttype at 0, protocol at 14); v2 is 20 bytes
    // (protocol at 0, pkttype at 10).
    const bool v2 = link_ == LinkType::linux_sll2;
    const std::size_t header = v2 ? 20 : 16;
    out.parse_link = net::LinkType::raw_ip;
    if (bytes.size() < header) {
        out.is_ip = false;
        return;
    }
    const std::uint16_t pkttype = v2 ? bytes[10] : load_be16(&bytes[0]);
    if (out.direction == Direction::unknown)
        out.direction = pkttype == kPacketOutgoing ? Direction::outbound : Direction::inbound;
    std::uint16_t protocol = load_be16(&bytes[v2 ? 0 : 14]);
    std::size_t offset = header;
    for (int tags = 0; is_vlan_tpid(protocol); ++tags) {
        if (tags == kMaxCookedVlans || bytes.size() - offset < 4) {
            out.is_ip = false;
            return;
        }
        protocol = load_be16(&bytes[offset + 2]);
        offset += 4;
    }
    out.is_ip = protocol == kEtherTypeIpv4 || protocol == kEtherTypeIpv6;
    out.parse_offset = static_cast<std::uint32_t>(offset);
}

ReadOutcome CaptureReader::next(CapturedPacket& out) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(pcap_.get(), &header, &data);
    if (rc == PCAP_ERROR_BREAK) return ReadOutcome::end;
    if (rc != 1) {
        const std::string reason = pcap_geterr(pcap_.get());
        // libpcap says "truncated dump file; ..." for a record cut short at the end.
        if (reason.find("truncated") != std::string::npos) {
            message_ = fmt::format("{}: record {} is truncated ({}); read {} complete records",
                                   path_, next_index_ + 1, reason, next_index_);
            return ReadOutcome::truncated;
        }
        message_ = fmt::format("{}: record {} is unreadable: {}", path_, next_index_ + 1, reason);
        return ReadOutcome::error;
    }
    out = CapturedPacket{};
    out.bytes = {data, header->caplen};
    out.original_length = header->len;
    out.timestamp_ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1'000'000'000ull +
                       static_cast<std::uint64_t>(header->ts.tv_usec);  // nanoseconds
    out.index = next_index_++;
    if (options_ != nullptr && !metadata_lost_) {
        PacketOptions options;
        if (options_->next_packet(options)) {
            out.direction = options.direction;
            out.has_meta = options.has_meta;
            out.meta = options.meta;
        } else {
            metadata_lost_ = true;
            metadata_error_ = options_->error().empty()
                                  ? "fewer packet blocks than libpcap reported"
                                  : options_->error();
        }
    }
    decode_link(out);
    return ReadOutcome::packet;
}

}  // namespace sy::capture
