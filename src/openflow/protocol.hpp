#pragma once
// OpenFlow 1.3 (wire version 0x04) numbers: message types, multipart types, error types and
// codes, as the specification (OF 1.3.5, section 7) defines them. docs/openflow.md lists what
// Switchyard answers to each.

#include <cstdint>

namespace sy::openflow {

inline constexpr std::uint8_t kVersion13 = 0x04;
inline constexpr std::size_t kHeaderSize = 8;
inline constexpr std::size_t kMaxMessage = 0xffff;
inline constexpr std::uint32_t kNoBuffer = 0xffffffff;
inline constexpr std::uint16_t kDefaultMissSendLen = 128;
inline constexpr std::uint32_t kNiciraVendor = 0x00002320;

enum class MsgType : std::uint8_t {
    hello = 0,
    error = 1,
    echo_request = 2,
    echo_reply = 3,
    experimenter = 4,
    features_request = 5,
    features_reply = 6,
    get_config_request = 7,
    get_config_reply = 8,
    set_config = 9,
    packet_in = 10,
    flow_removed = 11,
    port_status = 12,
    packet_out = 13,
    flow_mod = 14,
    group_mod = 15,
    port_mod = 16,
    table_mod = 17,
    multipart_request = 18,
    multipart_reply = 19,
    barrier_request = 20,
    barrier_reply = 21,
    queue_get_config_request = 22,
    queue_get_config_reply = 23,
    role_request = 24,
    role_reply = 25,
    get_async_request = 26,
    get_async_reply = 27,
    set_async = 28,
    meter_mod = 29,
};

enum class MultipartType : std::uint16_t {
    desc = 0,
    flow = 1,
    aggregate = 2,
    table = 3,
    port_stats = 4,
    queue = 5,
    group = 6,
    group_desc = 7,
    group_features = 8,
    meter = 9,
    meter_config = 10,
    meter_features = 11,
    table_features = 12,
    port_desc = 13,
    experimenter = 0xffff,
};
inline constexpr std::uint16_t kMultipartMore = 1;  // OFPMPF_REQ_MORE / OFPMPF_REPLY_MORE

// Error types (OFPET_*) and the codes used here.
enum class ErrType : std::uint16_t {
    hello_failed = 0,
    bad_request = 1,
    bad_action = 2,
    bad_instruction = 3,
    bad_match = 4,
    flow_mod_failed = 5,
    group_mod_failed = 6,
    port_mod_failed = 7,
    table_mod_failed = 8,
    queue_op_failed = 9,
    switch_config_failed = 10,
    role_request_failed = 11,
    meter_mod_failed = 12,
    table_features_failed = 13,
};

struct OfError {
    ErrType type = ErrType::bad_request;
    std::uint16_t code = 0;
    bool operator==(const OfError&) const = default;
};

namespace err {
// OFPHFC_*
inline constexpr OfError hello_incompatible{ErrType::hello_failed, 0};
// OFPBRC_*
inline constexpr OfError bad_version{ErrType::bad_request, 0};
inline constexpr OfError bad_type{ErrType::bad_request, 1};
inline constexpr OfError bad_multipart{ErrType::bad_request, 2};
inline constexpr OfError bad_experimenter{ErrType::bad_request, 3};
inline constexpr OfError bad_len{ErrType::bad_request, 6};
inline constexpr OfError buffer_unknown{ErrType::bad_request, 8};
inline constexpr OfError request_bad_table_id{ErrType::bad_request, 9};
inline constexpr OfError is_slave{ErrType::bad_request, 10};
inline constexpr OfError bad_port{ErrType::bad_request, 11};
inline constexpr OfError bad_packet{ErrType::bad_request, 12};
// OFPBAC_*
inline constexpr OfError action_bad_type{ErrType::bad_action, 0};
inline constexpr OfError action_bad_len{ErrType::bad_action, 1};
inline constexpr OfError action_bad_experimenter{ErrType::bad_action, 2};
inline constexpr OfError action_bad_exp_type{ErrType::bad_action, 3};
inline constexpr OfError action_bad_out_port{ErrType::bad_action, 4};
inline constexpr OfError action_bad_argument{ErrType::bad_action, 5};
inline constexpr OfError action_too_many{ErrType::bad_action, 7};
inline constexpr OfError action_bad_out_group{ErrType::bad_action, 9};
inline constexpr OfError action_match_inconsistent{ErrType::bad_action, 10};
inline constexpr OfError action_bad_set_type{ErrType::bad_action, 13};
inline constexpr OfError action_bad_set_len{ErrType::bad_action, 14};
inline constexpr OfError action_bad_set_argument{ErrType::bad_action, 15};
// OFPBIC_*
inline constexpr OfError inst_unknown{ErrType::bad_instruction, 0};
inline constexpr OfError inst_unsupported{ErrType::bad_instruction, 1};
inline constexpr OfError inst_bad_table_id{ErrType::bad_instruction, 2};
inline constexpr OfError inst_bad_len{ErrType::bad_instruction, 7};
// OFPBMC_*
inline constexpr OfError match_bad_type{ErrType::bad_match, 0};
inline constexpr OfError match_bad_len{ErrType::bad_match, 1};
inline constexpr OfError match_bad_field{ErrType::bad_match, 6};
inline constexpr OfError match_bad_value{ErrType::bad_match, 7};
inline constexpr OfError match_bad_mask{ErrType::bad_match, 8};
inline constexpr OfError match_bad_prereq{ErrType::bad_match, 9};
inline constexpr OfError match_dup_field{ErrType::bad_match, 10};
// OFPFMFC_*
inline constexpr OfError flow_unknown{ErrType::flow_mod_failed, 0};
inline constexpr OfError flow_bad_table_id{ErrType::flow_mod_failed, 2};
inline constexpr OfError flow_overlap{ErrType::flow_mod_failed, 3};
inline constexpr OfError flow_bad_command{ErrType::flow_mod_failed, 6};
// OFPRRFC_*
inline constexpr OfError role_bad_role{ErrType::role_request_failed, 2};
}  // namespace err

// OFPCR_ROLE_*
enum class Role : std::uint32_t { nochange = 0, equal = 1, master = 2, slave = 3 };

}  // namespace sy::openflow
