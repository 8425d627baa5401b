// Writes a large classic pcap (nanosecond) of a TCP bulk transfer for the csum-trace
// benchmark: 1514-byte data segments with timestamps options, a pure ACK back for every
// second segment, and one data segment in ten left with a TX-offload partial checksum.
// Usage: gen_bench_capture FILE MEGABYTES
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace {

std::vector<std::uint8_t> make_frame(bool reverse, std::size_t payload) {
    std::vector<std::uint8_t> f(14 + 20 + 32 + payload, 0);
    std::uint8_t* p = f.data();
    std::memcpy(
        p, reverse ? "\x02\0\0\0\0\x01\x02\0\0\0\0\x02" : "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
    sy::store_be16(p + 12, 0x0800);
    std::uint8_t* ip = p + 14;
    ip[0] = 0x45;
    sy::store_be16(ip + 2, static_cast<std::uint16_t>(20 + 32 + payload));
    sy::store_be16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 6;
    const std::uint8_t a[4] = {10, 200, 1, 1}, b[4] = {10, 200, 2, 2};
    std::memcpy(ip + 12, reverse ? b : a, 4);
    std::memcpy(ip + 16, reverse ? a : b, 4);
    std::uint8_t* tcp = ip + 20;
    sy::store_be16(tcp, reverse ? 80 : 40000);
    sy::store_be16(tcp + 2, reverse ? 40000 : 80);
    tcp[12] = 8 << 4;  // 32-byte header: NOP NOP timestamps
    tcp[13] = payload ? 0x18 : 0x10;
    sy::store_be16(tcp + 14, 502);
    tcp[20] = 1;
    tcp[21] = 1;
    tcp[22] = 8;
    tcp[23] = 10;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s FILE MEGABYTES\n", argv[0]);
        return 2;
    }
    const std::uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
    std::FILE* out = std::fopen(argv[1], "wb");
    if (out == nullptr) {
        std::perror(argv[1]);
        return 2;
    }
    static char buf[1 << 20];
    std::setvbuf(out, buf, _IOFBF, sizeof buf);
    const std::uint32_t header[6] = {0xA1B23C4D, 0x00040002, 0, 0, 262144, 1};
    std::fwrite(header, 1, sizeof header, out);
    auto data = make_frame(false, 1448);
    auto ack = make_frame(true, 0);
    std::uint64_t written = sizeof header, packets = 0, t = 1'700'000'000'000'000'000ull;
    std::uint32_t seq = 1, id = 1;
    while (written < target) {
        const bool is_ack = packets % 3 == 2;
        auto& f = is_ack ? ack : data;
        std::uint8_t* ip = f.data() + 14;
        std::uint8_t* tcp = ip + 20;
        sy::store_be16(ip + 4, static_cast<std::uint16_t>(id++));
        sy::store_be16(ip + 10, 0);
        sy::store_be16(ip + 10, sy::net::ipv4_header_checksum(ip, 20));
        sy::store_be32(tcp + 4, is_ack ? 7 : seq);
        sy::store_be32(tcp + 8, is_ack ? seq : 7);
        sy::store_be32(tcp + 24, static_cast<std::uint32_t>(packets));  // TSval
        if (!is_ack) {
            seq += 1448;
            std::memcpy(tcp + 32, &packets, 8);  // every payload differs
            std::memcpy(tcp + 32 + 700, &seq, 4);
        }
        const auto parsed = sy::net::parse(f);
        if (!is_ack && packets % 10 == 0)
            sy::net::write_l4_partial_seed(f, parsed.outer);
        else
            sy::net::write_l4_checksum(f, parsed.outer);
        t += 1200;
        const std::uint32_t rec[4] = {static_cast<std::uint32_t>(t / 1'000'000'000ull),
                                      static_cast<std::uint32_t>(t % 1'000'000'000ull),
                                      static_cast<std::uint32_t>(f.size()),
                                      static_cast<std::uint32_t>(f.size())};
        std::fwrite(rec, 1, sizeof rec, out);
        std::fwrite(f.data(), 1, f.size(), out);
        written += sizeof rec + f.size();
        ++packets;
    }
    if (std::fclose(out) != 0) {
        std::perror(argv[1]);
        return 2;
    }
    std::printf("%s: %llu packets, %llu bytes\n", argv[1], static_cast<unsigned long long>(packets),
                static_cast<unsigned long long>(written));
    return 0;
}
