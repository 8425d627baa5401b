// csum-trace over an overlay: one packet captured plain inside the containers and VXLAN- or
// Geneve-encapsulated on the underlay is one packet; its inner checksums and the tunnel's
// outer ones are judged apart; a kernel mark goes with the level that holds the seed.
// Frames from the testlib builder (its checksums are the reference implementation's).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capture/pcapng_writer.hpp"
#include "forensics/csum_trace.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::forensics {
namespace {

using capture::Direction;
using capture::KernelMark;
using testlib::CsumFill;
using testlib::Frame;
using testlib::FrameSpec;

FrameSpec inner_spec(CsumFill csum) {
    FrameSpec s;
    s.ip4_src = {10, 245, 0, 1};
    s.ip4_dst = {10, 245, 0, 2};
    s.sport = 40000;
    s.dport = 8080;
    s.tcp_flags = testlib::kSyn;
    s.ip_id = 0x4d2;
    s.csum = csum;
    return s;
}

FrameSpec outer_spec(CsumFill csum) {
    FrameSpec s;
    s.ip4_src = {172, 31, 251, 1};
    s.ip4_dst = {172, 31, 251, 2};
    s.sport = 4789;
    s.ip_id = 0x777;
    s.csum = csum;
    return s;
}

Frame vxlan(CsumFill inner, CsumFill outer) {
    std::uint32_t shift = 0;
    return testlib::build_vxlan(outer_spec(outer), testlib::build_frame(inner_spec(inner)), shift);
}

// Geneve (RFC 8926) with one 8-byte option, Ethernet inside, VNI 0x123456, UDP 6081.
Frame geneve(CsumFill inner, CsumFill outer) {
    FrameSpec o = outer_spec(outer);
    o.l4 = testlib::kUdp;
    o.sport = o.dport = 6081;
    o.payload = {0x02, 0x00, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00,   // ver 0, opt len 2 words
                 0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef};  // class 0x0102 type 3
    const Frame in = testlib::build_frame(inner_spec(inner));
    o.payload.insert(o.payload.end(), in.bytes.begin(), in.bytes.end());
    return testlib::build_frame(o);
}

struct Record {
    std::vector<std::uint8_t> bytes;
    Direction direction;
    KernelMark mark;
};

class Points {
  public:
    ~Points() {
        for (const auto& in : inputs_) std::filesystem::remove(in.path);
    }
    void add(const std::string& name, std::uint64_t t, const Record& r) {
        const std::string path =
            (std::filesystem::temp_directory_path() /
             fmt::format("sy-tunnel-{}-{}-{}.pcapng", ::getpid(), count_++, name))
                .string();
        auto w = capture::PcapngWriter::open(path, capture::LinkType::ethernet, name);
        ASSERT_TRUE(w) << w.status().message();
        w->write(r.bytes, t, r.direction, nullptr, r.mark);
        ASSERT_TRUE(w->close());
        inputs_.push_back({name, path});
    }
    TraceResult run() {
        auto r = run_csum_trace(inputs_);
        EXPECT_TRUE(r) << r.status().message();
        return r ? std::move(*r) : TraceResult{};
    }

