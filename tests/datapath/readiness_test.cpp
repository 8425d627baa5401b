// A poll round receives only from ports with work: idle ports cost no system call (their fd
// stays in epoll), a readable one is received from in the next round, and once a second every
// port is received from anyway (so a failure epoll did not report is still seen).
#include <sys/eventfd.h>
#include <unistd.h>

#include "datapath/port_readiness.hpp"
#include "switch_fixture.hpp"

namespace sy::datapath::test {
namespace {

// A port that never has frames, counting how often the switch asks it for some. Its fd
// becomes readable on demand (poke), as a socket with a pending error would.
class CountingPort final : public port::Port {
  public:
    explicit CountingPort(std::string name)
        : Port(std::move(name), memory_port_caps(OffloadMode::vnet_hdr)),
          fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
    ~CountingPort() override { ::close(fd_); }
    std::uint32_t rx_burst(PacketPool&, PacketBatch&) override {
        ++rx_calls;
        std::uint64_t v;
        [[maybe_unused]] ssize_t n = ::read(fd_, &v, sizeof v);
        return 0;
    }
    void tx_burst(PacketBatch& batch) override {
        for (Packet* p : batch) release(p);
        batch.clear();
    }
    int poll_fd() const override { return fd_; }
    void poke() {
        const std::uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
    }
    int rx_calls = 0;

  private:
    int fd_;
};

class Readiness : public SwitchTest {
  protected:
    std::vector<CountingPort*> add_idle(int n) {
        std::vector<CountingPort*> idle;
        for (int i = 0; i < n; ++i) {
            PortConfig c;
            c.name = "idle" + std::to_string(i);
            c.kind = PortKind::memory;
            auto io = std::make_unique<CountingPort>(c.name);
            idle.push_back(io.get());
            EXPECT_TRUE(sw->add_port("br0", c, std::move(io)));
        }
        return idle;
    }
    int idle_calls(const std::vector<CountingPort*>& idle) {
        int sum = 0;
        for (CountingPort* p : idle) sum += p->rx_calls;
        return sum;
    }
};

TEST_F(Readiness, IdlePortsAreNotReceivedFrom) {
    auto* a = add("a");
    auto* b = add("b");
    const auto idle = add_idle(48);
    sw->run_once();  // the first round's housekeeping makes the next one receive from all
    sw->run_once();
    for (CountingPort* p : idle) p->rx_calls = 0;
    ASSERT_TRUE(b->inject(broadcast_from(0xB)));  // learn b
    run();
    (void)b->take_all();
    for (CountingPort* p : idle) p->rx_calls = 0;
    for (int i = 0; i < 100; ++i) {
        ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
        sw->run_once();
    }
    EXPECT_EQ(b->take_all().size(), 100u);
    EXPECT_EQ(idle_calls(idle), 0) << "idle ports must cost nothing per round";
}

TEST_F(Readiness, AReadablePortIsReceivedFromInTheNextRound) {
    add("a");
    const auto idle = add_idle(4);
    sw->run_once();
    sw->run_once();
    for (CountingPort* p : idle) p->rx_calls = 0;
    idle[2]->poke();
    sw->run_once();
    EXPECT_EQ(idle[2]->rx_calls, 1);
    EXPECT_EQ(idle_calls(idle), 1);
    sw->run_once();  // drained: not readable any more
    EXPECT_EQ(idle_calls(idle), 1);
}

TEST_F(Readiness, OnceASecondEveryPortIsReceivedFrom) {
    add("a");
    const auto idle = add_idle(8);
    sw->run_once();
    sw->run_once();
    for (CountingPort* p : idle) p->rx_calls = 0;
    for (int i = 0; i < 10; ++i) sw->run_once();
    EXPECT_EQ(idle_calls(idle), 0);
    now_ns += 2'000'000'000ull;
    sw->run_once();  // housekeeping
    sw->run_once();  // the sweep
    for (CountingPort* p : idle) EXPECT_EQ(p->rx_calls, 1) << "every port once";
}

TEST_F(Readiness, ABacklogLongerThanABurstIsDrainedOverRounds) {
    auto* a = add("a");
    auto* b = add("b");
    sw->run_once();
    sw->run_once();
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    std::uint32_t received = 0;
    for (int round = 0; round < 10; ++round) received += sw->run_once();
    EXPECT_EQ(received, 100u) << "a port still readable after its burst comes back";
    EXPECT_EQ(b->take_all().size(), 100u);
}

TEST(PortReadinessSet, ReportsReadyFdsInPortOrderAndUnwaitablePortsAlways) {
    PortReadiness r;
    int fds[3];
    for (int& fd : fds) fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    r.add(7, fds[0]);
    r.add(3, fds[1]);
    r.add(5, fds[2]);
    r.add(9, -1);
    EXPECT_EQ(r.size(), 4u);
    std::vector<PortId> out;
    out.reserve(r.max_collected());
    r.collect(out);
    EXPECT_EQ(out, (std::vector<PortId>{9}));
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(fds[0], &one, sizeof one), 8);
    ASSERT_EQ(::write(fds[1], &one, sizeof one), 8);
    r.collect(out);
    EXPECT_EQ(out, (std::vector<PortId>{3, 7, 9}));
    r.remove(3, fds[1]);
    r.remove(9, -1);
    r.collect(out);
    EXPECT_EQ(out, (std::vector<PortId>{7}));
    EXPECT_EQ(r.size(), 2u);
    for (int fd : fds) ::close(fd);
}

}  // namespace
}  // namespace sy::datapath::test
