#include "flow/field.hpp"

#include <gtest/gtest.h>

#include "flow/match.hpp"

namespace sy::flow {
namespace {

TEST(Field, EveryRowIsItsOwnId) {
    std::size_t i = 0;
    for (const FieldInfo& f : all_fields()) {
        EXPECT_EQ(static_cast<std::size_t>(f.id), i++) << f.name;
        EXPECT_LE(f.storage + f.storage_bytes, sizeof(FlowKey)) << f.name;
    }
    EXPECT_EQ(i, kFieldCount);
}

TEST(Field, FindsNamesAliasesAndNxmNames) {
    EXPECT_EQ(find_field("nw_src"), FieldId::nw_src);
    EXPECT_EQ(find_field("ip_src"), FieldId::nw_src);
    EXPECT_EQ(find_field("NXM_OF_IP_SRC"), FieldId::nw_src);
    EXPECT_EQ(find_field("nxm_nx_reg3"), FieldId::reg3);
    EXPECT_EQ(find_field("eth_dst"), FieldId::dl_dst);
    EXPECT_FALSE(find_field("nw_bogus"));
}

TEST(Field, VlanViewsShareTheTciWithoutTouchingEachOther) {
    FlowKey k;
    set_field(k, FieldId::vlan_tci, 0x1000 | 0x0064 | (5u << 13));
    EXPECT_EQ(get_field(k, FieldId::dl_vlan), 100u);
    EXPECT_EQ(get_field(k, FieldId::dl_vlan_pcp), 5u);
    EXPECT_EQ(get_field(k, FieldId::vlan_vid), 0x1064u);
    set_field(k, FieldId::dl_vlan, 200);
    EXPECT_EQ(get_field(k, FieldId::dl_vlan_pcp), 5u);
    EXPECT_EQ(k.vlan_tci, 0x1000 | 200 | (5u << 13));
}

TEST(Field, TosViews) {
    FlowKey k;
    k.nw_tos = 0xb9;  // DSCP 46, ECN 1
    EXPECT_EQ(get_field(k, FieldId::ip_dscp), 46u);
    EXPECT_EQ(get_field(k, FieldId::nw_tos), 0xb8u);
    EXPECT_EQ(get_field(k, FieldId::nw_ecn), 1u);
    set_field(k, FieldId::nw_ecn, 3);
    EXPECT_EQ(k.nw_tos, 0xbb);
    set_field(k, FieldId::ip_dscp, 10);
    EXPECT_EQ(k.nw_tos, (10 << 2) | 3);
    EXPECT_EQ(field_all_ones(FieldId::nw_tos), 0xfcu);
}

TEST(Field, AddressesAreBigEndianIntegers) {
    FlowKey k;
    const std::uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    std::copy(mac, mac + 6, k.dl_src);
    EXPECT_EQ(get_field(k, FieldId::dl_src), FieldValue{0x001122334455ull});
    set_field(k, FieldId::ipv6_dst, FieldValue{1}, FieldValue{0xff});
    EXPECT_EQ(k.ipv6_dst[15], 1);
    EXPECT_EQ(k.ipv6_dst[0], 0);
    set_field(k, FieldId::reg0, 0xabcd, 0x00ff);  // subfield write keeps the other bits
    EXPECT_EQ(k.regs[0], 0xcdu);
}

TEST(Match, KeysStayMaskedAndPrerequisitesAreChecked) {
    Match m;
    m.set(FieldId::nw_dst, 0x0a000001, 0xffffff00);
    EXPECT_EQ(m.key.nw_dst, 0x0a000000u);
    EXPECT_FALSE(m.check_prerequisites());
    m.set(FieldId::dl_type, 0x0800);
    EXPECT_TRUE(m.check_prerequisites());
    m.set(FieldId::tp_dst, 80);
    EXPECT_FALSE(m.check_prerequisites());
    m.set(FieldId::nw_proto, 6);
    EXPECT_TRUE(m.check_prerequisites());

    FlowKey pkt;
    pkt.dl_type = 0x0800;
    pkt.nw_proto = 6;
    pkt.nw_dst = 0x0a000063;
    pkt.tp_dst = 80;
    EXPECT_TRUE(m.matches(pkt));
    pkt.tp_dst = 81;
    EXPECT_FALSE(m.matches(pkt));

    Match wide;
    wide.set(FieldId::dl_type, 0x0800);
    EXPECT_TRUE(m.is_subset_of(wide));
    EXPECT_FALSE(wide.is_subset_of(m));
}

}  // namespace
}  // namespace sy::flow
