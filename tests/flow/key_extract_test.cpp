#include "flow/key_extract.hpp"

#include <gtest/gtest.h>

#include <random>

#include "flow/packet_synth.hpp"
#include "net/parse.hpp"

namespace sy::flow {
namespace {

FlowKey extract(std::span<const std::uint8_t> frame, OfPort port = 5) {
    FlowKey k;
    extract_key(frame, net::parse(frame), port, k);
    return k;
}

// A random key whose packet fields make sense together (what a real frame would give).
FlowKey random_key(std::mt19937& rng) {
    FlowKey k;
    auto bytes = [&](std::uint8_t* p, int n) {
        for (int i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(rng());
    };
    bytes(k.dl_dst, 6);
    bytes(k.dl_src, 6);
    if (rng() % 3 == 0) k.vlan_tci = static_cast<std::uint16_t>((rng() & ~0x1000u) | kVlanPresent);
    const std::uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x88cc};
    k.dl_type = types[rng() % 4];
    if (k.dl_type == 0x0800 || k.dl_type == 0x86dd) {
        const bool v6 = k.dl_type == 0x86dd;
        if (v6) {
            bytes(k.ipv6_src, 16);
            bytes(k.ipv6_dst, 16);
            k.ipv6_label = rng() & 0xfffff;
        } else {
            k.nw_src = rng();
            k.nw_dst = rng();
        }
        const std::uint8_t protos[] = {6, 17, 132, static_cast<std::uint8_t>(v6 ? 58 : 1), 99};
        k.nw_proto = protos[rng() % 5];
        k.nw_tos = static_cast<std::uint8_t>(rng());
        k.nw_ttl = static_cast<std::uint8_t>(rng());
        const std::uint8_t frags[] = {0, 0, kFragAny, kFragAny | kFragLater};
        k.nw_frag = frags[rng() % 4];
        const bool l4 = !(k.nw_frag & kFragLater) && k.nw_proto != 99;
        if (l4 && (k.nw_proto == 1 || k.nw_proto == 58)) {
            k.tp_src = rng() & 0xff;
            k.tp_dst = rng() & 0xff;
        } else if (l4) {
            k.tp_src = static_cast<std::uint16_t>(rng());
            k.tp_dst = static_cast<std::uint16_t>(rng());
            if (k.nw_proto == 6) k.tcp_flags = rng() & 0xfff;
        }
    } else if (k.dl_type == 0x0806) {
        k.nw_proto = static_cast<std::uint8_t>(rng() % 4);
        k.nw_src = rng();
        k.nw_dst = rng();
        bytes(k.arp_sha, 6);
        bytes(k.arp_tha, 6);
    }
    return k;
}

TEST(KeyExtract, SynthesizedFramesGiveTheirKeyBack) {
    std::mt19937 rng(7);
    for (int i = 0; i < 5000; ++i) {
        FlowKey want = random_key(rng);
        want.in_port = static_cast<OfPort>(i);
        auto frame =
            synthesize_packet(want, {.payload_len = static_cast<std::uint16_t>(rng() % 64)});
        ASSERT_TRUE(frame) << frame.status().message();
        FlowKey got;
        const net::ParsedHeaders parsed = net::parse(*frame);
        ASSERT_TRUE(parsed.ok()) << i << " " << net::to_string(parsed.status);
        extract_key(*frame, parsed, want.in_port, got);
        ASSERT_TRUE(got == want) << "key " << i;
    }
}

TEST(KeyExtract, PacketOverloadReadsThePacketsFrame) {
    FlowKey want;
    want.dl_type = 0x0800;
    want.nw_proto = 17;
    want.tp_dst = 4000;
    auto frame = synthesize_packet(want);
    ASSERT_TRUE(frame);
    std::vector<std::uint8_t> buffer(256);
    Packet p;
    p.buffer = buffer.data();
    p.buffer_size = static_cast<std::uint32_t>(buffer.size());
    p.offset = 64;
    p.length = static_cast<std::uint32_t>(frame->size());
    std::copy(frame->begin(), frame->end(), p.data());
    FlowKey got;
    extract_key(p, net::parse(p.bytes()), 9, got);
    EXPECT_EQ(got.tp_dst, 4000);
    EXPECT_EQ(got.in_port, 9u);
}

TEST(KeyExtract, CutFramesKeepOnlyWholeLayers) {
    FlowKey k;
    k.dl_type = 0x0800;
    k.nw_proto = 6;
    k.nw_src = 0x0a000001;
    k.tp_dst = 80;
    k.dl_src[5] = 1;
    k.vlan_tci = kVlanPresent | 7;
    auto frame = synthesize_packet(k);
    ASSERT_TRUE(frame);
    for (std::size_t n = 0; n <= frame->size(); ++n) {
        const FlowKey got = extract(std::span(frame->data(), n));
        EXPECT_EQ(got.in_port, 5u);
        EXPECT_EQ(got.dl_src[5], n >= 14 ? 1 : 0) << n;
        EXPECT_EQ(got.dl_type, n >= 18 ? 0x0800 : 0) << n;
        EXPECT_EQ(got.nw_src, n >= 18 + 20 ? 0x0a000001u : 0u) << n;
        EXPECT_EQ(got.tp_dst, n >= 18 + 20 + 20 ? 80 : 0) << n;
    }
}

TEST(KeyExtract, LengthFieldIsNoType) {
    std::vector<std::uint8_t> frame(60, 0);
    frame[12] = 0x00;
    frame[13] = 0x2e;  // 802.3 length 46
    EXPECT_EQ(extract(frame).dl_type, kDlTypeNone);
    EXPECT_FALSE(synthesize_packet(extract(frame)));
}

TEST(KeyExtract, OnlyEthernetIpv4ArpHasFields) {
    FlowKey k;
    k.dl_type = 0x0806;
    k.nw_proto = 1;
    k.nw_src = 0x01020304;
    auto frame = synthesize_packet(k);
    ASSERT_TRUE(frame);
    (*frame)[14 + 5] = 16;  // protocol address length 16: not the IPv4 form
    frame->resize(14 + 8 + 2 * 6 + 2 * 16, 0);
    const FlowKey got = extract(*frame);
    EXPECT_EQ(got.dl_type, 0x0806);
    EXPECT_EQ(got.nw_proto, 0);
    EXPECT_EQ(got.nw_src, 0u);
}

TEST(PacketSynth, RefusesKeysNoFrameHas) {
    FlowKey k;
    k.dl_type = 0x0800;
    k.nw_frag = kFragLater;
    EXPECT_FALSE(synthesize_packet(k));
    k.nw_frag = 0;
    EXPECT_FALSE(synthesize_packet(k, {.payload_len = 65535}));
    EXPECT_TRUE(synthesize_packet(k, {.payload_len = 1400}));
}

}  // namespace
}  // namespace sy::flow
