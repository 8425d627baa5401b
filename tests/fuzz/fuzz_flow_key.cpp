// Fuzz target for flow key extraction and packet synthesis: any input, as an Ethernet frame,
// must give a key without reading outside the frame; the frame synthesized from that key
// (when it is one) must parse, and give back the key's L2 fields and EtherType.
// Seeds: tests/fuzz/corpus/flow_key/ (frames, as for the parser).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "flow/key_extract.hpp"
#include "flow/packet_synth.hpp"
#include "fuzz_require.hpp"
#include "net/parse.hpp"

namespace {}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sy;
    // An exact-size copy, so that ASan sees any read past the frame.
    std::vector<std::uint8_t> frame(data, data + size);
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
