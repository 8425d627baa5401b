#pragma once
// Test helper: frames written as hex strings (as scapy's bytes(pkt).hex() prints them).
#include <cstdint>
#include <string_view>
#include <vector>

namespace sy::net::test {

inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
    auto nibble = [](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
        return static_cast<std::uint8_t>(c - 'A' + 10);
    };
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    return out;
}

// Frames generated with scapy (the comment shows the expression).
// Ether()/IP(options=[NOP]*4)/TCP(sport=1,dport=80,options=[MSS 1460])/b'hello'
inline constexpr std::string_view kTcp4WithOptions =
    "02fc0000000502fc0000000108004600003500010000400663be0a0000010a00000201010101000100500000"
    "000000000000600220001ffc0000020405b468656c6c6f";
// Ether()/IPv6()/HopByHop()/Routing()/DestOpt()/UDP(sport=5,dport=53)/b'abc'
inline constexpr std::string_view kUdp6ExtHeaders =
    "ffffffffffff02fc0000000186dd6000000000230040fd000000000000000000000000000001fd0000000000"
    "000000000000000000022b000104000000003c00000000000000110001040000000000050035000b41376162"
    "63";
// Ether(type=0x88a8)/Dot1AD(vlan=10)/Dot1Q(vlan=20)/IP()/ICMP()/b'x'
inline constexpr std::string_view kQinqIcmp =
    "ffffffffffff02fc0000000188a8000a8100001408004500001d00010000400174da01010101020202020800"
    "7fff0000000078";
// Ether()/IPv6()/IPv6ExtHdrFragment(offset=0,m=1,nh=6)/TCP()
inline constexpr std::string_view kIpv6FirstFragmentTcp =
    "ffffffffffff00000000000086dd60000000001c2c40000000000000000000000000000000010000000000000"
    "00000000000000000010600000100000000001400500000000000000000500220008f7d0000";
// Ether()/IP()/UDP(dport=4789)/VXLAN(vni=42)/Ether()/IP()/TCP()
inline constexpr std::string_view kVxlanTcp =
    "ffffffffffff00000000000008004500005a0001000040117c907f0000017f00000104d212b50046a9f20c00"
    "000300002a00ffffffffffff0000000000000800450000280001000040067ccd7f0000017f00000100140050"
    "000000000000000050022000917c0000";
// Ether()/IP()/UDP(dport=6081)/GENEVE(vni=7, 8 bytes of options)/Ether()/IPv6()/ICMPv6EchoRequest()
inline constexpr std::string_view kGeneveIcmpv6 =
    "ffffffffffff00000000000008004500006a0001000040117c807f0000017f00000104d217c10056536e0200"
    "6558000007000001020100000000ffffffffffff00000000000086dd6000000000083a400000000000000000"
    "00000000000000010000000000000000000000000000000180007fbb00000000";
// Ether()/ARP()
inline constexpr std::string_view kArp =
    "02fc0000000502fc000000010806000108000604000102fc00000001c000020200000000000000000000";

// Ether()/IPv6()/IPv6ExtHdrRouting(addresses=[fd00::77, fd00::99], segleft=2)/UDP()/b'routed'
// (the checksum uses the final destination fd00::99 in the pseudo-header)
inline constexpr std::string_view kUdp6RoutingSegmentsLeft =
    "ffffffffffff02fc0000000186dd6000000000362b40fd000000000000000000000000000001fd0000000000"
    "000000000000000000021104000200000000fd000000000000000000000000000077fd000000000000000000"
    "00000000009900070009000eb7de726f75746564";
// Ether()/IP(10.200.0.1 > 10.200.0.2)/UDP(chksum=0)/b'nocsum'
inline constexpr std::string_view kUdp4ZeroChecksum =
    "02fc0000000502fc0000000108004500002200010000401165380ac800010ac8000203e807d0000e00006e6f"
    "6373756d";
// Ether()/IPv6()/UDP(chksum=0)/b'nocsum'
inline constexpr std::string_view kUdp6ZeroChecksum =
    "ffffffffffff02fc0000000186dd60000000000e1140fd000000000000000000000000000001fd0000000000"
    "0000000000000000000203e807d0000e00006e6f6373756d";
// Ether()/IP(10.200.0.1 > 10.200.0.2)/TCP(SYN, 20 bytes of options): a 40-byte TCP header,
// the SYN of docs/checksum-cases.md (the fingerprint) whose pseudo-header seed is 0x15c1. Scapy's checksum: 0x75dc.
inline constexpr std::string_view kTcp4Syn40 =
    "02fc0000000502fc0000000108004500003c00010000400665290ac800010ac800029c400050000000000000"
    "0000a002200075dc0000020405b40402080a000000010000000001030307";
// Ether()/IP(frag=10, proto=17)/(b'z'*16): a later fragment, no UDP header.
inline constexpr std::string_view kIpv4LaterFragment =
    "02fc0000000502fc000000010800450000240001000a401166bc0a0000010a0000027a7a7a7a7a7a7a7a7a7a"
    "7a7a7a7a7a7a";

}  // namespace sy::net::test
