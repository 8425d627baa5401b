// Fuzz target for the OpenFlow 1.3 codec: any bytes, read as a stream of messages the way a
// connection frames them, go through the decoder their type names. No input may read
// outside the message; what decodes must re-encode and decode to the same thing (matches
// whose prerequisites hold, and instructions), so encoder and decoder agree.
// Seeds: tests/fuzz/corpus/openflow/ (HELLO, FLOW_MOD, PACKET_OUT, MULTIPART requests).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_require.hpp"
#include "openflow/actions.hpp"
#include "openflow/messages.hpp"
#include "openflow/oxm.hpp"

namespace {

using namespace sy::openflow;

void check_round_trip(const sy::flow::FlowMod& mod) {
    Bytes b;
    Writer w(b);
    encode_match(w, mod.match);
    Reader r(b);
    sy::flow::Match back;
    SY_FUZZ_REQUIRE(!decode_match(r, back));
    // A match is written in terms of its prerequisites (TCP_DST needs ip_proto=6 to be
    // named); one that lacks them is refused before it gets anywhere (OFPBMC_BAD_PREREQ).
    if (mod.match.check_prerequisites()) SY_FUZZ_REQUIRE(back == mod.match);
    Bytes ib;
    Writer iw(ib);
    encode_instructions(iw, mod.instructions, mod.match);
    sy::flow::Instructions ins;
    if (!decode_instructions(Reader(ib), ins)) {
        Bytes again;
        Writer aw(again);
        encode_instructions(aw, ins, mod.match);
        SY_FUZZ_REQUIRE(again == ib);  // stable after one trip
    }
}

void one(const Header& h, std::span<const std::uint8_t> msg) {
    const auto body = msg.subspan(kHeaderSize);
    switch (static_cast<MsgType>(h.type)) {
        case MsgType::hello:
            (void)hello_accepts_13(h, body);
            break;
        case MsgType::flow_mod: {
            FlowModMsg fm;
            if (!decode_flow_mod(body, fm)) check_round_trip(fm.mod);
            break;
        }
        case MsgType::packet_out: {
            PacketOutMsg po;
            if (!decode_packet_out(body, po)) {
                SY_FUZZ_REQUIRE(po.data.data() >= body.data() &&
                                po.data.data() + po.data.size() <= body.data() + body.size());
            }
            break;
        }
        case MsgType::multipart_request: {
            MultipartRequest req;
            if (decode_multipart(body, req)) break;
            sy::flow::FlowFilter filter;
            (void)decode_flow_stats_request(req.body, filter);
            sy::flow::OfPort port;
            (void)decode_port_stats_request(req.body, port);
            break;
        }
        case MsgType::set_config: {
            SwitchConfig c;
            (void)decode_set_config(body, c);
            break;
        }
        case MsgType::role_request: {
            RoleMsg r;
            (void)decode_role(body, r);
            break;
        }
        default: {
            // Anything else: as a bare action list, instruction list and match.
            sy::flow::ActionList actions;
            (void)decode_actions(Reader(body), actions);
            sy::flow::Instructions ins;
            (void)decode_instructions(Reader(body), ins);
            Reader r(body);
            sy::flow::Match m;
            (void)decode_match(r, m);
            break;
        }
    }
    Bytes err;
    encode_error(err, h.xid, OfError{}, msg);
    SY_FUZZ_REQUIRE(err.size() <= 12 + 64);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::size_t at = 0;
    while (at < size) {
        const auto h = peek_header(std::span(data + at, size - at));
        if (!h || h->length < kHeaderSize || h->length > size - at) break;
        // An exact-size copy, so that ASan sees any read past the message.
        std::vector<std::uint8_t> msg(data + at, data + at + h->length);
        one(*h, msg);
        at += h->length;
    }
    return 0;
}
