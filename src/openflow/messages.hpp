#pragma once
// OpenFlow 1.3 messages: the header and framing, and the coding of every message the agent
// receives or sends (OF 1.3.5 section 7). Decoders take the bytes after the 8-byte header,
// check every length before use and answer the spec's error; encoders append whole
// messages (header included) to a buffer. Nothing here knows a connection or the switch.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "flow/flow_tables.hpp"
#include "openflow/protocol.hpp"
#include "openflow/wire.hpp"

namespace sy::openflow {

using Bytes = std::vector<std::uint8_t>;

struct Header {
    std::uint8_t version = kVersion13;
    std::uint8_t type = 0;
    std::uint16_t length = 0;
    std::uint32_t xid = 0;
};
// The header at the start of `data` (nullopt: fewer than 8 bytes).
std::optional<Header> peek_header(std::span<const std::uint8_t> data);

// Builds one message: the header, then the body the caller writes through `w`.
class Message {
  public:
    Message(Bytes& out, MsgType type, std::uint32_t xid);
    Writer w;
    // Sets the length field; call once, after the body.
    void finish();

  private:
    Bytes& out_;
    std::size_t start_;
};

// HELLO: our version bitmap (1.3 only). decode_hello: whether the peer speaks 1.3, from its
// bitmap if it sent one, else from its header version (>= 0x04).
void encode_hello(Bytes& out, std::uint32_t xid);
bool hello_accepts_13(const Header& h, std::span<const std::uint8_t> body);

// ERROR with the first bytes (at most 64) of the message that caused it.
void encode_error(Bytes& out, std::uint32_t xid, OfError error,
                  std::span<const std::uint8_t> offending);
// A body-less or echo-style reply of `type`.
void encode_simple(Bytes& out, MsgType type, std::uint32_t xid,
                   std::span<const std::uint8_t> body = {});

struct SwitchFeatures {
    std::uint64_t datapath_id = 0;
    std::uint8_t n_tables = flow::kNumTables;
};
void encode_features_reply(Bytes& out, std::uint32_t xid, const SwitchFeatures& f);

struct SwitchConfig {
    std::uint16_t flags = 0;
    std::uint16_t miss_send_len = kDefaultMissSendLen;
};
void encode_config_reply(Bytes& out, std::uint32_t xid, const SwitchConfig& c);
std::optional<OfError> decode_set_config(std::span<const std::uint8_t> body, SwitchConfig& c);

struct FlowModMsg {
    flow::FlowMod mod;
    std::uint32_t buffer_id = kNoBuffer;
};
std::optional<OfError> decode_flow_mod(std::span<const std::uint8_t> body, FlowModMsg& out);

struct PacketOutMsg {
    std::uint32_t buffer_id = kNoBuffer;
    flow::OfPort in_port = flow::kOfpController;
    flow::ActionList actions;
    std::span<const std::uint8_t> data;  // points into the message
};
std::optional<OfError> decode_packet_out(std::span<const std::uint8_t> body, PacketOutMsg& out);

struct RoleMsg {
    Role role = Role::nochange;
    std::uint64_t generation_id = 0;
};
std::optional<OfError> decode_role(std::span<const std::uint8_t> body, RoleMsg& out);
void encode_role_reply(Bytes& out, std::uint32_t xid, const RoleMsg& r);

// MULTIPART_REQUEST: its type and flags, and the body after them.
struct MultipartRequest {
    MultipartType type = MultipartType::desc;
    std::uint16_t flags = 0;
    std::span<const std::uint8_t> body;
};
std::optional<OfError> decode_multipart(std::span<const std::uint8_t> body, MultipartRequest& out);
// The flow / aggregate request body as a filter.
std::optional<OfError> decode_flow_stats_request(std::span<const std::uint8_t> body,
                                                 flow::FlowFilter& out);
// The port stats request: its port (OFPP_ANY: all).
std::optional<OfError> decode_port_stats_request(std::span<const std::uint8_t> body,
                                                 flow::OfPort& out);

// A multipart reply of any length: entries go into messages of at most ~64 KiB, all but
// the last flagged OFPMPF_REPLY_MORE.
class MultipartReply {
  public:
    MultipartReply(Bytes& out, MultipartType type, std::uint32_t xid);
    // The writer for the next entry (a new message is started when the current one is
    // past its budget; entries are never split).
    Writer& entry();
    void finish();

  private:
    void start();
    void end(bool more);
    Bytes& out_;
    MultipartType type_;
    std::uint32_t xid_;
    std::size_t start_ = 0;
    Writer w_;
};

struct SwitchDesc {
    std::string manufacturer, hardware, software, serial, datapath;
};
void write_desc(Writer& w, const SwitchDesc& d);
void write_flow_stats(Writer& w, const flow::FlowStats& f);
void write_aggregate(Writer& w, const flow::AggregateStats& a);
void write_table_stats(Writer& w, const flow::TableStats& t);

// A port as ofp_port describes it.
struct PortDesc {
    flow::OfPort port_no = 0;
    std::uint8_t hw_addr[6] = {};
    std::string name;
    bool link_down = false;
    std::uint32_t curr_speed_kbps = 10'000'000;
};
void write_port(Writer& w, const PortDesc& p);
struct PortCounters {
    flow::OfPort port_no = 0;
    std::uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
    std::uint64_t rx_dropped = 0, tx_dropped = 0;
    std::uint64_t duration_ns = 0;
};
void write_port_stats(Writer& w, const PortCounters& c);
// One table's OFPMP_TABLE_FEATURES entry: what it matches, masks, writes, and where it may
// go to (the later tables).
void write_table_features(Writer& w, std::uint8_t table);
void write_group_features(Writer& w);
void write_meter_features(Writer& w);

// Asynchronous messages.
struct PacketInMsg {
    std::uint16_t total_len = 0;
    std::uint8_t reason = 0;  // OFPR_*
    std::uint8_t table = 0;
    std::uint64_t cookie = 0;
    flow::OfPort in_port = 0;
    std::span<const std::uint8_t> data;  // already cut to max_len
};
void encode_packet_in(Bytes& out, std::uint32_t xid, const PacketInMsg& p);
enum class PortReason : std::uint8_t { add = 0, del = 1, modify = 2 };
void encode_port_status(Bytes& out, std::uint32_t xid, PortReason reason, const PortDesc& p);
void encode_flow_removed(Bytes& out, std::uint32_t xid, const flow::RemovedFlow& r);

}  // namespace sy::openflow
