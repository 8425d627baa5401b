#include "port/tunnel/tcp_coalesce.hpp"

#include <cstring>
#include <span>

#include "base/bytes.hpp"
#include "net/checksum.hpp"

namespace sy::port {

namespace {

constexpr std::uint8_t kTcpPsh = 0x08, kTcpAck = 0x10;
constexpr std::uint16_t kIpDf = 0x4000;

std::uint16_t swap16(std::uint16_t v) {
    return static_cast<std::uint16_t>((v << 8) | (v >> 8));
}

}  // namespace

TcpSegment describe_tcp4_segment(const std::uint8_t* f, std::uint32_t len) {
    TcpSegment s;
    if (len < kCoalesceL4 + 20 || load_be16(f + 12) != 0x0800) return s;
    const std::uint8_t* ip = f + kCoalesceL3;
    if (ip[0] != 0x45 || ip[9] != 6) return s;        // options or not TCP: not merged
    if ((load_be16(ip + 6) & 0x3fff) != 0) return s;  // a fragment (MF or offset)
    const std::uint32_t total = load_be16(ip + 2);
    if (kCoalesceL3 + total != len) return s;  // padding or a lying length
    const std::uint8_t* th = f + kCoalesceL4;
    const std::uint32_t th_len = (th[12] >> 4) * 4u;
    if (th_len < 20 || 20 + th_len >= total) return s;  // no payload: nothing to merge
    const std::uint32_t payload = total - 20 - th_len;
    // Both checksums, checked over the bytes as received (a stored right value sums to 0xFFFF).
    if (net::fold(net::raw_sum({ip, 20})) != 0xFFFF) {
        s.csum_bad = true;
        return s;
    }
    const std::uint16_t psum = net::fold(net::raw_sum({th + th_len, payload}));
    const std::uint64_t tcp = std::uint64_t{net::ipv4_pseudo_sum(ip, 6, th_len + payload)} +
                              net::raw_sum({th, th_len}) + psum;
    if (net::fold(tcp) != 0xFFFF) {
        s.csum_bad = true;
        return s;
    }
    s.eligible = true;
    s.flags = th[13];
    s.th_len = static_cast<std::uint16_t>(th_len);
    s.payload_len = static_cast<std::uint16_t>(payload);
    s.ip_id = load_be16(ip + 4);
    s.payload_sum = psum;
    s.seq = load_be32(th + 4);
    return s;
}

void TcpCoalescer::start(Packet* p, const TcpSegment& seg) {
    packet_ = p;
    first_ = seg;
    count_ = 1;
    next_seq_ = seg.seq + seg.payload_len;
    payload_total_ = seg.payload_len;
    payload_sum_ = seg.payload_sum;
    last_flags_ = seg.flags;
    // Only a plain ACK segment can be followed; anything else (PSH, FIN, SYN, RST, URG, ECN
    // flags) is a run of its own.
    closed_ = seg.flags != kTcpAck;
}

bool TcpCoalescer::try_append(const std::uint8_t* f, const TcpSegment& seg) {
    if (!packet_ || closed_ || !seg.eligible) return false;
    if (seg.seq != next_seq_ || seg.payload_len > first_.payload_len) return false;
    if (seg.flags != kTcpAck && seg.flags != (kTcpAck | kTcpPsh)) return false;
    if (seg.th_len != first_.th_len) return false;
    std::uint8_t* run = packet_->data();
    const std::uint8_t* rip = run + kCoalesceL3;
    const std::uint8_t* ip = f + kCoalesceL3;
    // Same L2 header; same TOS, DF, TTL, protocol, addresses.
    if (std::memcmp(run, f, 14) != 0 || rip[1] != ip[1] || rip[6] != ip[6] || rip[8] != ip[8] ||
        std::memcmp(rip + 12, ip + 12, 8) != 0) {
        return false;
    }
    const bool df = (load_be16(ip + 6) & kIpDf) != 0;
    const std::uint16_t want_id = static_cast<std::uint16_t>(first_.ip_id + count_);
    if (seg.ip_id != want_id && !(df && seg.ip_id == first_.ip_id)) return false;
    // Same ports, ACK number, header length, window, urgent pointer and option bytes (the
    // checksum at 16..18 and the sequence number and flags differ by construction).
    const std::uint8_t* rth = rip + 20;
    const std::uint8_t* th = ip + 20;
    if (std::memcmp(rth, th, 4) != 0 || std::memcmp(rth + 8, th + 8, 5) != 0 ||
        std::memcmp(rth + 14, th + 14, 2) != 0 || std::memcmp(rth + 18, th + 18, 2) != 0 ||
        std::memcmp(rth + 20, th + 20, seg.th_len - 20u) != 0) {
        return false;
    }
    // The merged IP datagram stays within 64 KiB and the buffer.
    const std::uint32_t l4_len = first_.th_len + payload_total_ + seg.payload_len;
    if (20 + l4_len > 65535 || kCoalesceL4 + l4_len > packet_->buffer_size - packet_->offset)
        return false;

    std::memmove(run + packet_->length, th + seg.th_len, seg.payload_len);
    packet_->length += seg.payload_len;
    // A payload starting at an odd offset of the run contributes its sum byte-swapped.
    payload_sum_ += (payload_total_ & 1) ? swap16(seg.payload_sum) : seg.payload_sum;
    payload_total_ += seg.payload_len;
    next_seq_ += seg.payload_len;
    last_flags_ = seg.flags;
    ++count_;
    if (seg.flags != kTcpAck || seg.payload_len < first_.payload_len) closed_ = true;
    return true;
}

Packet* TcpCoalescer::finish() {
    Packet* p = packet_;
    packet_ = nullptr;
    if (!p || count_ < 2) return p;
    std::uint8_t* ip = p->data() + kCoalesceL3;
    std::uint8_t* th = ip + 20;
    const std::uint32_t l4_len = first_.th_len + payload_total_;
    store_be16(ip + 2, static_cast<std::uint16_t>(20 + l4_len));
    store_be16(ip + 10, 0);
    store_be16(ip + 10, net::ipv4_header_checksum(ip, 20));
    th[13] = static_cast<std::uint8_t>(first_.flags | (last_flags_ & kTcpPsh));
    store_be16(th + 16, 0);
    const std::uint64_t sum = std::uint64_t{net::ipv4_pseudo_sum(ip, 6, l4_len)} +
                              net::raw_sum({th, first_.th_len}) + payload_sum_;
    store_be16(th + 16, net::finish(sum));
    p->offload = {};
    p->offload.csum = CsumState::verified;
    p->offload.gso.type = GsoType::tcpv4;
    p->offload.gso.size = first_.payload_len;
    p->offload.gso.hdr_len = static_cast<std::uint16_t>(kCoalesceL4 + first_.th_len);
    p->meta.parsed = false;
    ++stats_.super_frames;
    stats_.merged_segments += count_;
    return p;
}

}  // namespace sy::port
