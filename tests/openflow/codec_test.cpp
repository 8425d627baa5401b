// The OpenFlow 1.3 codec: OXM matches, actions and instructions round-trip through the wire
// format; malformed input gets the error the specification names, never a crash.
#include <gtest/gtest.h>

#include "openflow/actions.hpp"
#include "openflow/messages.hpp"
#include "openflow/oxm.hpp"
#include "openflow/target.hpp"

namespace sy::openflow {
namespace {

using flow::FieldId;

Bytes encode(const flow::Match& m) {
    Bytes b;
    Writer w(b);
    encode_match(w, m);
    return b;
}

flow::Match sample_match() {
    flow::Match m;
    m.set(FieldId::in_port, 3);
    m.set(FieldId::dl_type, 0x0800);
    m.set(FieldId::nw_proto, 6);
    m.set(FieldId::nw_dst, 0x0a000000, 0xffffff00);
    m.set(FieldId::tcp_dst, 80);
    m.set(FieldId::reg3, 0x12, 0xff);
    m.set(FieldId::vlan_vid, 0x1005);
    m.set(FieldId::metadata, 0xabc, 0xfff);
    return m;
}

TEST(Oxm, MatchRoundTrips) {
    const flow::Match m = sample_match();
    const Bytes b = encode(m);
    EXPECT_EQ(b.size() % 8, 0u);
    Reader r(b);
    flow::Match back;
    ASSERT_FALSE(decode_match(r, back));
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(back, m);
}

TEST(Oxm, EmptyMatchIsEightBytes) {
    const Bytes b = encode(flow::Match{});
    ASSERT_EQ(b.size(), 8u);
    EXPECT_EQ(b[0], 0);
    EXPECT_EQ(b[1], 1);  // OFPMT_OXM
    EXPECT_EQ(b[3], 4);  // length without padding
}

Bytes match_with(std::initializer_list<std::uint8_t> oxm) {
    Bytes b;
    b.reserve(64);
    for (std::uint8_t x : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{0},
                           static_cast<std::uint8_t>(4 + oxm.size())})
        b.push_back(x);
    for (std::uint8_t x : oxm) b.push_back(x);
    while (b.size() % 8) b.push_back(0);
    return b;
}

std::optional<OfError> decode(const Bytes& b) {
    Reader r(b);
    flow::Match m;
    return decode_match(r, m);
}

TEST(Oxm, MalformedGetsTheSpecError) {
    // ETH_TYPE with a 3-byte value.
    EXPECT_EQ(decode(match_with({0x80, 0x00, 5 << 1, 3, 0x08, 0x00, 0})), err::match_bad_len);
    // Unknown basic field 50.
    EXPECT_EQ(decode(match_with({0x80, 0x00, 50 << 1, 2, 0, 0})), err::match_bad_field);
    // ETH_TYPE twice.
    EXPECT_EQ(
        decode(match_with({0x80, 0x00, 5 << 1, 2, 0x08, 0x00, 0x80, 0x00, 5 << 1, 2, 0x08, 0x00})),
        err::match_dup_field);
    // A mask on IN_PORT, which takes none.
    EXPECT_EQ(decode(match_with({0x80, 0x00, 0 << 1 | 1, 8, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff})),
              err::match_bad_mask);
    // VLAN_PCP 8 does not fit 3 bits.
    EXPECT_EQ(decode(match_with({0x80, 0x00, 7 << 1, 1, 8})), err::match_bad_value);
    // OFPMT_STANDARD.
    EXPECT_EQ(decode(Bytes{0, 0, 0, 4, 0, 0, 0, 0}), err::match_bad_type);
    // The length says more than there is.
    EXPECT_EQ(decode(Bytes{0, 1, 0, 40, 0, 0, 0, 0}), err::match_bad_len);
}

TEST(Oxm, EachFieldNeedsItsOwnPrerequisite) {
    // ETH_TYPE=0x0800, IP_PROTO=1 (ICMP), then UDP_DST=80: UDP_DST shares its storage with
    // ICMPV4_CODE, but its own prerequisite is ip_proto=17 (found by fuzzing: it used to be
    // accepted and re-encoded as an 8-bit ICMP code).
    const Bytes udp_on_icmp = match_with({0x80, 0x00, 5 << 1, 2, 0x08, 0x00,  //
                                          0x80, 0x00, 10 << 1, 1, 1,          //
                                          0x80, 0x00, 16 << 1, 2, 0, 80});
    EXPECT_EQ(decode(udp_on_icmp), err::match_bad_prereq);
    // TCP_DST with no IP_PROTO at all.
    EXPECT_EQ(decode(match_with({0x80, 0x00, 14 << 1, 2, 0, 80})), err::match_bad_prereq);
    // The prerequisite may come after the field it serves.
    const Bytes late = match_with({0x80, 0x00, 10 << 1, 1, 6,      //
                                   0x80, 0x00, 14 << 1, 2, 0, 80,  //
                                   0x80, 0x00, 5 << 1, 2, 0x08, 0x00});
    EXPECT_FALSE(decode(late));
}

TEST(Oxm, VlanTciMaskThatSplitsThePcpRoundTrips) {
    // NXM_OF_VLAN_TCI_W can mask part of the PCP, which OXM's VLAN_PCP cannot express; the
    // encoder writes such a match as NXM_OF_VLAN_TCI (found by fuzzing: it wrote a masked
    // VLAN_PCP that its own decoder refused).
    flow::Match m;
    m.set(FieldId::vlan_tci, 0x0000, 0x7f05);
    const Bytes b = encode(m);
    Reader r(b);
    flow::Match back;
    ASSERT_FALSE(decode_match(r, back));
    EXPECT_EQ(back, m);
    // A whole PCP (or none) still goes out as OXM VLAN_VID/VLAN_PCP.
    flow::Match whole;
    whole.set(FieldId::vlan_tci, 0xa005, 0xefff);
    const Bytes wb = encode(whole);
    ASSERT_GE(wb.size(), 8u);
    EXPECT_EQ(wb[4], 0x80);
    Reader wr(wb);
    ASSERT_FALSE(decode_match(wr, back));
    EXPECT_EQ(back, whole);
}

flow::Instructions sample_instructions() {
    flow::Instructions ins;
    flow::Action out;
    out.type = flow::ActionType::output;
    out.port = 2;
    flow::Action ctl;
    ctl.type = flow::ActionType::controller;
    ctl.max_len = 128;
    flow::Action set;
    set.type = flow::ActionType::set_field;
    set.field = FieldId::nw_dst;
    set.value = 0x0a000001;
    set.mask = flow::field_all_ones(FieldId::nw_dst);
    flow::Action load;
    load.type = flow::ActionType::set_field;
    load.field = FieldId::reg0;
    load.value = 0x500;
    load.mask = 0xff00;
    flow::Action push;
    push.type = flow::ActionType::push_vlan;
    push.ethertype = 0x8100;
    flow::Action resubmit;
    resubmit.type = flow::ActionType::resubmit;
    resubmit.port = flow::kOfpInPort;
    resubmit.table = 3;
    ins.apply = {set, load, push, out, ctl, resubmit};
    ins.clear_actions = true;
    flow::Action dec;
    dec.type = flow::ActionType::dec_ttl;
    ins.write_actions = flow::ActionList{dec, out};
    ins.write_metadata = flow::WriteMetadata{0x10, 0xff};
    ins.goto_table = 5;
    return ins;
}

TEST(Instructions, RoundTrip) {
    const flow::Instructions ins = sample_instructions();
    flow::Match m = sample_match();
    Bytes b;
    Writer w(b);
    encode_instructions(w, ins, m);
    flow::Instructions back;
    ASSERT_FALSE(decode_instructions(Reader(b), back));
    EXPECT_EQ(back, ins);
}

TEST(Actions, MalformedGetsTheSpecError) {
    flow::ActionList out;
    // OUTPUT with length 8 (must be 16).
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 0, 0, 8, 0, 0, 0, 1}), out), err::action_bad_len);
    // Length not a multiple of 8.
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0}), out),
              err::action_bad_len);
    // Unknown action 99.
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 99, 0, 8, 0, 0, 0, 0}), out), err::action_bad_type);
    // OUTPUT to port 0.
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), out),
              err::action_bad_out_port);
    // GROUP: no groups here.
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 22, 0, 8, 0, 0, 0, 1}), out),
              err::action_bad_out_group);
    // An experimenter that is not Nicira.
    EXPECT_EQ(
        decode_actions(Reader(Bytes{0xff, 0xff, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), out),
        err::action_bad_experimenter);
    // SET_FIELD of dl_type (not writable).
    EXPECT_EQ(decode_actions(
                  Reader(Bytes{0, 25, 0, 16, 0x80, 0, 5 << 1, 2, 8, 0, 0, 0, 0, 0, 0, 0}), out),
              err::action_bad_set_type);
    // Truncated header.
    EXPECT_EQ(decode_actions(Reader(Bytes{0, 0}), out), err::action_bad_len);
}

