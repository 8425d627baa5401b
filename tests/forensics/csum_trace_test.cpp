// csum-trace through files our own PcapngWriter wrote (the scapy oracle covers foreign files):
// kernel marks recorded as comments decide a partial checksum's fate with certainty.
#include "forensics/csum_trace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "base/bytes.hpp"
#include "capture/pcapng_writer.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace sy::forensics {
namespace {

// Ethernet + IPv4 + TCP SYN from 10.200.1.1:40000 to 10.200.2.2:80 with a partial checksum.
std::vector<std::uint8_t> partial_syn() {
    std::vector<std::uint8_t> f(14 + 20 + 20, 0);
    store_be16(&f[12], 0x0800);
    std::uint8_t* ip = &f[14];
    ip[0] = 0x45;
    store_be16(ip + 2, 40);
    store_be16(ip + 4, 77);
    ip[8] = 64;
    ip[9] = 6;
    const std::uint8_t a[4] = {10, 200, 1, 1}, b[4] = {10, 200, 2, 2};
    std::memcpy(ip + 12, a, 4);
    std::memcpy(ip + 16, b, 4);
    std::uint8_t* tcp = ip + 20;
    store_be16(tcp, 40000);
    store_be16(tcp + 2, 80);
    store_be32(tcp + 4, 1000);
    tcp[12] = 5 << 4;
    tcp[13] = 0x02;
    const auto parsed = net::parse(f);
    net::write_ipv4_header_checksum(f, parsed.outer);
    net::write_l4_partial_seed(f, parsed.outer);
    return f;
}

std::string write_point(const char* name, std::uint64_t t, capture::KernelMark mark) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              (std::string("sy-trace-") + std::to_string(::getpid()) + name))
                                 .string();
    auto w = capture::PcapngWriter::open(path, capture::LinkType::ethernet, name);
    EXPECT_TRUE(w) << w.status().message();
    w->write(partial_syn(), t, capture::Direction::outbound, nullptr, mark);
    EXPECT_TRUE(w->close());
    return path;
}

TEST(CsumTrace, MarkLostBetweenTwoPointsIsCertainAndNamed) {
    const std::string a = write_point("a", 1000, capture::KernelMark::csum_notready);
    const std::string b = write_point("b", 2000, capture::KernelMark::none);
    auto r = run_csum_trace({{"a", a}, {"b", b}});
    ASSERT_TRUE(r) << r.status().message();
    ASSERT_EQ(r->packets.size(), 1u);
    const Verdict& v = r->packets[0].verdict;
    EXPECT_EQ(v.status, VerdictStatus::partial_never_completed);
    EXPECT_EQ(v.from_point, 0);
    EXPECT_EQ(v.to_point, 1);
    EXPECT_TRUE(v.certain);
    EXPECT_EQ(trace_exit_status(*r), 1);
    const std::string text = render_text(*r);
    EXPECT_EQ(text.rfind("PROBLEM: 1 of 1 packets broken, 1 of them at a → b", 0), 0u) << text;
    EXPECT_NE(render_json(*r).find("\"hop\":[\"a\",\"b\"]"), std::string::npos);
    std::filesystem::remove(a);
    std::filesystem::remove(b);
}

TEST(CsumTrace, StillMarkedWhereItArrivesIsOk) {
    const std::string a = write_point("c", 1000, capture::KernelMark::csum_notready);
    const std::string b = write_point("d", 2000, capture::KernelMark::csum_notready);
    auto r = run_csum_trace({{"a", a}, {"b", b}});
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(trace_exit_status(*r), 0);
    EXPECT_EQ(r->packets.at(0).verdict.basis, Basis::kernel_mark);
    EXPECT_EQ(render_text(*r).rfind("OK:", 0), 0u);
    std::filesystem::remove(a);
    std::filesystem::remove(b);
}

TEST(CsumTrace, UnreadableInputNamesTheFile) {
    auto r = run_csum_trace({{"x", "/nonexistent/x.pcap"}});
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("/nonexistent/x.pcap"), std::string::npos);
    EXPECT_FALSE(parse_trace_inputs({}));
    auto named = parse_trace_inputs({"web=/tmp/w.pcap", "/tmp/dir/host.pcapng"});
    ASSERT_TRUE(named);
    EXPECT_EQ((*named)[0].name, "web");
    EXPECT_EQ((*named)[1].name, "host");
}

TEST(CsumTrace, AFileWithNoReadablePacketIsBadInputNotOk) {
    // The one record cut short: the reader gives "truncated" before any packet.
    const std::string path = write_point("trunc0", 1000, capture::KernelMark::csum_notready);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 20);
    auto r = run_csum_trace({{"p", path}});
    ASSERT_FALSE(r) << render_text(*r);
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("no readable packet"), std::string::npos)
        << r.status().message();
    std::filesystem::remove(path);
}

TEST(CsumTrace, DirectoriesAndUnreadableFilesAreNamedForWhatTheyAre) {
    auto dir = run_csum_trace({{"d", "/tmp"}});
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos)
        << dir.status().message();
    auto mem = run_csum_trace({{"m", "/proc/self/mem"}});
    ASSERT_FALSE(mem);
    EXPECT_EQ(mem.status().message().find("empty file"), std::string::npos)
        << mem.status().message();
    EXPECT_NE(mem.status().message().find("cannot read"), std::string::npos)
        << mem.status().message();
}

}  // namespace
}  // namespace sy::forensics
