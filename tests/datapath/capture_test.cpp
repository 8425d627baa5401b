// Port capture through the capture layer's pcapng writer: packets in both directions, with
// the offload metadata the switch had for them.
#include <unistd.h>

#include "capture/capture_reader.hpp"
#include "switch_fixture.hpp"

namespace sy::datapath::test {
namespace {

TEST_F(SwitchTest, CaptureRecordsBothDirectionsWithOffloadMetadata) {
    auto* a = add("a");
    auto* b = add("b");
    const std::string path = "/tmp/sy-dp-capture-" + std::to_string(::getpid()) + ".pcapng";
    ASSERT_TRUE(sw->start_capture("br0", "a", CaptureDirection::both, path));
    EXPECT_EQ(sw->start_capture("br0", "a", CaptureDirection::both, path).code(),
              Errc::already_exists);
    testlib::FrameSpec s;
    s.payload = testlib::make_payload(50);
    s.csum = testlib::CsumFill::seed;
    testlib::Frame f = testlib::build_frame(s);
    ASSERT_TRUE(a->inject(f.bytes, testlib::partial_offload(f)));  // a: in
    ASSERT_TRUE(b->inject(unicast(0x1, 0xB)));                     // a: out (flooded)
    run();
    ASSERT_TRUE(sw->stop_capture("br0", "a"));
    EXPECT_EQ(sw->stop_capture("br0", "a").code(), Errc::not_found);

    auto reader = capture::CaptureReader::open(path);
    ASSERT_TRUE(reader) << reader.status().message();
    capture::CapturedPacket pkt;
    std::vector<capture::Direction> dirs;
    bool saw_partial = false;
    while (reader->next(pkt) == capture::ReadOutcome::packet) {
        dirs.push_back(pkt.direction);
        if (pkt.has_meta && pkt.meta.has_offload && pkt.meta.offload.is_partial()) {
            saw_partial = true;
            EXPECT_EQ(pkt.meta.offload.csum_start, f.l4);
        }
    }
    ASSERT_EQ(dirs.size(), 2u);
    EXPECT_EQ(dirs[0], capture::Direction::inbound);
    EXPECT_EQ(dirs[1], capture::Direction::outbound);
    EXPECT_TRUE(saw_partial)
        << "the partial state is recorded, so the seed is not mistaken for corruption";
    ::unlink(path.c_str());
}

}  // namespace
}  // namespace sy::datapath::test