  private:
    std::vector<TraceInput> inputs_;
    int count_ = 0;
};

const Sighting& sighting(const TraceResult& r, std::size_t packet, std::size_t i) {
    return r.sightings[r.packets.at(packet).sightings.at(i)];
}

// The seed's story across the overlay: partial inside c1, finished by the switch before
// encapsulation, outer UDP checksum zero, complete inside c2.
TEST(CsumTraceTunnel, OnePacketFromContainerOverTheUnderlayToContainer) {
    Points p;
    p.add("c1", 1000,
          {testlib::build_frame(inner_spec(CsumFill::seed)).bytes, Direction::outbound,
           KernelMark::csum_notready});
    p.add("ha", 2000,
          {vxlan(CsumFill::correct, CsumFill::zero).bytes, Direction::outbound, KernelMark::none});
    p.add("hb", 3000,
          {vxlan(CsumFill::correct, CsumFill::zero).bytes, Direction::inbound, KernelMark::none});
    p.add("c2", 4000,
          {testlib::build_frame(inner_spec(CsumFill::correct)).bytes, Direction::inbound,
           KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u) << render_text(r);
    const PacketResult& pk = r.packets[0];
    ASSERT_EQ(pk.sightings.size(), 4u);
    EXPECT_EQ(pk.verdict.status, VerdictStatus::ok) << pk.verdict.reason;
    EXPECT_TRUE(pk.verdict.offload_at_sender);
    ASSERT_TRUE(pk.encapsulated);
    EXPECT_EQ(pk.outer.status, VerdictStatus::ok) << pk.outer.reason;
    EXPECT_FALSE(sighting(r, 0, 0).encapsulated());
    const Sighting& ha = sighting(r, 0, 1);
    ASSERT_TRUE(ha.encapsulated());
    EXPECT_EQ(ha.encap.tunnel, net::TunnelKind::vxlan);
    EXPECT_EQ(ha.encap.vni, 42u);
    EXPECT_EQ(ha.encap.state, CsumState::zero);
    EXPECT_EQ(ha.state, CsumState::good);
    EXPECT_EQ(ha.flow.dport, 8080);  // the inner flow
    EXPECT_EQ(ha.encap.flow.dport, 4789);
    ASSERT_FALSE(r.hops.empty());
    EXPECT_EQ(r.hops[0].from, 0);
    EXPECT_EQ(r.hops[0].to, 1);
    EXPECT_EQ(r.hops[0].completed, 1u);
    EXPECT_EQ(trace_exit_status(r), 0);

    const std::string text = render_text(r);
    EXPECT_NE(text.find("c1 → ha: encapsulated, partial checksum finished here"), std::string::npos)
        << text;
    EXPECT_NE(text.find("ha → hb"), std::string::npos) << text;
    EXPECT_NE(text.find("hb → c2: decapsulated"), std::string::npos) << text;
    EXPECT_NE(text.find("zero (IPv4, none sent): nobody checks it"), std::string::npos) << text;
    EXPECT_NE(text.find("the receiving kernel verifies it (c2)"), std::string::npos) << text;

    const auto doc = nlohmann::json::parse(render_json(r));
    const auto& j = doc["packets"][0];
    EXPECT_EQ(j["flow"]["dport"], 8080);
    EXPECT_FALSE(j["sightings"][0].contains("encap"));
    EXPECT_EQ(j["sightings"][1]["encap"]["tunnel"], "vxlan");
    EXPECT_EQ(j["sightings"][1]["encap"]["vni"], 42);
    EXPECT_EQ(j["sightings"][1]["encap"]["state"], "zero");
    EXPECT_EQ(j["sightings"][1]["state"], "good");
    EXPECT_EQ(j["outer_verdict"]["status"], "ok");
    EXPECT_EQ(doc["summary"]["encapsulated"], 1);
    EXPECT_EQ(doc["summary"]["outer_by_status"]["ok"], 1);
}

// The kernel's vxlan leaves the inner checksum partial and fills in the outer one (LCO): the
// one mark of the packet is about the inner level.
TEST(CsumTraceTunnel, MarkGoesWithTheInnerSeedUnderACompleteOuterChecksum) {
    Points p;
    p.add("ha", 2000,
          {vxlan(CsumFill::seed, CsumFill::correct).bytes, Direction::outbound,
           KernelMark::csum_notready});
    p.add("hb", 3000,
          {vxlan(CsumFill::seed, CsumFill::correct).bytes, Direction::inbound,
           KernelMark::csum_notready});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u);
    const Sighting& s = sighting(r, 0, 0);
    EXPECT_EQ(s.state, CsumState::partial);
    EXPECT_EQ(s.kmark, KernelMark::csum_notready);
    EXPECT_EQ(s.encap.state, CsumState::good);
    EXPECT_EQ(s.encap.kmark, KernelMark::none);
    EXPECT_EQ(r.packets[0].verdict.status, VerdictStatus::ok);
    EXPECT_EQ(r.packets[0].verdict.basis, Basis::kernel_mark);
    EXPECT_EQ(r.packets[0].outer.status, VerdictStatus::ok);
}

// A UDP socket with checksums on a veth with TX checksumming: the outer checksum is the one
// left partial, the inner one complete.
TEST(CsumTraceTunnel, MarkGoesWithTheOuterSeed) {
    Points p;
    p.add("ha", 2000,
          {vxlan(CsumFill::correct, CsumFill::seed).bytes, Direction::outbound,
           KernelMark::csum_notready});
    p.add("hb", 3000,
          {vxlan(CsumFill::correct, CsumFill::seed).bytes, Direction::inbound, KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u);
    const Sighting& s = sighting(r, 0, 0);
    EXPECT_EQ(s.encap.state, CsumState::partial);
    EXPECT_EQ(s.encap.kmark, KernelMark::csum_notready);
    EXPECT_EQ(s.kmark, KernelMark::none);
    EXPECT_EQ(r.packets[0].verdict.status, VerdictStatus::ok);
    // At hb the outer seed is unmarked: nothing will finish it there.
    const Verdict& o = r.packets[0].outer;
    EXPECT_EQ(o.status, VerdictStatus::partial_never_completed) << o.reason;
    EXPECT_EQ(o.from_point, 0);
    EXPECT_EQ(o.to_point, 1);
    EXPECT_TRUE(o.certain);
    EXPECT_EQ(trace_exit_status(r), 1);
    EXPECT_NE(render_text(r).find("tunnel outer headers partial_never_completed at ha → hb"),
              std::string::npos)
        << render_text(r);
}

TEST(CsumTraceTunnel, OuterChecksumBrokenOnTheUnderlayIsNamedWithItsHop) {
    Points p;
    Frame bad = vxlan(CsumFill::correct, CsumFill::correct);
    bad.bytes[bad.csum_field] ^= 0x5a;  // the outer UDP checksum field
    p.add("c1", 1000,
          {testlib::build_frame(inner_spec(CsumFill::correct)).bytes, Direction::outbound,
           KernelMark::none});
    p.add(
        "ha", 2000,
        {vxlan(CsumFill::correct, CsumFill::correct).bytes, Direction::outbound, KernelMark::none});
    p.add("hb", 3000, {bad.bytes, Direction::inbound, KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u) << render_text(r);
    const PacketResult& pk = r.packets[0];
    EXPECT_EQ(pk.sightings.size(), 3u);
    EXPECT_EQ(pk.verdict.status, VerdictStatus::ok);
    EXPECT_EQ(pk.outer.status, VerdictStatus::corrupted) << pk.outer.reason;
    EXPECT_EQ(pk.outer.from_point, 1);
    EXPECT_EQ(pk.outer.to_point, 2);
    // The changed bytes are read again from the files: the outer UDP checksum field (offset 6).
    ASSERT_FALSE(pk.outer.changed_offsets.empty());
    EXPECT_EQ(pk.outer.changed_offsets[0], 6u);
    EXPECT_EQ(r.problems, 1u);
    EXPECT_EQ(r.outer_count[static_cast<int>(VerdictStatus::corrupted)], 1u);
    const auto doc = nlohmann::json::parse(render_json(r));
    EXPECT_EQ(doc["packets"][0]["outer_verdict"]["hop"], nlohmann::json::array({"ha", "hb"}));
}

TEST(CsumTraceTunnel, BadInnerChecksumInsideTheTunnelIsBadAtOrigin) {
    Points p;
    p.add("ha", 2000,
          {vxlan(CsumFill::bad, CsumFill::zero).bytes, Direction::outbound, KernelMark::none});
    p.add("c2", 3000,
          {testlib::build_frame(inner_spec(CsumFill::bad)).bytes, Direction::inbound,
           KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u);
    EXPECT_EQ(r.packets[0].verdict.status, VerdictStatus::bad_at_origin);
    EXPECT_EQ(r.packets[0].verdict.to_point, 0);
    EXPECT_EQ(r.packets[0].outer.status, VerdictStatus::ok);
    EXPECT_EQ(trace_exit_status(r), 1);
}

TEST(CsumTraceTunnel, GeneveWithOptionsIsJudgedInsideAndMatchedToThePlainPacket) {
    Points p;
    p.add("c1", 1000,
          {testlib::build_frame(inner_spec(CsumFill::seed)).bytes, Direction::outbound,
           KernelMark::csum_notready});
    p.add("ha", 2000,
          {geneve(CsumFill::correct, CsumFill::correct).bytes, Direction::outbound,
           KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u) << render_text(r);
    const Sighting& s = sighting(r, 0, 1);
    ASSERT_TRUE(s.encapsulated());
    EXPECT_EQ(s.encap.tunnel, net::TunnelKind::geneve);
    EXPECT_EQ(s.encap.vni, 0x123456u);
    EXPECT_EQ(s.encap.options_length, 8u);
    EXPECT_EQ(s.encap.state, CsumState::good);
    EXPECT_EQ(s.state, CsumState::good);
    EXPECT_EQ(r.packets[0].verdict.status, VerdictStatus::ok);
    const auto doc = nlohmann::json::parse(render_json(r));
    EXPECT_EQ(doc["packets"][0]["sightings"][1]["encap"]["options_length"], 8);
}

TEST(CsumTraceTunnel, PlainUdpOnTheTunnelPortWithoutAnInnerIpPacketStaysOuter) {
    // An ARP frame inside VXLAN: judged as the UDP datagram it is, not encapsulated.
    FrameSpec o = outer_spec(CsumFill::correct);
    o.l4 = testlib::kUdp;
    o.dport = 4789;
    o.payload = {0x08, 0, 0, 0, 0, 0, 42, 0};
    std::vector<std::uint8_t> arp(14 + 28, 0);
    arp[12] = 0x08;
    arp[13] = 0x06;
    o.payload.insert(o.payload.end(), arp.begin(), arp.end());
    Points p;
    p.add("ha", 1000, {testlib::build_frame(o).bytes, Direction::outbound, KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 1u);
    EXPECT_FALSE(r.packets[0].encapsulated);
    EXPECT_EQ(sighting(r, 0, 0).flow.dport, 4789);
    EXPECT_EQ(sighting(r, 0, 0).state, CsumState::good);
}

// A capture before the host stack segmented a UDP GSO send: one record, several tunnel
// datagrams (two full ones and a shorter last). Each inner packet is a sighting, found again
// as the datagrams the far end received one by one.
TEST(CsumTraceTunnel, UdpGsoSuperDatagramIsSplitIntoItsDatagrams) {
    FrameSpec o = outer_spec(CsumFill::seed);
    o.l4 = testlib::kUdp;
    o.dport = 4789;
    std::vector<std::vector<std::uint8_t>> received;
    for (std::uint32_t i = 0; i < 3; ++i) {
        FrameSpec in = inner_spec(CsumFill::correct);
        in.tcp_flags = testlib::kAck;
        in.seq = 1000 + 100 * i;
        in.ip_id = static_cast<std::uint16_t>(10 + i);
        in.payload = testlib::make_payload(i < 2 ? 100 : 40, i);
        const Frame inner = testlib::build_frame(in);
        const std::uint8_t vxlan_header[8] = {0x08, 0, 0, 0, 0, 0, 42, 0};
        o.payload.insert(o.payload.end(), vxlan_header, vxlan_header + 8);
        o.payload.insert(o.payload.end(), inner.bytes.begin(), inner.bytes.end());
        std::uint32_t shift = 0;
        received.push_back(testlib::build_vxlan(outer_spec(CsumFill::zero), inner, shift).bytes);
    }
    Points p;
    p.add("ha", 1000,
          {testlib::build_frame(o).bytes, Direction::outbound, KernelMark::csum_notready});
    for (std::size_t i = 0; i < received.size(); ++i)
        p.add(fmt::format("hb{}", i), 2000 + i,
              {received[i], Direction::inbound, KernelMark::none});
    const TraceResult r = p.run();
    ASSERT_EQ(r.packets.size(), 3u) << render_text(r);
    EXPECT_EQ(r.files[0].udp_gso_records, 1u);
    EXPECT_EQ(r.files[0].udp_gso_datagrams, 2u);
    EXPECT_TRUE(r.files[0].warnings.empty());
    for (std::size_t i = 0; i < 3; ++i) {
        const PacketResult& pk = r.packets[i];
        ASSERT_EQ(pk.sightings.size(), 2u) << i << render_text(r);
        const Sighting& at_ha = r.sightings[pk.sightings[0]];
        EXPECT_EQ(at_ha.point, 0u);
        EXPECT_TRUE(at_ha.encap.udp_gso);
        EXPECT_EQ(at_ha.encap.gso_datagram, i);
        EXPECT_EQ(at_ha.state, CsumState::good);
        // The first carries the super-datagram's outer seed; the others' were never captured.
        EXPECT_EQ(at_ha.encap.state, i == 0 ? CsumState::partial : CsumState::unverifiable);
        EXPECT_EQ(r.sightings[pk.sightings[1]].point, i + 1);
        EXPECT_EQ(pk.verdict.status, VerdictStatus::ok) << pk.verdict.reason;
    }
    const auto doc = nlohmann::json::parse(render_json(r));
    EXPECT_EQ(doc["packets"][2]["sightings"][0]["encap"]["gso_datagram"], 2);
    EXPECT_EQ(doc["summary"]["files"][0]["udp_gso_datagrams"], 2);
}

}  // namespace
}  // namespace sy::forensics
