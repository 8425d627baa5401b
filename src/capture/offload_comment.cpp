#include "capture/offload_comment.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

namespace sy::capture {
namespace {

const char* csum_name(CsumState s) {
    switch (s) {
        case CsumState::none:
            return "none";
        case CsumState::partial:
            return "partial";
        case CsumState::verified:
            return "verified";
    }
    return "none";
}

const char* gso_name(GsoType t) {
    switch (t) {
        case GsoType::none:
            return "none";
        case GsoType::tcpv4:
            return "tcpv4";
        case GsoType::tcpv6:
            return "tcpv6";
        case GsoType::udp:
            return "udp";
        case GsoType::udp_l4:
            return "udp_l4";
    }
    return "none";
}

bool parse_u16(std::string_view v, std::uint16_t& out) {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc{} && end == v.data() + v.size();
}

}  // namespace

std::size_t format_offload_comment(char* out, std::size_t capacity, const OffloadInfo* offload,
                                   KernelMark kmark) {
    if (offload == nullptr && kmark == KernelMark::unknown) return 0;
    // fmt::format_to_n writes into the caller's buffer: nothing is allocated.
    char* p = out;
    char* const end = out + capacity;
    auto append = [&](fmt::string_view format, auto&&... args) {
        if (p >= end) return;
        auto r = fmt::vformat_to_n(p, static_cast<std::size_t>(end - p), format,
                                   fmt::make_format_args(args...));
        p = r.out;
    };
    append("sy:");
    if (offload != nullptr) {
        append(" csum={}", csum_name(offload->csum));
        if (offload->is_partial())
            append(" start={} off={}", offload->csum_start, offload->csum_offset);
        if (offload->gso.active()) {
            append(" gso={} size={} hdr={}", gso_name(offload->gso.type), offload->gso.size,
                   offload->gso.hdr_len);
            if (offload->gso.ecn) append(" ecn=1");
        }
    }
    if (kmark != KernelMark::unknown) append(" kmark={}", to_string(kmark));
    return p <= end ? static_cast<std::size_t>(p - out) : capacity;
}

std::optional<RecordedMeta> parse_offload_comment(std::string_view comment) {
    constexpr std::string_view kPrefix = "sy:";
    if (comment.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    comment.remove_prefix(kPrefix.size());
    RecordedMeta meta;
    while (!comment.empty()) {
        const auto space = comment.find(' ');
        const std::string_view token = comment.substr(0, space);
        comment.remove_prefix(space == std::string_view::npos ? comment.size() : space + 1);
        if (token.empty()) continue;
        const auto eq = token.find('=');
        if (eq == std::string_view::npos) continue;  // not key=value: ignore, like unknown keys
        const std::string_view key = token.substr(0, eq);
        const std::string_view value = token.substr(eq + 1);
        if (key == "csum") {
            meta.has_offload = true;
            if (value == "none")
                meta.offload.csum = CsumState::none;
            else if (value == "partial")
                meta.offload.csum = CsumState::partial;
            else if (value == "verified")
                meta.offload.csum = CsumState::verified;
            else
                return std::nullopt;
        } else if (key == "start") {
            if (!parse_u16(value, meta.offload.csum_start)) return std::nullopt;
        } else if (key == "off") {
            if (!parse_u16(value, meta.offload.csum_offset)) return std::nullopt;
        } else if (key == "gso") {
            meta.has_offload = true;
            GsoType& t = meta.offload.gso.type;
            if (value == "none")
                t = GsoType::none;
            else if (value == "tcpv4")
                t = GsoType::tcpv4;
            else if (value == "tcpv6")
                t = GsoType::tcpv6;
            else if (value == "udp")
                t = GsoType::udp;
            else if (value == "udp_l4")
                t = GsoType::udp_l4;
            else
                return std::nullopt;
        } else if (key == "size") {
            if (!parse_u16(value, meta.offload.gso.size)) return std::nullopt;
        } else if (key == "hdr") {
            if (!parse_u16(value, meta.offload.gso.hdr_len)) return std::nullopt;
        } else if (key == "ecn") {
            meta.offload.gso.ecn = value == "1";
        } else if (key == "kmark") {
            if (value == "none")
                meta.kmark = KernelMark::none;
            else if (value == "csum_notready")
                meta.kmark = KernelMark::csum_notready;
            else if (value == "csum_valid")
                meta.kmark = KernelMark::csum_valid;
            else
                return std::nullopt;
        }
    }
    return meta;
}

}  // namespace sy::capture
