// Which interfaces other processes tap, from /proc/net/packet's text.
#include "fastpath/packet_taps.hpp"

#include <gtest/gtest.h>

namespace sy::fastpath {
namespace {

const char* kHeader = "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n";

TEST(PacketTaps, SocketsBoundToAnInterfaceTapIt) {
    const std::string text = std::string(kHeader) +
                             "0000000001822810 3      3    0003   7     1 0      0      1366844\n"
                             "0000000001822c10 3      3    0003   9     1 0      0      1366845\n";
    const PacketTaps t = parse_packet_taps(text, {});
    EXPECT_FALSE(t.any);
    EXPECT_TRUE(t.covers(7));
    EXPECT_TRUE(t.covers(9));
    EXPECT_FALSE(t.covers(8));
}

TEST(PacketTaps, OwnSocketsDoNotCount) {
    const std::string text = std::string(kHeader) +
                             "0000000001822810 3      3    0003   7     1 0      0      100\n"
                             "0000000001822c10 3      3    0003   9     1 0      0      200\n";
    const PacketTaps t = parse_packet_taps(text, {100});
    EXPECT_FALSE(t.covers(7));
    EXPECT_TRUE(t.covers(9));
}

TEST(PacketTaps, ASocketOnEveryInterfaceTapsThemAll) {
    // tcpdump -i any
    const std::string text =
        std::string(kHeader) + "0000000001822810 3      2    0003   0     1 0      0      300\n";
    const PacketTaps t = parse_packet_taps(text, {});
    EXPECT_TRUE(t.any);
    EXPECT_TRUE(t.covers(42));
    EXPECT_FALSE(parse_packet_taps(text, {300}).any);
}

TEST(PacketTaps, NoSocketsOrGarbageTapNothing) {
    EXPECT_FALSE(parse_packet_taps(kHeader, {}).covers(1));
    EXPECT_FALSE(parse_packet_taps("", {}).covers(1));
    EXPECT_FALSE(parse_packet_taps(std::string(kHeader) + "garbage line\n", {}).covers(1));
}

}  // namespace
}  // namespace sy::fastpath
