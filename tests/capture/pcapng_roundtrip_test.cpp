#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "capture/capture_reader.hpp"
#include "capture/pcapng_writer.hpp"

namespace sy::capture {
namespace {

std::string temp_path(const char* name) {
    return (std::filesystem::temp_directory_path() /
            (std::string("sy-capture-") + std::to_string(::getpid()) + "-" + name))
        .string();
}

std::vector<std::uint8_t> frame(std::size_t n, std::uint8_t seed) {
    std::vector<std::uint8_t> f(n);
    for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<std::uint8_t>(seed + i);
    return f;
}

TEST(PcapngRoundTrip, BytesTimesDirectionsAndMetadataSurvive) {
    const std::string path = temp_path("rt.pcapng");
    OffloadInfo partial;
    partial.csum = CsumState::partial;
    partial.csum_start = 34;
    partial.csum_offset = 16;
    {
        auto w = PcapngWriter::open(path, LinkType::ethernet, "veth-test");
        ASSERT_TRUE(w) << w.status().message();
        EXPECT_TRUE(w->write(frame(61, 1), 1'700'000'000'123'456'789ull, Direction::outbound,
                             &partial, KernelMark::csum_notready));
        EXPECT_TRUE(w->write(frame(60, 2), 1'700'000'001'000'000'001ull, Direction::inbound,
                             nullptr, KernelMark::unknown));
        // Bigger than the write buffer: goes straight to the file (libpcap reads up to 256 KiB).
        EXPECT_TRUE(w->write(frame(PcapngWriter::kBufferSize + 3, 3), 5, Direction::unknown,
                             nullptr, KernelMark::none));
        ASSERT_TRUE(w->close());
        EXPECT_EQ(w->packets_written(), 3u);
    }
    auto r = CaptureReader::open(path);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_TRUE(r->is_pcapng());
    CapturedPacket p;
    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(std::vector<std::uint8_t>(p.bytes.begin(), p.bytes.end()), frame(61, 1));
    EXPECT_EQ(p.timestamp_ns, 1'700'000'000'123'456'789ull);
    EXPECT_EQ(p.direction, Direction::outbound);
    ASSERT_TRUE(p.has_meta);
    EXPECT_EQ(p.meta.kmark, KernelMark::csum_notready);
    EXPECT_EQ(p.meta.offload.csum, CsumState::partial);
    EXPECT_EQ(p.meta.offload.csum_start, 34);

    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(p.direction, Direction::inbound);
    EXPECT_FALSE(p.has_meta);
    EXPECT_EQ(p.timestamp_ns, 1'700'000'001'000'000'001ull);

    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(p.bytes.size(), PcapngWriter::kBufferSize + 3);
    EXPECT_EQ(p.direction, Direction::unknown);
    EXPECT_EQ(p.meta.kmark, KernelMark::none);
    EXPECT_EQ(r->next(p), ReadOutcome::end);
    EXPECT_FALSE(r->metadata_lost());
    std::filesystem::remove(path);
}

mode_t file_mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

TEST(PcapngWriterMode, CaptureFilesAreOwnerOnlyEvenWhenOverwritten) {
    const std::string path = temp_path("mode.pcapng");
    std::remove(path.c_str());
    const mode_t old_mask = ::umask(0);  // a permissive umask must not widen the file
    {
        auto w = PcapngWriter::open(path, LinkType::ethernet, "p0");
        ASSERT_TRUE(w) << w.status().message();
    }
    EXPECT_EQ(file_mode(path), 0600u);
    ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    {
        auto w = PcapngWriter::open(path, LinkType::ethernet, "p0");
        ASSERT_TRUE(w) << w.status().message();
    }
    EXPECT_EQ(file_mode(path), 0600u);
    ::umask(old_mask);
    std::remove(path.c_str());
}

TEST(PcapngRoundTrip, TruncatedFinalRecordIsReportedNotFatal) {
    const std::string path = temp_path("trunc.pcapng");
    {
        auto w = PcapngWriter::open(path, LinkType::ethernet, "x");
        ASSERT_TRUE(w);
        w->write(frame(100, 1), 1, Direction::inbound, nullptr, KernelMark::none);
        w->write(frame(100, 2), 2, Direction::inbound, nullptr, KernelMark::none);
    }
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 30);
    auto r = CaptureReader::open(path);
    ASSERT_TRUE(r);
    CapturedPacket p;
    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(r->next(p), ReadOutcome::truncated);
    EXPECT_NE(r->message().find(path), std::string::npos) << r->message();
    EXPECT_NE(r->message().find("record 2"), std::string::npos) << r->message();
    std::filesystem::remove(path);
}

TEST(CaptureReaderErrors, NameTheFileAndTheReason) {
    auto missing = CaptureReader::open("/nonexistent/x.pcap");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.status().message().find("/nonexistent/x.pcap"), std::string::npos);
    EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);

    const std::string garbage = temp_path("garbage.pcap");
    std::ofstream(garbage) << "this is not a capture file at all";
    auto g = CaptureReader::open(garbage);
    ASSERT_FALSE(g);
    EXPECT_NE(g.status().message().find(garbage), std::string::npos);
    std::filesystem::remove(garbage);

    const std::string empty = temp_path("empty.pcap");
    std::ofstream{empty};
    auto e = CaptureReader::open(empty);
    ASSERT_FALSE(e);
    EXPECT_NE(e.status().message().find("empty"), std::string::npos);
    std::filesystem::remove(empty);
}

