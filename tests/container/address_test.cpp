#include "container/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace sy::container {
namespace {

TEST(ParseCidr, AcceptsIpv4AndIpv6WithPrefix) {
    auto v4 = parse_cidr("10.200.0.1/24");
    ASSERT_TRUE(v4) << v4.status().message();
    EXPECT_EQ(v4->address.family, AF_INET);
    EXPECT_EQ(v4->length, 24);
    EXPECT_EQ(v4->to_string(), "10.200.0.1/24");
    auto v6 = parse_cidr("fd00::1/64");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->address.family, AF_INET6);
    EXPECT_EQ(v6->to_string(), "fd00::1/64");
}

TEST(ParseCidr, RejectsWithPreciseMessages) {
    for (const char* bad :
         {"10.200.0.1", "10.200.0.1/", "10.200.0.1/33", "10.200.0.1/-1", "10.200.0.1/2x",
          "10.200.0/24", "300.1.1.1/8", "fd00::1/129", "/24", "", "10.200.0.1/24 "}) {
        auto r = parse_cidr(bad);
        EXPECT_FALSE(r) << bad;
        if (!r) {
            EXPECT_EQ(r.status().code(), Errc::invalid_argument);
            EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
        }
    }
}

TEST(ParseIp, BothFamilies) {
    EXPECT_EQ(parse_ip("10.200.0.254")->family, AF_INET);
    EXPECT_EQ(parse_ip("::1")->family, AF_INET6);
    EXPECT_FALSE(parse_ip("10.200.0.254/24"));
    EXPECT_FALSE(parse_ip("gateway"));
}

TEST(ParseMac, AcceptsUnicastLowerAndUpper) {
    auto mac = parse_mac("02:AB:cd:00:00:01");
    ASSERT_TRUE(mac) << mac.status().message();
    EXPECT_EQ(mac->to_string(), "02:ab:cd:00:00:01");
}

TEST(ParseMac, Rejects) {
    for (const char* bad :
         {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02-00-00-00-00-01", "0g:00:00:00:00:01",
          "01:00:5e:00:00:01", "00:00:00:00:00:00", "02:00:00:00:00:1 "}) {
        EXPECT_FALSE(parse_mac(bad)) << bad;
    }
}

TEST(CheckIfname, LengthAndCharacters) {
    EXPECT_TRUE(check_ifname("eth0"));
    EXPECT_TRUE(check_ifname("abcdefghijklmno"));    // 15
    EXPECT_FALSE(check_ifname("abcdefghijklmnop"));  // 16
    EXPECT_FALSE(check_ifname(""));
    EXPECT_FALSE(check_ifname("a/b"));
    EXPECT_FALSE(check_ifname("a b"));
    EXPECT_FALSE(check_ifname(".."));
}

}  // namespace
}  // namespace sy::container
