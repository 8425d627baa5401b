// The control plane's flow calls: parsed with the bridge's port names, all or nothing,
// persisted as add-flow lines with port numbers and restored; trace builds the packet asked for.
#include <gtest/gtest.h>

#include "base/bytes.hpp"
#include "control/service_fixture.hpp"
#include "control/switch_service.hpp"
#include "net/checksum.hpp"
#include "net/parse.hpp"

namespace sy::control {
namespace {

using testing::FakeHost;
using testing::FakeSwitch;

using testing::port;

class FlowServiceTest : public testing::ServiceTest {
  protected:
    void SetUp() override {
        host.links = {"veth1", "veth2"};
        ASSERT_TRUE(service.add_bridge("br0"));
        ASSERT_TRUE(service.add_port("br0", port("veth1")));
        ASSERT_TRUE(service.add_port("br0", port("veth2")));
    }
    std::vector<std::string> dumped(bool stats = false) {
        auto d = service.dump_flows("br0", "", false, stats);
        EXPECT_TRUE(d) << d.status().message();
        std::vector<std::string> out;
        for (const auto& line : (*d)["lines"]) out.push_back(line.get<std::string>());
        return out;
    }
};

TEST_F(FlowServiceTest, PortNamesAreParsedAndPersistedAsNumbers) {
    auto r = service.add_flows("br0", "priority=10,in_port=veth1,actions=output:veth2", false);
    ASSERT_TRUE(r) << r.status().message();
    const Config cfg = service.config();
    const auto& rec = cfg.bridges[0];
    ASSERT_TRUE(rec.flows.has_value());
    bool found = false;
    for (const auto& line : *rec.flows) {
        if (line.find("priority=10") != std::string::npos) {
            found = true;
            EXPECT_NE(line.find("in_port=1"), std::string::npos) << line;
            EXPECT_NE(line.find("output:2"), std::string::npos) << line;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(FlowServiceTest, AMalformedFlowChangesNothingAndNamesTheToken) {
    ASSERT_TRUE(service.add_flows("br0", "priority=5,actions=drop", false));
    const auto before = dumped();
    const auto config_before = service.config().bridges[0].flows;
    auto bad =
        service.add_flows("br0", "priority=1,actions=drop\ntcp,tp_dst=70000,actions=drop", true);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.status().code(), Errc::invalid_argument);
    EXPECT_NE(bad.status().message().find("70000"), std::string::npos) << bad.status().message();
    EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
    EXPECT_EQ(dumped(), before);
    EXPECT_EQ(service.config().bridges[0].flows, config_before);
    auto unknown_port = service.add_flows("br0", "in_port=veth9,actions=drop", false);
    ASSERT_FALSE(unknown_port);
    EXPECT_NE(unknown_port.status().message().find("veth9"), std::string::npos);
    EXPECT_EQ(dumped(), before);
}

TEST_F(FlowServiceTest, ReplaceAndDeleteAreAllOrNothing) {
    ASSERT_TRUE(service.replace_flows("br0", "priority=0,actions=NORMAL\nip,actions=drop\n"));
    EXPECT_EQ(dumped().size(), 2u);
    ASSERT_FALSE(service.replace_flows("br0", "priority=0,actions=NORMAL\nfrobnicate\n"));
    EXPECT_EQ(dumped().size(), 2u);
    // Strict: the priority must match too (the flow has the default 32768).
    ASSERT_TRUE(service.del_flows("br0", "priority=5,ip", true));
    EXPECT_EQ(dumped().size(), 2u);
    ASSERT_TRUE(service.del_flows("br0", "ip", false));
    EXPECT_EQ(dumped().size(), 1u);
    ASSERT_TRUE(service.del_flows("br0", "", false));
    EXPECT_TRUE(dumped().empty());
    ASSERT_TRUE(service.config().bridges[0].flows.has_value());
    EXPECT_TRUE(service.config().bridges[0].flows->empty());  // no flows at all: drop everything
}

TEST(FlowServiceRestore, FlowsComeBackWithThePorts) {
    FakeHost host;
    host.links = {"veth1", "veth2"};
    Config saved;
    {
        FakeSwitch sw;
        SwitchService service(sw, StateStore(""), host.links_api(), Config{});
        ASSERT_TRUE(service.add_bridge("br0"));
        ASSERT_TRUE(service.add_port("br0", port("veth1")));
        ASSERT_TRUE(service.add_port("br0", port("veth2")));
        ASSERT_TRUE(service.add_flows(
            "br0", "priority=7,in_port=veth2,tcp,tp_dst=80,actions=mod_tp_dst:8080,output:veth1",
            false));
        saved = service.config();
    }
    FakeSwitch sw;
    SwitchService service(sw, StateStore(""), host.links_api(), saved);
    EXPECT_TRUE(service.restore().empty());
    auto d = service.dump_flows("br0", "tcp", false, false);
    ASSERT_TRUE(d) << d.status().message();
    ASSERT_EQ((*d)["lines"].size(), 1u);
    const std::string text = (*d)["lines"][0];
    EXPECT_NE(text.find("in_port=veth2"), std::string::npos) << text;
    EXPECT_NE(text.find("mod_tp_dst:8080"), std::string::npos) << text;
}

// A partial packet is traced as a CHECKSUM_PARTIAL sender leaves it: the pseudo-header seed in
// its checksum field (so the rewrites' seed updates are shown on what really arrives).
TEST_F(FlowServiceTest, TracePartialCarriesTheSeed) {
    TraceParams p;
    p.flow = "in_port=veth1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=80";
    p.csum = "partial";
    ASSERT_TRUE(service.trace("br0", p));
    ASSERT_TRUE(sw.last_trace.has_value());
    const auto& req = *sw.last_trace;
    EXPECT_EQ(req.in_port, 1u);
    EXPECT_EQ(req.offload.csum, CsumState::partial);
    const auto h = net::parse(req.frame);
    ASSERT_TRUE(h.ok());
    const auto& l = h.outer;
    EXPECT_EQ(req.offload.csum_start, l.l4);
    const auto l4_len = static_cast<std::uint32_t>(req.frame.size() - l.l4);
    const std::uint16_t seed =
        net::partial_seed(net::ipv4_pseudo_sum(req.frame.data() + l.l3, 6, l4_len));
    EXPECT_EQ(load_be16(req.frame.data() + l.l4 + 16), seed);

    TraceParams none = p;
    none.csum.reset();
    ASSERT_TRUE(service.trace("br0", none));
    EXPECT_EQ(sw.last_trace->offload.csum, CsumState::none);
    TraceParams bad = p;
    bad.flow = "in_port=veth1,icmp,nw_dst=10.0.0.2";
    EXPECT_EQ(service.trace("br0", bad).status().code(), Errc::invalid_argument);
}

}  // namespace
}  // namespace sy::control