// A classic pcap file with the given link type and one record.
std::vector<std::uint8_t> classic_pcap(std::uint32_t linktype,
                                       const std::vector<std::uint8_t>& rec) {
    std::vector<std::uint8_t> out;
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    auto u16 = [&](std::uint16_t v) {
        out.push_back(static_cast<std::uint8_t>(v));
        out.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    u32(0xa1b2c3d4);
    u16(2);
    u16(4);
    u32(0);
    u32(0);
    u32(65535);
    u32(linktype);
    u32(7);
    u32(0);
    u32(static_cast<std::uint32_t>(rec.size()));
    u32(static_cast<std::uint32_t>(rec.size()));
    out.insert(out.end(), rec.begin(), rec.end());
    return out;
}

TEST(CaptureReaderErrors, UnsupportedLinkTypeIsNamed) {
    const auto image = classic_pcap(105 /* IEEE802_11 */, frame(20, 0));
    auto r = CaptureReader::open_memory(image, "wifi.pcap");
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("wifi.pcap: unsupported link type IEEE802_11"),
              std::string::npos)
        << r.status().message();
}

TEST(CaptureReaderLink, CookedV1WithVlanGivesDirectionAndIpOffset) {
    std::vector<std::uint8_t> rec(16 + 4 + 20, 0);
    rec[1] = 4;      // PACKET_OUTGOING
    rec[14] = 0x81;  // protocol 802.1Q
    rec[15] = 0x00;
    rec[18] = 0x08;  // inner ethertype IPv4
    rec[19] = 0x00;
    rec[20] = 0x45;
    const auto image = classic_pcap(113, rec);
    auto r = CaptureReader::open_memory(image, "sll.pcap");
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->link_type(), LinkType::linux_sll);
    CapturedPacket p;
    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(p.direction, Direction::outbound);
    EXPECT_TRUE(p.is_ip);
    EXPECT_EQ(p.parse_offset, 20u);
    EXPECT_EQ(p.parse_link, net::LinkType::raw_ip);
    EXPECT_EQ(p.timestamp_ns, 7'000'000'000ull);
}

TEST(CaptureReaderLink, CookedV2InboundNonIp) {
    std::vector<std::uint8_t> rec(20 + 28, 0);
    rec[0] = 0x08;
    rec[1] = 0x06;  // ARP
    rec[10] = 0;    // PACKET_HOST
    const auto image = classic_pcap(276, rec);
    auto r = CaptureReader::open_memory(image, "sll2.pcap");
    ASSERT_TRUE(r) << r.status().message();
    CapturedPacket p;
    ASSERT_EQ(r->next(p), ReadOutcome::packet);
    EXPECT_EQ(p.direction, Direction::inbound);
    EXPECT_FALSE(p.is_ip);
}

}  // namespace
}  // namespace sy::capture
