#include "offload/csum_complete.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "offload/crc32c.hpp"
#include "packet/offload_check.hpp"

namespace sy::offload {

const char* to_string(CompleteStatus s) {
    switch (s) {
        case CompleteStatus::ok:
            return "ok";
        case CompleteStatus::not_partial:
            return "not partial";
        case CompleteStatus::field_beyond_range:
            return "checksum field beyond frame";
    }
    return "?";
}

CompleteStatus complete_csum_range(std::span<std::uint8_t> frame, std::uint32_t start,
                                   std::uint32_t end, std::uint32_t field_offset, CsumAlgo algo) {
    const std::uint32_t field_size = algo == CsumAlgo::crc32c ? 4 : 2;
    if (end > frame.size() || start >= end || field_offset + field_size > end - start) {
        return CompleteStatus::field_beyond_range;
    }
    std::uint8_t* field = frame.data() + start + field_offset;
    const std::span<const std::uint8_t> range{frame.data() + start, end - start};
    if (algo == CsumAlgo::crc32c) {
        // SCTP senders zero the field before asking for the CRC; do it ourselves so a stale
        // value cannot leak into the result.
        std::uint32_t zero = 0;
        std::memcpy(field, &zero, 4);
        const std::uint32_t crc = crc32c(range);
        const std::uint8_t le[4] = {
            static_cast<std::uint8_t>(crc), static_cast<std::uint8_t>(crc >> 8),
            static_cast<std::uint8_t>(crc >> 16), static_cast<std::uint8_t>(crc >> 24)};
        std::memcpy(field, le, 4);
        return CompleteStatus::ok;
    }
    std::uint16_t csum = net::checksum(range);
    if (csum == 0 && algo != CsumAlgo::internet) csum = 0xFFFF;
    store_be16(field, csum);
    return CompleteStatus::ok;
}

namespace {

CsumAlgo algo_for(std::uint8_t ip_proto) {
    switch (ip_proto) {
        case net::kIpProtoUdp:
            return CsumAlgo::internet_udp;
        case net::kIpProtoSctp:
            return CsumAlgo::crc32c;
        case net::kIpProtoTcp:
        case net::kIpProtoIcmp:
        case net::kIpProtoIcmpv6:
            return CsumAlgo::internet;
        default:
            return CsumAlgo::internet_any;
    }
}

}  // namespace

CompleteStatus complete_partial(Packet& p, const net::ParsedHeaders& parsed) {
    if (!p.offload.is_partial()) return CompleteStatus::not_partial;
    const net::HeaderLayers* layers = partial_csum_layers(p.offload, parsed);
    CsumAlgo algo = CsumAlgo::internet_any;
    std::uint32_t end = p.length;
    if (layers != nullptr) {
        algo = algo_for(layers->ip_proto);
        if (layers->l3_end != net::kAbsent && layers->l3_end <= p.length) end = layers->l3_end;
    }
    const CompleteStatus status =
        complete_csum_range(p.bytes(), p.offload.csum_start, end, p.offload.csum_offset, algo);
    if (status != CompleteStatus::ok) return status;
    p.offload.csum = CsumState::none;
    p.offload.csum_start = 0;
    p.offload.csum_offset = 0;
    return CompleteStatus::ok;
}

}  // namespace sy::offload
