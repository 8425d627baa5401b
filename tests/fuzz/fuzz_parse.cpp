// Fuzz target for the parser and the L4 checksum code: any input, as an Ethernet frame and as
// a raw IP packet, must parse without reading out of bounds, give offsets inside the input
// and in header order, and survive checksum verification and recomputation. A checksum we
// write must then verify as good.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_require.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace {

using namespace sy::net;

void check_layers(const HeaderLayers& h, std::size_t size) {
    std::uint32_t previous = 0;
    for (std::uint32_t off : {h.l2, h.l3, h.l4, h.payload}) {
        if (off == kAbsent) continue;
        SY_FUZZ_REQUIRE(off <= size);
        SY_FUZZ_REQUIRE(off >= previous);
        previous = off;
    }
    SY_FUZZ_REQUIRE(h.vlan_count <= kMaxVlans);
}

void check_writes(std::span<const std::uint8_t> frame, const HeaderLayers& h) {
    std::vector<std::uint8_t> copy(frame.begin(), frame.end());
    if (h.l3_kind == L3Kind::ipv4 && h.l3 != kAbsent && write_ipv4_header_checksum(copy, h)) {
        SY_FUZZ_REQUIRE(ipv4_header_checksum_ok(copy, h));
    }
    if (write_l4_checksum(copy, h)) {
        SY_FUZZ_REQUIRE(check_l4_checksum(copy, h).verdict == L4CsumVerdict::good);
    }
    if (write_l4_partial_seed(copy, h)) {
        const auto v = check_l4_checksum(copy, h).verdict;
        // A seed can coincide with the correct checksum; otherwise it is recognised as one.
        SY_FUZZ_REQUIRE(v == L4CsumVerdict::partial_seed || v == L4CsumVerdict::good ||
                        v == L4CsumVerdict::unverifiable || v == L4CsumVerdict::zero_no_checksum ||
                        v == L4CsumVerdict::illegal_zero);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> frame(data, size);
    for (LinkType link : {LinkType::ethernet, LinkType::raw_ip}) {
        ParseOptions options;
        options.link = link;
        const ParsedHeaders p = parse(frame, options);
        // The common-case fast path must answer exactly as the general parse.
        ParseOptions general = options;
        general.common_case_fast = false;
        SY_FUZZ_REQUIRE(p == parse(frame, general));
        check_layers(p.outer, size);
        check_l4_checksum(frame, p.outer);
        l4_pseudo_sum(frame, p.outer);
        check_writes(frame, p.outer);
        if (p.tunnel != TunnelKind::none) {
            SY_FUZZ_REQUIRE(p.tunnel_offset <= size);
            check_layers(p.inner, size);
            check_l4_checksum(frame, p.inner);
            check_writes(frame, p.inner);
        }
    }
    return 0;
}
