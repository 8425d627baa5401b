// The OXM table and ofp_match coding.
#include "openflow/oxm.hpp"

#include <array>

namespace sy::openflow {

namespace {

using F = flow::FieldId;

constexpr OxmField kOxm[] = {
    {kOxmClassBasic, 0, 4, F::in_port},      {kOxmClassBasic, 2, 8, F::metadata},
    {kOxmClassBasic, 3, 6, F::dl_dst},       {kOxmClassBasic, 4, 6, F::dl_src},
    {kOxmClassBasic, 5, 2, F::dl_type},      {kOxmClassBasic, 6, 2, F::vlan_vid},
    {kOxmClassBasic, 7, 1, F::vlan_pcp},     {kOxmClassBasic, 8, 1, F::ip_dscp},
    {kOxmClassBasic, 9, 1, F::nw_ecn},       {kOxmClassBasic, 10, 1, F::nw_proto},
    {kOxmClassBasic, 11, 4, F::nw_src},      {kOxmClassBasic, 12, 4, F::nw_dst},
    {kOxmClassBasic, 13, 2, F::tcp_src},     {kOxmClassBasic, 14, 2, F::tcp_dst},
    {kOxmClassBasic, 15, 2, F::udp_src},     {kOxmClassBasic, 16, 2, F::udp_dst},
    {kOxmClassBasic, 17, 2, F::sctp_src},    {kOxmClassBasic, 18, 2, F::sctp_dst},
    {kOxmClassBasic, 19, 1, F::icmp_type},   {kOxmClassBasic, 20, 1, F::icmp_code},
    {kOxmClassBasic, 21, 2, F::arp_op},      {kOxmClassBasic, 22, 4, F::arp_spa},
    {kOxmClassBasic, 23, 4, F::arp_tpa},     {kOxmClassBasic, 24, 6, F::arp_sha},
    {kOxmClassBasic, 25, 6, F::arp_tha},     {kOxmClassBasic, 26, 16, F::ipv6_src},
    {kOxmClassBasic, 27, 16, F::ipv6_dst},   {kOxmClassBasic, 28, 4, F::ipv6_label},
    {kOxmClassBasic, 29, 1, F::icmpv6_type}, {kOxmClassBasic, 30, 1, F::icmpv6_code},
    {kOxmClassBasic, 38, 8, F::tun_id},      {0x0000, 4, 2, F::vlan_tci},
    {kOxmClassNxm1, 0, 4, F::reg0},          {kOxmClassNxm1, 1, 4, F::reg1},
    {kOxmClassNxm1, 2, 4, F::reg2},          {kOxmClassNxm1, 3, 4, F::reg3},
    {kOxmClassNxm1, 4, 4, F::reg4},          {kOxmClassNxm1, 5, 4, F::reg5},
    {kOxmClassNxm1, 6, 4, F::reg6},          {kOxmClassNxm1, 7, 4, F::reg7},
    {kOxmClassNxm1, 16, 8, F::tun_id},       {kOxmClassNxm1, 26, 1, F::nw_frag},
    {kOxmClassNxm1, 29, 1, F::nw_ttl},       {kOxmClassNxm1, 31, 4, F::tun_src},
    {kOxmClassNxm1, 32, 4, F::tun_dst},      {kOxmClassNxm1, 34, 2, F::tcp_flags},
};

flow::FieldValue read_value(std::span<const std::uint8_t> b) {
    flow::FieldValue v = 0;
    for (std::uint8_t x : b) v = v << 8 | x;
    return v;
}

void write_value(Writer& w, flow::FieldValue v, int n) {
    for (int i = n - 1; i >= 0; --i) w.u8(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put(Writer& w, const flow::Match& m, F id, F as) {
    const flow::FieldValue mask = m.mask_of(id);
    if (mask == 0) return;
    const auto f = oxm_by_field(as);
    if (!f) return;
    const bool partial = mask != flow::field_all_ones(id);
    encode_oxm(w, *f, m.value(id), mask, partial);
}

}  // namespace

std::optional<OxmField> oxm_by_wire(std::uint16_t oxm_class, std::uint8_t field) {
    for (const OxmField& f : kOxm) {
        if (f.oxm_class == oxm_class && f.field == field) return f;
    }
    return std::nullopt;
}

std::span<const OxmField> all_oxm_fields() {
    return kOxm;
}

std::optional<OxmField> oxm_by_field(flow::FieldId id) {
    for (const OxmField& f : kOxm) {
        if (f.id == id) return f;
    }
    return std::nullopt;
}

std::optional<OfError> decode_oxm(Reader& r, OxmEntry& out) {
    if (r.remaining() < 4) return err::match_bad_len;
    const std::uint16_t cls = r.u16();
    const std::uint8_t fh = r.u8();
    const std::uint8_t len = r.u8();
    const std::uint8_t field = fh >> 1;
    const bool has_mask = fh & 1;
    if (r.remaining() < len) return err::match_bad_len;
    Reader body = r.sub(len);
    const auto f = oxm_by_wire(cls, field);
    if (!f) return err::match_bad_field;
    if (len != (has_mask ? 2 * f->length : f->length)) return err::match_bad_len;
    const flow::FieldInfo& info = flow::field_info(f->id);
    if (has_mask && !info.maskable) return err::match_bad_mask;
    out.id = f->id;
    out.has_mask = has_mask;
    out.value = read_value(body.bytes(f->length));
    const flow::FieldValue ones = flow::field_all_ones(f->id);
    out.mask = has_mask ? read_value(body.bytes(f->length)) : ones;
    if (out.value & ~ones) return err::match_bad_value;
    if (out.mask & ~ones) return err::match_bad_mask;
    out.value &= out.mask;
    return std::nullopt;
}

void encode_oxm(Writer& w, const OxmField& f, flow::FieldValue value, flow::FieldValue mask,
                bool has_mask) {
    w.u16(f.oxm_class);
    w.u8(static_cast<std::uint8_t>(f.field << 1 | (has_mask ? 1 : 0)));
    w.u8(static_cast<std::uint8_t>(has_mask ? 2 * f.length : f.length));
    write_value(w, value, f.length);
    if (has_mask) write_value(w, mask, f.length);
}

std::optional<OfError> decode_match(Reader& r, flow::Match& out) {
    out = flow::Match{};
    if (r.remaining() < 4) return err::match_bad_len;
    const std::uint16_t type = r.u16();
    const std::uint16_t length = r.u16();
    if (type != 1) return err::match_bad_type;  // OFPMT_OXM only (OFPMT_STANDARD is 1.1)
    if (length < 4) return err::match_bad_len;
    const std::size_t padded = (length + 7u) / 8u * 8u;
    if (r.remaining() + 4 < padded) return err::match_bad_len;
    Reader fields = r.sub(length - 4u);
    r.skip(padded - length);
    std::array<bool, flow::kFieldCount> seen{};
    while (!fields.empty()) {
        OxmEntry e;
        if (auto error = decode_oxm(fields, e)) return error;
        // The same OXM twice (OFPBMC_DUP_FIELD). Two names for one storage (TCP_DST and
        // ICMPV4_CODE) cannot both pass the prerequisite check below.
        const auto idx = static_cast<std::size_t>(e.id);
        if (seen[idx]) return err::match_dup_field;
        seen[idx] = true;
        out.set(e.id, e.value, e.mask);
    }
    // Each OXM's own prerequisite, by the name it was sent under: TCP_DST needs ip_proto=6
    // even though its storage is shared with ICMP's code, which a whole-match check accepts
    // (OVS refuses the same, OFPBMC_BAD_PREREQ). Judged after the whole match, so the order
    // of the OXMs does not matter.
    for (std::size_t i = 0; i < seen.size(); ++i) {
        if (!seen[i]) continue;
        const flow::FieldInfo& info = flow::field_info(static_cast<F>(i));
        if (!flow::prereq_met(info.prereq, out.key, out.mask)) return err::match_bad_prereq;
    }
    return std::nullopt;
}

void encode_match(Writer& w, const flow::Match& m) {
    const std::size_t start = w.size();
    w.u16(1);
    w.u16(0);  // length, below
    const bool v4 = m.mask.dl_type == 0xffff && m.key.dl_type == 0x0800;
    const bool v6 = m.mask.dl_type == 0xffff && m.key.dl_type == 0x86dd;
    const bool arp = m.mask.dl_type == 0xffff && m.key.dl_type == 0x0806;
    const int proto = m.mask.nw_proto == 0xff ? m.key.nw_proto : -1;
    put(w, m, F::in_port, F::in_port);
    put(w, m, F::metadata, F::metadata);
    for (int i = 0; i < flow::kNumRegs; ++i) {
        const auto reg = static_cast<F>(static_cast<int>(F::reg0) + i);
        put(w, m, reg, reg);
    }
    put(w, m, F::tun_id, F::tun_id);
    put(w, m, F::tun_src, F::tun_src);
    put(w, m, F::tun_dst, F::tun_dst);
    put(w, m, F::dl_dst, F::dl_dst);
    put(w, m, F::dl_src, F::dl_src);
    put(w, m, F::dl_type, F::dl_type);
    // OXM's VLAN_PCP cannot be masked; a TCI mask that covers only some PCP bits (possible
    // through NXM_OF_VLAN_TCI_W) is written whole as NXM_OF_VLAN_TCI so it decodes again.
    const flow::FieldValue pcp_mask = m.mask_of(F::vlan_pcp);
    if (pcp_mask != 0 && pcp_mask != flow::field_all_ones(F::vlan_pcp)) {
        put(w, m, F::vlan_tci, F::vlan_tci);
    } else {
        put(w, m, F::vlan_vid, F::vlan_vid);
        put(w, m, F::vlan_pcp, F::vlan_pcp);
    }
    if (v4 || v6) {
        put(w, m, F::ip_dscp, F::ip_dscp);
        put(w, m, F::nw_ecn, F::nw_ecn);
        put(w, m, F::nw_proto, F::nw_proto);
        put(w, m, F::nw_ttl, F::nw_ttl);
        put(w, m, F::nw_frag, F::nw_frag);
    }
    if (v4) {
        put(w, m, F::nw_src, F::nw_src);
        put(w, m, F::nw_dst, F::nw_dst);
    }
    if (arp) {
        put(w, m, F::arp_op, F::arp_op);
        put(w, m, F::arp_spa, F::arp_spa);
        put(w, m, F::arp_tpa, F::arp_tpa);
        put(w, m, F::arp_sha, F::arp_sha);
        put(w, m, F::arp_tha, F::arp_tha);
    }
    if (v6) {
        put(w, m, F::ipv6_src, F::ipv6_src);
        put(w, m, F::ipv6_dst, F::ipv6_dst);
        put(w, m, F::ipv6_label, F::ipv6_label);
    }
    if (v4 || v6) {
        switch (proto) {
            case 6:
                put(w, m, F::tp_src, F::tcp_src);
                put(w, m, F::tp_dst, F::tcp_dst);
                put(w, m, F::tcp_flags, F::tcp_flags);
                break;
            case 17:
                put(w, m, F::tp_src, F::udp_src);
                put(w, m, F::tp_dst, F::udp_dst);
                break;
            case 132:
                put(w, m, F::tp_src, F::sctp_src);
                put(w, m, F::tp_dst, F::sctp_dst);
                break;
            case 1:
                if (v4) {
                    put(w, m, F::icmp_type, F::icmp_type);
                    put(w, m, F::icmp_code, F::icmp_code);
                }
                break;
            case 58:
                if (v6) {
                    put(w, m, F::icmpv6_type, F::icmpv6_type);
                    put(w, m, F::icmpv6_code, F::icmpv6_code);
                }
                break;
            default:
                break;
        }
    }
    w.put16(start + 2, static_cast<std::uint16_t>(w.size() - start));
    w.pad8(start);
}

}  // namespace sy::openflow