TEST(Instructions, MalformedGetsTheSpecError) {
    flow::Instructions ins;
    EXPECT_EQ(decode_instructions(Reader(Bytes{0, 9, 0, 8, 0, 0, 0, 0}), ins), err::inst_unknown);
    EXPECT_EQ(decode_instructions(Reader(Bytes{0, 6, 0, 8, 0, 0, 0, 1}), ins),
              err::inst_unsupported);
    EXPECT_EQ(decode_instructions(Reader(Bytes{0, 1, 0, 8, 255, 0, 0, 0}), ins),
              err::inst_bad_table_id);
    EXPECT_EQ(decode_instructions(Reader(Bytes{0, 1, 0, 16, 1, 0, 0, 0}), ins), err::inst_bad_len);
    EXPECT_EQ(
        decode_instructions(Reader(Bytes{0, 5, 0, 8, 0, 0, 0, 0, 0, 5, 0, 8, 0, 0, 0, 0}), ins),
        err::inst_unsupported);  // two clear_actions
}

// A FLOW_MOD body as a controller would send it.
Bytes flow_mod_body(const flow::FlowMod& mod) {
    Bytes b;
    Writer w(b);
    w.u64(mod.cookie);
    w.u64(mod.cookie_mask);
    w.u8(mod.table);
    w.u8(static_cast<std::uint8_t>(mod.command));
    w.u16(mod.idle_timeout);
    w.u16(mod.hard_timeout);
    w.u16(mod.priority);
    w.u32(kNoBuffer);
    w.u32(mod.out_port);
    w.u32(0xffffffff);
    w.u16(mod.flags);
    w.zeros(2);
    encode_match(w, mod.match);
    encode_instructions(w, mod.instructions, mod.match);
    return b;
}

