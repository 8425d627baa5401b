// What an attach announces (gratuitous ARP, unsolicited NA), the MAC it derives and the
// addresses it refuses, without namespaces: the frames are checked by the switch's own parser
// and checksum code, written independently of the builder.
#include "container/announce.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "container/address.hpp"
#include "container/attach.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace sy::container {
namespace {

MacAddress mac(const char* text) {
    return *parse_mac(text);
}

TEST(Announce, GratuitousArpIsABroadcastRequestForItsOwnAddress) {
    const auto f = gratuitous_arp_frame(mac("06:01:02:03:04:05"), *parse_ip("10.231.0.2"));
    ASSERT_EQ(f.size(), 60u);
    EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.begin() + 6),
              std::vector<std::uint8_t>(6, 0xff));
    EXPECT_EQ(f[12], 0x08);
    EXPECT_EQ(f[13], 0x06);
    EXPECT_EQ(f[21], 1) << "an ARP request (RFC 5227 announcement)";
    const std::vector<std::uint8_t> ip{10, 231, 0, 2};
    EXPECT_EQ(std::vector<std::uint8_t>(f.begin() + 28, f.begin() + 32), ip) << "sender IP";
    EXPECT_EQ(std::vector<std::uint8_t>(f.begin() + 38, f.begin() + 42), ip) << "target IP";
    EXPECT_EQ(f[22], 0x06);
    EXPECT_EQ(f[27], 0x05);
}

TEST(Announce, UnsolicitedNeighbourAdvertisementHasAGoodChecksumAndOverride) {
    const auto f = unsolicited_na_frame(mac("06:01:02:03:04:05"), *parse_ip("fd00::2"));
    const net::ParsedHeaders p = net::parse(f);
    ASSERT_TRUE(p.ok());
    const net::L4CsumCheck check = net::check_l4_checksum(f, p.outer);
    EXPECT_EQ(check.verdict, net::L4CsumVerdict::good) << net::to_string(check.verdict);
    EXPECT_EQ(f[14 + 7], 255) << "hop limit 255, or receivers ignore it";
    const std::size_t icmp = 14 + 40;
    EXPECT_EQ(f[icmp], 136);
    EXPECT_EQ(f[icmp + 4] & 0x20, 0x20) << "override";
    EXPECT_EQ(f[icmp + 4] & 0xc0, 0) << "neither router nor solicited";
    EXPECT_EQ(f[icmp + 24], 2) << "target link-layer address option";
    EXPECT_EQ(f[icmp + 31], 0x05);
    EXPECT_EQ(f[0], 0x33);
    EXPECT_EQ(f[5], 0x01);
}

TEST(DerivedMac, StablePerBridgeContainerAndIfnameUnicastAndLocal) {
    const MacAddress a = derive_container_mac("br0", "web", "eth0");
    EXPECT_EQ(a.to_string(), derive_container_mac("br0", "web", "eth0").to_string());
    EXPECT_NE(a.to_string(), derive_container_mac("br0", "web", "eth1").to_string());
    EXPECT_NE(a.to_string(), derive_container_mac("br1", "web", "eth0").to_string());
    EXPECT_NE(a.to_string(), derive_container_mac("br0", "db", "eth0").to_string());
    EXPECT_EQ(a.bytes[0], 0x06) << "locally administered, unicast";
    EXPECT_TRUE(parse_mac(a.to_string())) << "a MAC an interface can own";
}

TEST(InterfaceAddress, HostAddressesOnlyForInterfaces) {
    for (const char* ok : {"10.231.0.1/24", "10.231.0.254/24", "10.0.0.1/31", "10.0.0.0/31",
                           "192.168.1.7/32", "fd00::1/64", "fd00::/64"}) {
        EXPECT_TRUE(check_interface_address(*parse_cidr(ok))) << ok;
    }
    for (const char* bad : {"10.231.0.0/24", "10.231.0.255/24", "0.0.0.0/0", "0.0.0.0/8",
                            "10.0.0.1/0", "::/0", "::/64", "10.0.0.0/8"}) {
        const Status s = check_interface_address(*parse_cidr(bad));
        EXPECT_FALSE(s) << bad;
        EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
    }
}

}  // namespace
}  // namespace sy::container
