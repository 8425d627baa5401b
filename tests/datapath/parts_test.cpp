// The datapath's parts on their own: the registry's OpenFlow numbers, advance() (ownership
// of every packet a stage saw), and the execute stage's semantics for hand-made Programs.
#include <gtest/gtest.h>

#include "datapath/egress.hpp"
#include "datapath/pipeline.hpp"
#include "datapath/port_factory.hpp"
#include "datapath/port_registry.hpp"
#include "datapath/verdicts.hpp"
#include "port/memory/memory_port.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::datapath {
namespace {

using flow::Op;
using flow::OpType;

struct Parts : ::testing::Test {
    PortRegistry registry{64};
    FastPathSync fast{registry, false, "", false};
    Pipeline pipeline{registry, fast};
    Worker worker{0, 64};
    Bridge* br = nullptr;
    std::vector<port::MemoryPort*> io;
    std::vector<SwitchPort*> ports;

    void SetUp() override { br = registry.add_bridge("br0", 300'000'000'000ull, 0).value(); }

    SwitchPort* add(const std::string& name, std::uint32_t ofport = 0) {
        PortConfig c;
        c.name = name;
        c.kind = PortKind::memory;
        c.ofport = ofport;
        auto mem =
            std::make_unique<port::MemoryPort>(name, memory_port_caps(OffloadMode::vnet_hdr));
        port::MemoryPort* raw = mem.get();
        auto sp = registry.add_port(*br, c, std::move(mem));
        EXPECT_TRUE(sp) << sp.status().message();
        if (!sp) return nullptr;
        worker.add_lane(**sp);
        io.push_back(raw);
        ports.push_back(*sp);
        return *sp;
    }
    Packet* packet(const std::vector<std::uint8_t>& bytes) {
        Packet* p = worker.pool().alloc();
        std::memcpy(p->data(), bytes.data(), bytes.size());
        p->length = static_cast<std::uint32_t>(bytes.size());
        return p;
    }
    void flush() {
        for (PortId id : worker.dirty()) {
            flush_lane(*registry.port(id), *worker.lane(id));
            worker.lane(id)->dirty = false;
        }
        worker.dirty().clear();
    }
};

TEST_F(Parts, OpenFlowNumbersAreTheLowestFreeOrTheOneAskedFor) {
    EXPECT_EQ(add("a")->ofport, 1u);
    EXPECT_EQ(add("b", 7)->ofport, 7u);
    EXPECT_EQ(add("c")->ofport, 2u);
    registry.erase_port(*ports[0]);
    EXPECT_EQ(add("d")->ofport, 1u) << "a freed number is reused";
    EXPECT_EQ(br->port_by_ofport(7)->config.name, "b");

    PortConfig taken;
    taken.name = "e";
    taken.ofport = 7;
    auto r = registry.add_port(
        *br, taken,
        std::make_unique<port::MemoryPort>("e", memory_port_caps(OffloadMode::vnet_hdr)));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().message(), "port e: OpenFlow port number 7 is taken by b on bridge br0");
    taken.ofport = flow::kOfpLocal;
    r = registry.add_port(
        *br, taken,
        std::make_unique<port::MemoryPort>("e", memory_port_caps(OffloadMode::vnet_hdr)));
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("reserved"), std::string::npos);
}

TEST_F(Parts, AdvanceKeepsReleasesAndCountsEveryPacket) {
    SwitchPort* a = add("a");
    PacketBatch batch;
    for (int i = 0; i < 5; ++i) batch.push(packet(std::vector<std::uint8_t>(60, std::uint8_t(i))));
    Packet* consumed = batch.packets[3];
    Verdicts v;
    v.next(0);
    v.drop(1, DropReason::runt);
    v.next(2);
    v.consumed(3);
    v.drop(4, DropReason::runt);
    LaneCounters& c = worker.lane(a->id)->counters;
    advance(batch, v, c);
    ASSERT_EQ(batch.count, 2u);
    EXPECT_EQ(batch.packets[0]->data()[0], 0);
    EXPECT_EQ(batch.packets[1]->data()[0], 2);
    EXPECT_EQ(c.drops[static_cast<std::size_t>(DropReason::runt)], 2u);
    EXPECT_EQ(worker.pool().in_use(), 3u) << "two kept, one consumed (its new owner frees it)";
    release(consumed);
    for (Packet* p : batch) release(p);
    EXPECT_EQ(worker.pool().in_use(), 0u);
}

#ifdef NDEBUG
TEST_F(Parts, APacketWithoutAVerdictIsCountedAndReleased) {
    SwitchPort* a = add("a");
    PacketBatch batch;
    batch.push(packet(std::vector<std::uint8_t>(60, 0)));
    Verdicts v;  // a broken stage: no verdict
    advance(batch, v, worker.lane(a->id)->counters);
    EXPECT_EQ(worker.lane(a->id)->counters.unaccounted, 1u);
    EXPECT_EQ(worker.pool().in_use(), 0u);
}
#else
TEST_F(Parts, APacketWithoutAVerdictIsABug) {
    SwitchPort* a = add("a");
    PacketBatch batch;
    batch.push(packet(std::vector<std::uint8_t>(60, 0)));
    Verdicts v;
    EXPECT_DEATH(advance(batch, v, worker.lane(a->id)->counters), "without a verdict");
    for (Packet* p : batch) release(p);
}
#endif

Op op(OpType t, flow::OfPort port = 0) {
    Op o;
    o.type = t;
    o.port = port;
    return o;
}
Op set(flow::FieldId f, flow::FieldValue v) {
    Op o;
    o.type = OpType::set_field;
    o.field = f;
    o.value = v;
    return o;
}

TEST_F(Parts, AnOutputIsASnapshotOfThePacketAtThatPoint) {
    SwitchPort* a = add("a");
    add("b");
    add("c");
    testlib::FrameSpec s;
    s.payload = testlib::make_payload(40);
    const testlib::Frame f = testlib::build_frame(s);
    flow::Program prog;
    prog.push(set(flow::FieldId::nw_dst, 0x0a000063));
    prog.push(op(OpType::output, 2));
    prog.push(set(flow::FieldId::nw_dst, 0x0a000064));
    prog.push(op(OpType::output, 3));
    NormalBurstCache cache;
    EXPECT_FALSE(pipeline.run_program(worker, *a, packet(f.bytes), prog, cache));
    flush();
    auto b_out = io[1]->take_all();
    auto c_out = io[2]->take_all();
    ASSERT_EQ(b_out.size(), 1u);
    ASSERT_EQ(c_out.size(), 1u);
    EXPECT_EQ(b_out[0].bytes[f.l3 + 19], 0x63);
    EXPECT_EQ(c_out[0].bytes[f.l3 + 19], 0x64);
    // Both rewrites kept every checksum right (the checksum module's job, checked here once).
    for (auto* out : {&b_out[0], &c_out[0]}) {
        testlib::Frame got = f;
        got.bytes = out->bytes;
        EXPECT_EQ(testlib::stored_l4_checksum(got), testlib::ref_l4_checksum(got));
        EXPECT_TRUE(testlib::ref_ipv4_header_ok(got));
    }
    EXPECT_EQ(worker.pool().in_use(), 0u);
}

TEST_F(Parts, ProgramsThatSendNowhereSayWhy) {
    SwitchPort* a = add("a");
    const std::vector<std::uint8_t> frame(60, 0);
    NormalBurstCache cache;
    flow::Program none;
    none.drop = flow::ProgramDrop::no_match;
    Packet* p = packet(frame);
    EXPECT_EQ(pipeline.run_program(worker, *a, p, none, cache), DropReason::flow_no_match);
    release(p);
    flow::Program to_nowhere;
    to_nowhere.push(op(OpType::output, 42));
    p = packet(frame);
    EXPECT_EQ(pipeline.run_program(worker, *a, p, to_nowhere, cache), DropReason::flow_no_port);
    release(p);
    EXPECT_EQ(worker.pool().in_use(), 0u);
}

TEST_F(Parts, FloodAndInPortAndNormal) {
    SwitchPort* a = add("a");
    add("b");
    add("c");
    std::vector<std::uint8_t> frame(60, 0);
    std::fill(frame.begin(), frame.begin() + 6, 0xff);
    frame[11] = 0xa;
    NormalBurstCache cache;
    flow::Program prog;
    prog.push(op(OpType::flood));
    prog.push(op(OpType::in_port));
    EXPECT_FALSE(pipeline.run_program(worker, *a, packet(frame), prog, cache));
    flush();
    EXPECT_EQ(io[0]->take_all().size(), 1u) << "in_port sends back to a";
    EXPECT_EQ(io[1]->take_all().size(), 1u);
    EXPECT_EQ(io[2]->take_all().size(), 1u);

    flow::Program normal;
    normal.push(op(OpType::normal));
    EXPECT_FALSE(pipeline.run_program(worker, *a, packet(frame), normal, cache));
    flush();
    EXPECT_EQ(io[0]->take_all().size(), 0u);
    EXPECT_EQ(io[1]->take_all().size(), 1u);
    EXPECT_EQ(br->fdb.lookup(frame.data() + 6, 0, 0), a->id) << "NORMAL learned the source";
    EXPECT_EQ(worker.pool().in_use(), 0u);
}

}  // namespace
}  // namespace sy::datapath