TEST(FlowMod, DecodesEveryField) {
    flow::FlowMod mod;
    mod.command = flow::FlowModCommand::modify_strict;
    mod.table = 4;
    mod.match = sample_match();
    mod.priority = 77;
    mod.cookie = 0x1234;
    mod.cookie_mask = 0xffff;
    mod.idle_timeout = 10;
    mod.hard_timeout = 20;
    mod.flags = flow::kSendFlowRem;
    mod.instructions = sample_instructions();
    mod.out_port = 7;
    const Bytes body = flow_mod_body(mod);
    FlowModMsg got;
    ASSERT_FALSE(decode_flow_mod(body, got));
    EXPECT_EQ(got.mod.command, mod.command);
    EXPECT_EQ(got.mod.table, 4);
    EXPECT_EQ(got.mod.match, mod.match);
    EXPECT_EQ(got.mod.priority, 77);
    EXPECT_EQ(got.mod.cookie, 0x1234u);
    EXPECT_EQ(got.mod.cookie_mask, 0xffffu);
    EXPECT_EQ(got.mod.idle_timeout, 10);
    EXPECT_EQ(got.mod.hard_timeout, 20);
    EXPECT_EQ(got.mod.flags, flow::kSendFlowRem);
    EXPECT_EQ(got.mod.out_port, 7u);
    EXPECT_EQ(got.mod.instructions, mod.instructions);
}

