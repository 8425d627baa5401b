// Fuzz target for flow key extraction and packet synthesis: any input, as an Ethernet frame,
// must give a key without reading outside the frame; the frame synthesized from that key
// (when it is one) must parse, and give back the key's L2 fields and EtherType. The header
// signature stands in for the key: a frame with one and the same frame with one byte changed
// (the input's last two bytes say which and how) have equal signatures exactly when their
// keys are equal.
// Seeds: tests/fuzz/corpus/flow_key/ (frames, as for the parser).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "flow/header_signature.hpp"
#include "flow/key_extract.hpp"
#include "flow/packet_synth.hpp"
#include "fuzz_require.hpp"
#include "net/parse.hpp"

namespace {

void check_signature(const std::uint8_t* data, std::size_t size) {
    using namespace sy;
    if (size < 3) return;
    std::vector<std::uint8_t> a(data, data + size - 2);
    std::vector<std::uint8_t> b = a;
    b[data[size - 2] % b.size()] ^= static_cast<std::uint8_t>(data[size - 1] | 1);
    flow::HeaderSignature sa, sb;
    if (!flow::header_signature(a, 3, sa) || !flow::header_signature(b, 3, sb)) return;
    const net::ParseOptions general{.common_case_fast = false};
    flow::FlowKey ka, kb;
    flow::extract_key(a, net::parse(a, general), 3, ka);
    flow::extract_key(b, net::parse(b, general), 3, kb);
    SY_FUZZ_REQUIRE((sa == sb) == (ka == kb));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sy;
    // An exact-size copy, so that ASan sees any read past the frame.
    std::vector<std::uint8_t> frame(data, data + size);
    check_signature(data, size);
    flow::FlowKey key;
    flow::extract_key(frame, net::parse(frame), 1, key);
    auto synth = flow::synthesize_packet(key);
    if (!synth) return 0;
    const net::ParsedHeaders parsed = net::parse(*synth, {.parse_tunnels = false});
    flow::FlowKey again;
    flow::extract_key(*synth, parsed, 1, again);
    SY_FUZZ_REQUIRE(std::memcmp(again.dl_src, key.dl_src, 6) == 0 &&
                    std::memcmp(again.dl_dst, key.dl_dst, 6) == 0);
    SY_FUZZ_REQUIRE(again.dl_type == key.dl_type && again.vlan_tci == key.vlan_tci);
    return 0;
}
