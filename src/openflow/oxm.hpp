#pragma once
// OXM (OpenFlow Extensible Match, OF 1.3.5 7.2.3) <-> flow::Match. The OpenFlow basic class
// covers the pipeline's standard fields; the Nicira class (0x0001) adds the registers,
// tunnel metadata, nw_ttl, nw_frag and tcp_flags, which is how ovs-ofctl sends those in
// OpenFlow 1.3. The mapping is a table over the field table (flow/field.hpp).

#include <cstdint>
#include <optional>
#include <vector>

#include "flow/match.hpp"
#include "openflow/protocol.hpp"
#include "openflow/wire.hpp"

namespace sy::openflow {

inline constexpr std::uint16_t kOxmClassNxm1 = 0x0001;
inline constexpr std::uint16_t kOxmClassBasic = 0x8000;

// One OXM field (class, field number, value length) for a flow field.
struct OxmField {
    std::uint16_t oxm_class;
    std::uint8_t field;
    std::uint8_t length;  // of the value, without mask
    flow::FieldId id;
};
std::optional<OxmField> oxm_by_wire(std::uint16_t oxm_class, std::uint8_t field);
// The OXM a field is written as in a match or set_field (nullopt: no OXM for it). Fields
// sharing storage (tp_src as tcp_src/udp_src/..., nw_src as arp_spa) are named by the
// caller; this maps exactly the id given.
std::optional<OxmField> oxm_by_field(flow::FieldId id);
// Every OXM field known here (table features list them).
std::span<const OxmField> all_oxm_fields();

// Decodes one OXM TLV at `r` into (field, value, mask). Errors: OFPBMC_BAD_LEN,
// BAD_FIELD, BAD_MASK (a mask on a field that takes none), BAD_VALUE (wider than the field).
struct OxmEntry {
    flow::FieldId id;
    flow::FieldValue value = 0;
    flow::FieldValue mask = 0;
    bool has_mask = false;
};
std::optional<OfError> decode_oxm(Reader& r, OxmEntry& out);
void encode_oxm(Writer& w, const OxmField& f, flow::FieldValue value, flow::FieldValue mask,
                bool has_mask);

// ofp_match (type OFPMT_OXM, length, OXMs, padding to 8) at `r`, consuming the padding.
std::optional<OfError> decode_match(Reader& r, flow::Match& out);
void encode_match(Writer& w, const flow::Match& match);

}  // namespace sy::openflow