TEST(FlowMod, EveryTruncationIsAnErrorNotACrash) {
    flow::FlowMod mod;
    mod.match = sample_match();
    mod.instructions = sample_instructions();
    const Bytes body = flow_mod_body(mod);
    for (std::size_t n = 0; n < body.size(); ++n) {
        FlowModMsg got;
        // Cut anywhere, the message is refused (a cut on an 8-byte boundary inside the
        // instructions is a shorter valid list, which is fine too).
        auto e = decode_flow_mod(std::span(body).first(n), got);
        if (!e) {
            EXPECT_EQ(n % 8, 0u) << n;
        }
    }
    Bytes bad = body;
    bad[17] = 9;  // command 9
    FlowModMsg got;
    EXPECT_EQ(decode_flow_mod(bad, got), err::flow_bad_command);
}

TEST(Hello, VersionBitmapDecides) {
    Header h;
    h.version = 6;
    EXPECT_TRUE(hello_accepts_13(h, {}));  // no bitmap: 1.3 <= the peer's version
    h.version = 1;
    EXPECT_FALSE(hello_accepts_13(h, {}));
    const Bytes with_13{0, 1, 0, 8, 0, 0, 0, 0x12};  // 1.0 and 1.3
    h.version = 6;
    EXPECT_TRUE(hello_accepts_13(h, with_13));
    const Bytes without_13{0, 1, 0, 8, 0, 0, 0, 0x02};  // 1.0 only
    EXPECT_FALSE(hello_accepts_13(h, without_13));
    Bytes out;
    encode_hello(out, 7);
    ASSERT_EQ(out.size(), 16u);
    EXPECT_EQ(out[0], kVersion13);
    EXPECT_EQ(out[15], 0x10);
}

TEST(Multipart, LongRepliesAreSplitWithReplyMore) {
    Bytes out;
    MultipartReply reply(out, MultipartType::flow, 9);
    flow::FlowStats f;
    f.match = sample_match();
    f.instructions = sample_instructions();
    for (int i = 0; i < 2000; ++i) write_flow_stats(reply.entry(), f);
    reply.finish();
    std::size_t at = 0, messages = 0;
    std::size_t entries_bytes = 0;
    while (at < out.size()) {
        auto h = peek_header(std::span(out).subspan(at));
        ASSERT_TRUE(h);
        ASSERT_GE(h->length, 16);
        ASSERT_LE(at + h->length, out.size());
        const bool more = out[at + 11] & 1;
        entries_bytes += h->length - 16u;
        at += h->length;
        ++messages;
        EXPECT_EQ(more, at < out.size());
    }
    EXPECT_GT(messages, 1u);
    EXPECT_EQ(entries_bytes % 2000, 0u);
}

TEST(PacketIn, Layout) {
    const std::uint8_t frame[20] = {1, 2, 3};
    PacketInMsg p;
    p.total_len = 60;
    p.reason = 1;
    p.table = 2;
    p.cookie = 5;
    p.in_port = 3;
    p.data = frame;
    Bytes out;
    encode_packet_in(out, 0, p);
    // header 8 + 16 fixed + match (4 + 8 in_port = 12, padded 16) + 2 pad + data
    ASSERT_EQ(out.size(), 8u + 16 + 16 + 2 + 20);
    EXPECT_EQ(out[1], static_cast<std::uint8_t>(MsgType::packet_in));
    EXPECT_EQ(out[8 + 4 + 1], 60);          // total_len
    EXPECT_EQ(out[8 + 6], 1);               // reason
    EXPECT_EQ(out[8 + 16 + 4 + 4 + 3], 3);  // the in_port OXM's value
    EXPECT_EQ(out[8 + 16 + 16 + 2], 1);     // data after the 2-byte pad
}

TEST(Target, ParsesTheFourMethods) {
    auto t = parse_target("tcp:127.0.0.1:6650");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->port, 6650);
    t = parse_target("ptcp:6633");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->host, "127.0.0.1");
    EXPECT_TRUE(t->passive());
    EXPECT_TRUE(parse_target("unix:/tmp/x.sock"));
    EXPECT_TRUE(parse_target("punix:/tmp/x.sock"));
    EXPECT_FALSE(parse_target("tcp:foo"));
    EXPECT_FALSE(parse_target("ptcp:70000"));
    EXPECT_FALSE(parse_target("ssl:1.2.3.4"));
    EXPECT_FALSE(parse_target("nothing"));
}

}  // namespace
}  // namespace sy::openflow
