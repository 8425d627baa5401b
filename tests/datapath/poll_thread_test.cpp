// The real poll thread: it wakes up for traffic after sleeping, applies configuration changes
// while running, and takes a vanished port down without stopping the others.
#include <chrono>
#include <thread>

#include "switch_fixture.hpp"

namespace sy::datapath::test {
namespace {

using namespace std::chrono_literals;

// Waits up to 2 s for `port` to have sent a frame.
std::optional<port::MemoryFrame> wait_frame(port::MemoryPort* port) {
    for (int i = 0; i < 400; ++i) {
        if (auto f = port->take()) return f;
        std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
}

std::unique_ptr<port::MemoryPort> memory(const std::string& name) {
    return std::make_unique<port::MemoryPort>(name, memory_port_caps(OffloadMode::vnet_hdr));
}

PortConfig config(const std::string& name) {
    PortConfig c;
    c.name = name;
    c.kind = PortKind::memory;
    return c;
}

TEST(PollThread, ForwardsAfterIdleSleepAndWhileReconfigured) {
    SwitchOptions o;
    o.log = false;
    o.poll.busy_poll_us = 10;
    SwitchCore sw(o);
    ASSERT_TRUE(sw.add_bridge("br0"));
    auto a_io = memory("a");
    auto b_io = memory("b");
    auto* a = a_io.get();
    auto* b = b_io.get();
    ASSERT_TRUE(sw.add_port("br0", config("a"), std::move(a_io)));
    ASSERT_TRUE(sw.add_port("br0", config("b"), std::move(b_io)));
    std::this_thread::sleep_for(50ms);  // long enough to fall asleep in epoll
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    ASSERT_TRUE(wait_frame(b).has_value()) << "the poll thread must wake up for a port's fd";

    // Reconfigure while traffic flows.
    auto c_io = memory("c");
    auto* c = c_io.get();
    ASSERT_TRUE(sw.add_port("br0", config("c"), std::move(c_io)));
    for (int i = 0; i < 100; ++i) (void)a->inject(broadcast_from(0xA));  // ring may fill: fine
    ASSERT_TRUE(wait_frame(c).has_value());
    ASSERT_TRUE(sw.del_port("br0", "c"));
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    ASSERT_TRUE(wait_frame(b).has_value());
}

// A port whose device disappears after its first receive.
class VanishingPort final : public port::Port {
  public:
    VanishingPort() : Port("vanishing", memory_port_caps(OffloadMode::vnet_hdr)) {}
    std::uint32_t rx_burst(PacketPool&, PacketBatch&) override {
        mark_gone("recvmmsg failed: No such device (test)");
        return 0;
    }
    void tx_burst(PacketBatch& batch) override {
        for (Packet* p : batch) release(p);
        batch.clear();
    }
    int poll_fd() const override { return -1; }
};

TEST_F(SwitchTest, VanishedPortGoesDownOthersKeepSwitching) {
    auto* a = add("a");
    auto* b = add("b");
    ASSERT_TRUE(sw->add_port("br0", config("vanishing"), std::make_unique<VanishingPort>()));
    sw->run_once();
    EXPECT_EQ(sw->ports_vanished(), 1u);
    bool seen = false;
    const std::vector<BridgeInfo> bridges = sw->bridges();
    for (const PortInfo& p : bridges[0].ports) {
        if (p.config.name == "vanishing") {
            EXPECT_FALSE(p.up);
            seen = true;
        }
    }
    EXPECT_TRUE(seen) << "a vanished port stays listed (down) until deleted";
    EXPECT_EQ(sw->port_io("br0", "vanishing"), nullptr) << "its device is closed";
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    run();
    EXPECT_EQ(b->take_all().size(), 1u);
    EXPECT_TRUE(sw->del_port("br0", "vanishing"));
}

}  // namespace
}  // namespace sy::datapath::test
