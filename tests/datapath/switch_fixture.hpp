#pragma once
// A SwitchCore driven by hand (no poll thread, injected clock) with in-memory ports.

#include <gtest/gtest.h>

#include <string>

#include "datapath/port_factory.hpp"
#include "datapath/switch_core.hpp"
#include "port/memory/memory_port.hpp"
#include "testlib/frame_builder.hpp"
#include "testlib/packet_util.hpp"

namespace sy::datapath::test {

using Bytes = std::vector<std::uint8_t>;

inline void set_macs(Bytes& b, std::uint8_t dst, std::uint8_t src) {
    const std::uint8_t d[6] = {0x02, 0, 0, 0, 0, dst}, s[6] = {0x02, 0, 0, 0, 0, src};
    std::copy(d, d + 6, b.begin());
    std::copy(s, s + 6, b.begin() + 6);
}

inline Bytes broadcast_from(std::uint8_t src) {
    Bytes b(60, 0);
    std::fill(b.begin(), b.begin() + 6, 0xff);
    const std::uint8_t s[6] = {0x02, 0, 0, 0, 0, src};
    std::copy(s, s + 6, b.begin() + 6);
    b[12] = 0x08;
    b[13] = 0x06;  // ARP
    return b;
}

inline Bytes unicast(std::uint8_t dst, std::uint8_t src) {
    Bytes b = broadcast_from(src);
    set_macs(b, dst, src);
    return b;
}

class SwitchTest : public ::testing::Test {
  protected:
    std::uint64_t now_ns = 1'000'000'000ull;

    SwitchOptions options() {
        SwitchOptions o;
        o.start_poll_thread = false;
        o.clock = [this] { return now_ns; };
        o.pool_packets = pool_packets;
        o.log = false;
        return o;
    }
    void make_switch() {
        sw = std::make_unique<SwitchCore>(options());
        ASSERT_TRUE(sw->add_bridge("br0"));
    }
    void SetUp() override { make_switch(); }

    port::MemoryPort* add(const std::string& name, OffloadMode mode = OffloadMode::vnet_hdr,
                          std::uint16_t access_vlan = 0, std::vector<std::uint16_t> trunk = {},
                          offload::PortOffloadCaps* caps = nullptr, double corrupt = 0.0,
                          bool mark_verified = false) {
        PortConfig c;
        c.name = name;
        c.kind = PortKind::memory;
        c.offload = mode;
        c.access_vlan = access_vlan;
        c.trunk_vlans = trunk;
        c.corrupt_fraction = corrupt;
        c.unsafe_mark_verified = mark_verified;
        auto io = std::make_unique<port::MemoryPort>(name, caps ? *caps : memory_port_caps(mode));
        port::MemoryPort* raw = io.get();
        const Status s = sw->add_port("br0", c, std::move(io));
        EXPECT_TRUE(s) << s.message();
        return raw;
    }
    void run() {
        while (sw->run_once() != 0) {
        }
    }
    PortStats stats(const std::string& port) {
        for (const BridgeInfo& b : sw->bridges()) {
            for (const PortInfo& p : b.ports) {
                if (p.config.name == port) return p.stats;
            }
        }
        ADD_FAILURE() << "no port " << port;
        return {};
    }
    std::uint64_t drops(const std::string& port, const std::string& reason) {
        for (auto& [name, n] : stats(port).drops) {
            if (name == reason) return n;
        }
        return 0;
    }

    std::uint32_t pool_packets = 256;
    std::unique_ptr<SwitchCore> sw;
};

}  // namespace sy::datapath::test
