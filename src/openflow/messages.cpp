// OpenFlow 1.3 message coding (OF 1.3.5 section 7).
#include "openflow/messages.hpp"

#include "openflow/actions.hpp"
#include "openflow/oxm.hpp"

namespace sy::openflow {

namespace {
constexpr std::size_t kReplyBudget = 56000;  // a multipart message is closed past this
constexpr std::uint32_t kGroupAny = 0xffffffff;

std::string fmt_table_name(std::uint8_t table) { return "table" + std::to_string(table); }

std::uint32_t seconds_of(std::uint64_t ns) { return static_cast<std::uint32_t>(ns / 1'000'000'000ull); }
std::uint32_t nanos_of(std::uint64_t ns) { return static_cast<std::uint32_t>(ns % 1'000'000'000ull); }
}  // namespace

std::optional<Header> peek_header(std::span<const std::uint8_t> data) {
    if (data.size() < kHeaderSize) return std::nullopt;
    Reader r(data);
    Header h;
    h.version = r.u8();
    h.type = r.u8();
    h.length = r.u16();
    h.xid = r.u32();
    return h;
}

Message::Message(Bytes& out, MsgType type, std::uint32_t xid) : w(out), out_(out), start_(out.size()) {
    w.u8(kVersion13);
    w.u8(static_cast<std::uint8_t>(type));
    w.u16(0);
    w.u32(xid);
}

void Message::finish() { w.put16(start_ + 2, static_cast<std::uint16_t>(out_.size() - start_)); }

void encode_hello(Bytes& out, std::uint32_t xid) {
    Message m(out, MsgType::hello, xid);
    m.w.u16(1);  // OFPHET_VERSIONBITMAP
    m.w.u16(8);
    m.w.u32(1u << kVersion13);
    m.finish();
}

bool hello_accepts_13(const Header& h, std::span<const std::uint8_t> body) {
    Reader r(body);
    while (r.remaining() >= 4) {
        const std::uint16_t type = r.u16();
        const std::uint16_t len = r.u16();
        if (len < 4 || len - 4u > r.remaining()) break;  // malformed: fall back to the version
        Reader el = r.sub(len - 4u);
        r.skip(((len + 7u) / 8u * 8u - len) < r.remaining() ? (len + 7u) / 8u * 8u - len : r.remaining());
        if (type == 1 && el.remaining() >= 4) return (el.u32() & (1u << kVersion13)) != 0;
    }
    return h.version >= kVersion13;
}

void encode_error(Bytes& out, std::uint32_t xid, OfError error,
                  std::span<const std::uint8_t> offending) {
    Message m(out, MsgType::error, xid);
    m.w.u16(static_cast<std::uint16_t>(error.type));
    m.w.u16(error.code);
    m.w.bytes(offending.first(std::min<std::size_t>(offending.size(), 64)));
    m.finish();
}

void encode_simple(Bytes& out, MsgType type, std::uint32_t xid, std::span<const std::uint8_t> body) {
    Message m(out, type, xid);
    m.w.bytes(body.first(std::min<std::size_t>(body.size(), kMaxMessage - kHeaderSize)));
    m.finish();
}

void encode_features_reply(Bytes& out, std::uint32_t xid, const SwitchFeatures& f) {
    Message m(out, MsgType::features_reply, xid);
    m.w.u64(f.datapath_id);
    m.w.u32(0);  // n_buffers: packets are never buffered (buffer_id is always NO_BUFFER)
    m.w.u8(f.n_tables);
    m.w.u8(0);  // auxiliary_id
    m.w.zeros(2);
    m.w.u32(0x1 | 0x2 | 0x4);  // capabilities: FLOW_STATS, TABLE_STATS, PORT_STATS
    m.w.u32(0);
    m.finish();
}

void encode_config_reply(Bytes& out, std::uint32_t xid, const SwitchConfig& c) {
    Message m(out, MsgType::get_config_reply, xid);
    m.w.u16(c.flags);
    m.w.u16(c.miss_send_len);
    m.finish();
}

std::optional<OfError> decode_set_config(std::span<const std::uint8_t> body, SwitchConfig& c) {
    if (body.size() != 4) return err::bad_len;
    Reader r(body);
    c.flags = r.u16();
    c.miss_send_len = r.u16();
    return std::nullopt;
}

std::optional<OfError> decode_flow_mod(std::span<const std::uint8_t> body, FlowModMsg& out) {
    if (body.size() < 40 + 8) return err::bad_len;
    Reader r(body);
    flow::FlowMod& mod = out.mod;
    mod.cookie = r.u64();
    mod.cookie_mask = r.u64();
    mod.table = r.u8();
    const std::uint8_t command = r.u8();
    mod.idle_timeout = r.u16();
    mod.hard_timeout = r.u16();
    mod.priority = r.u16();
    out.buffer_id = r.u32();
    mod.out_port = r.u32();
    const std::uint32_t out_group = r.u32();
    mod.flags = r.u16();
    r.skip(2);
    if (command > 4) return err::flow_bad_command;
    mod.command = static_cast<flow::FlowModCommand>(command);
    const bool is_delete =
        mod.command == flow::FlowModCommand::del || mod.command == flow::FlowModCommand::del_strict;
    if (is_delete && out_group != kGroupAny) return err::action_bad_out_group;
    if (auto error = decode_match(r, mod.match)) return error;
    if (auto error = decode_instructions(Reader(r.rest()), mod.instructions)) return error;
    if (mod.command == flow::FlowModCommand::add) mod.cookie_mask = 0;
    return std::nullopt;
}

std::optional<OfError> decode_packet_out(std::span<const std::uint8_t> body, PacketOutMsg& out) {
    if (body.size() < 16) return err::bad_len;
    Reader r(body);
    out.buffer_id = r.u32();
    out.in_port = r.u32();
    const std::uint16_t actions_len = r.u16();
    r.skip(6);
    if (actions_len > r.remaining()) return err::bad_len;
    if (auto error = decode_actions(r.sub(actions_len), out.actions)) return error;
    out.data = r.rest();
    return std::nullopt;
}

std::optional<OfError> decode_role(std::span<const std::uint8_t> body, RoleMsg& out) {
    if (body.size() != 16) return err::bad_len;
    Reader r(body);
    const std::uint32_t role = r.u32();
    r.skip(4);
    out.generation_id = r.u64();
    if (role > 3) return err::role_bad_role;
    out.role = static_cast<Role>(role);
    return std::nullopt;
}

void encode_role_reply(Bytes& out, std::uint32_t xid, const RoleMsg& role) {
    Message m(out, MsgType::role_reply, xid);
    m.w.u32(static_cast<std::uint32_t>(role.role));
    m.w.zeros(4);
    m.w.u64(role.generation_id);
    m.finish();
}

std::optional<OfError> decode_multipart(std::span<const std::uint8_t> body, MultipartRequest& out) {
    if (body.size() < 8) return err::bad_len;
    Reader r(body);
    out.type = static_cast<MultipartType>(r.u16());
    out.flags = r.u16();
    r.skip(4);
    out.body = r.rest();
    return std::nullopt;
}

std::optional<OfError> decode_flow_stats_request(std::span<const std::uint8_t> body,
                                                 flow::FlowFilter& out) {
    if (body.size() < 32 + 8) return err::bad_len;
    Reader r(body);
    out.table = r.u8();
    r.skip(3);
    out.out_port = r.u32();
    r.skip(8);  // out_group, pad
    out.cookie = r.u64();
    out.cookie_mask = r.u64();
    out.strict = false;
    if (auto error = decode_match(r, out.match)) return error;
    if (!r.empty()) return err::bad_len;
    return std::nullopt;
}

std::optional<OfError> decode_port_stats_request(std::span<const std::uint8_t> body,
                                                 flow::OfPort& out) {
    if (body.size() != 8) return err::bad_len;
    Reader r(body);
    out = r.u32();
    return std::nullopt;
}

MultipartReply::MultipartReply(Bytes& out, MultipartType type, std::uint32_t xid)
    : out_(out), type_(type), xid_(xid), w_(out) {
    start();
}

void MultipartReply::start() {
    start_ = out_.size();
    w_.u8(kVersion13);
    w_.u8(static_cast<std::uint8_t>(MsgType::multipart_reply));
    w_.u16(0);
    w_.u32(xid_);
    w_.u16(static_cast<std::uint16_t>(type_));
    w_.u16(0);
    w_.zeros(4);
}

void MultipartReply::end(bool more) {
    w_.put16(start_ + 2, static_cast<std::uint16_t>(out_.size() - start_));
    if (more) w_.put16(start_ + 10, kMultipartMore);
}

Writer& MultipartReply::entry() {
    if (out_.size() - start_ > kReplyBudget) {
        end(true);
        start();
    }
    return w_;
}

void MultipartReply::finish() { end(false); }

void write_desc(Writer& w, const SwitchDesc& d) {
    w.fixed_string(d.manufacturer, 256);
    w.fixed_string(d.hardware, 256);
    w.fixed_string(d.software, 256);
    w.fixed_string(d.serial, 32);
    w.fixed_string(d.datapath, 256);
}

void write_flow_stats(Writer& w, const flow::FlowStats& f) {
    const std::size_t at = w.size();
    w.u16(0);
    w.u8(f.table);
    w.u8(0);
    w.u32(seconds_of(f.duration_ns));
    w.u32(nanos_of(f.duration_ns));
    w.u16(f.priority);
    w.u16(f.idle_timeout);
    w.u16(f.hard_timeout);
    w.u16(f.flags);
    w.zeros(4);
    w.u64(f.cookie);
    w.u64(f.n_packets);
    w.u64(f.n_bytes);
    encode_match(w, f.match);
    encode_instructions(w, f.instructions, f.match);
    w.put16(at, static_cast<std::uint16_t>(w.size() - at));
}

void write_aggregate(Writer& w, const flow::AggregateStats& a) {
    w.u64(a.packets);
    w.u64(a.bytes);
    w.u32(a.flows);
    w.zeros(4);
}

void write_table_stats(Writer& w, const flow::TableStats& t) {
    w.u8(t.table);
    w.zeros(3);
    w.u32(t.active);
    w.u64(t.lookups);
    w.u64(t.matched);
}

void write_port(Writer& w, const PortDesc& p) {
    w.u32(p.port_no);
    w.zeros(4);
    w.bytes(p.hw_addr);
    w.zeros(2);
    w.fixed_string(p.name, 16);
    w.u32(0);                                // config
    w.u32(p.link_down ? 0x1 : 0x4);          // state: LINK_DOWN or LIVE
    const std::uint32_t features = 1u << 6 | 1u << 11;  // 10GB_FD, COPPER
    w.u32(features);                         // curr
    w.u32(0);                                // advertised
    w.u32(0);                                // supported
    w.u32(0);                                // peer
    w.u32(p.curr_speed_kbps);
    w.u32(p.curr_speed_kbps);
}

void write_port_stats(Writer& w, const PortCounters& c) {
    w.u32(c.port_no);
    w.zeros(4);
    w.u64(c.rx_packets);
    w.u64(c.tx_packets);
    w.u64(c.rx_bytes);
    w.u64(c.tx_bytes);
    w.u64(c.rx_dropped);
    w.u64(c.tx_dropped);
    w.zeros(6 * 8);  // rx/tx errors, frame, overrun, crc, collisions: none counted
    w.u32(seconds_of(c.duration_ns));
    w.u32(nanos_of(c.duration_ns));
}

void write_table_features(Writer& w, std::uint8_t table) {
    const std::size_t at = w.size();
    w.u16(0);
    w.u8(table);
    w.zeros(5);
    w.fixed_string(fmt_table_name(table), 32);
    w.u64(~0ull);  // metadata_match
    w.u64(~0ull);  // metadata_write
    w.u32(0);      // config
    w.u32(1000000);  // max_entries
    auto prop = [&](std::uint16_t type, auto&& body) {
        const std::size_t p = w.size();
        w.u16(type);
        w.u16(0);
        body();
        w.put16(p + 2, static_cast<std::uint16_t>(w.size() - p));
        w.pad8(p);
    };
    const auto fields = all_oxm_fields();
    auto header = [&](const OxmField& f) {
        w.u16(f.oxm_class);
        w.u8(static_cast<std::uint8_t>(f.field << 1));
        w.u8(f.length);
    };
    auto ids = [&](std::initializer_list<std::uint16_t> types) {
        for (std::uint16_t t : types) {
            w.u16(t);
            w.u16(4);
        }
    };
    prop(0, [&] { ids({1, 2, 3, 4, 5}); });  // INSTRUCTIONS (goto only if a table follows)
    prop(2, [&] {                            // NEXT_TABLES
        for (int t = table + 1; t < flow::kNumTables; ++t) w.u8(static_cast<std::uint8_t>(t));
    });
    prop(4, [&] { ids({0, 17, 18, 24, 25}); });  // WRITE_ACTIONS
    prop(6, [&] { ids({0, 17, 18, 24, 25}); });  // APPLY_ACTIONS
    prop(8, [&] {                                // MATCH
        for (const OxmField& f : fields) header(f);
    });
    prop(10, [&] {  // WILDCARDS
        for (const OxmField& f : fields) {
            if (flow::field_info(f.id).maskable) header(f);
        }
    });
    for (std::uint16_t type : {std::uint16_t{12}, std::uint16_t{14}}) {  // WRITE/APPLY_SETFIELD
        prop(type, [&] {
            for (const OxmField& f : fields) {
                if (flow::field_info(f.id).writable) header(f);
            }
        });
    }
    w.put16(at, static_cast<std::uint16_t>(w.size() - at));
}

void write_group_features(Writer& w) { w.zeros(40); }
void write_meter_features(Writer& w) { w.zeros(16); }

void encode_packet_in(Bytes& out, std::uint32_t xid, const PacketInMsg& p) {
    Message m(out, MsgType::packet_in, xid);
    m.w.u32(kNoBuffer);
    m.w.u16(p.total_len);
    m.w.u8(p.reason);
    m.w.u8(p.table);
    m.w.u64(p.cookie);
    flow::Match match;
    match.set(flow::FieldId::in_port, p.in_port);
    encode_match(m.w, match);
    m.w.zeros(2);
    m.w.bytes(p.data.first(std::min<std::size_t>(p.data.size(), kMaxMessage - 64)));
    m.finish();
}

void encode_port_status(Bytes& out, std::uint32_t xid, PortReason reason, const PortDesc& p) {
    Message m(out, MsgType::port_status, xid);
    m.w.u8(static_cast<std::uint8_t>(reason));
    m.w.zeros(7);
    write_port(m.w, p);
    m.finish();
}

void encode_flow_removed(Bytes& out, std::uint32_t xid, const flow::RemovedFlow& r) {
    Message m(out, MsgType::flow_removed, xid);
    const flow::FlowStats& f = r.stats;
    m.w.u64(f.cookie);
    m.w.u16(f.priority);
    m.w.u8(static_cast<std::uint8_t>(r.reason));
    m.w.u8(f.table);
    m.w.u32(seconds_of(f.duration_ns));
    m.w.u32(nanos_of(f.duration_ns));
    m.w.u16(f.idle_timeout);
    m.w.u16(f.hard_timeout);
    m.w.u64(f.n_packets);
    m.w.u64(f.n_bytes);
    encode_match(m.w, f.match);
    m.finish();
}

}  // namespace sy::openflow
