// parse(format(parse(x))) == parse(x), for hand-written flows and thousands of random ones
// built from every field, mask form and action; and our own output is a fixed point.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "flow/flow_format.hpp"
#include "flow/flow_syntax.hpp"
#include "flow/match_format.hpp"
#include "flow/test_port_names.hpp"

namespace sy::flow {
namespace {

const test::TestPorts kPorts;
const NoPortNames kNumbers;

const char* const kFlows[] = {
    "actions=drop",
    "priority=0,actions=NORMAL",
    "tcp,in_port=web0,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_nw_dst:10.0.0.2,output:web1",
    "table=1,cookie=0x12,priority=5,hard_timeout=20,ip,nw_src=10.0.0.0/"
    "255.255.0.0,actions=resubmit(,2),dec_ttl,goto_table:3",
    "table=1,send_flow_rem,dl_vlan=0xffff,actions=push_vlan:0x8100,mod_vlan_vid:10,clear_actions,"
    "write_actions(output:3),write_metadata:0x5/0xff,goto_table:4",
    "tcp,tcp_flags=+syn-ack,actions=CONTROLLER:100,controller(max_len=50),load:0x5->NXM_NX_REG0[0.."
    "3],move:reg0[0..15]->reg1[16..31],set_field:0x10/0xff->reg2",
    "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=fe80::1/ffff::ffff,ipv6_label=0x10/"
    "0xf0,actions=set_field:fe80::1->ipv6_src",
    "arp,arp_op=2,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/"
    "24,arp_sha=00:11:22:33:44:55,arp_tha=00:11:22:00:00:00/"
    "ff:ff:ff:00:00:00,actions=set_field:1->arp_op,FLOOD",
    "icmp6,icmp_type=135,icmp_code=0,actions=ALL",
    "icmp,icmp_type=8,actions=IN_PORT,LOCAL",
    "reg0=5,reg7=0x10/0xf0,metadata=0x5/0xff,tun_id=0x7,tun_src=1.1.1.1,tun_dst=2.2.2.0/"
    "24,tun_ipv6_src=::1,actions=resubmit:db0",
    "vlan_tci=0x1000/0x1000,dl_vlan_pcp=3,actions=pop_vlan,mod_vlan_pcp:5",
    "ip,nw_tos=8,nw_ecn=1,nw_ttl=64,nw_frag=later,actions=mod_nw_ttl:9,mod_nw_ecn:2,mod_nw_tos:4",
    "udp6,tp_src=0x50/0xfff0,udp_dst=53,actions=mod_tp_src:1,set_field:2->udp_dst",
    "sctp,sctp_dst=9,actions=load:0x1->OXM_OF_SCTP_SRC[3]",
    "dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,dl_dst=01:00:00:00:00:00/"
    "01:00:00:00:00:00,dl_type=0x88cc,actions=mod_dl_src:00:00:00:00:00:01,mod_dl_dst:00:00:00:00:"
    "00:02",
    "reset_counts,no_packet_counts,no_byte_counts,check_overlap,idle_timeout=1,ip,actions=move:NXM_"
    "OF_IP_SRC[]->NXM_OF_IP_DST[]",
    "tcp,actions=move:NXM_OF_TCP_SRC[]->NXM_OF_TCP_DST[],load:0xffff->NXM_OF_TCP_SRC[]",
    "actions=set_field:0x1f0f/0xff0f->reg1,set_field:5->in_port,load:5->NXM_OF_IN_PORT[]",
    "ip,actions=write_actions(mod_nw_dst:10.0.0.9,output:2)",
};

// A random valid flow from a menu of pieces, each consistent with the protocol chosen.
class Generator {
  public:
    explicit Generator(unsigned seed) : rng_(seed) {}

    std::string flow() {
        struct Proto {
            const char* name;
            std::vector<const char*> fields;
            std::vector<const char*> actions;
        };
        static const std::vector<Proto> protos = {
            {"ip",
             {"nw_src=10.%d.0.0/16", "nw_dst=192.168.%d.1", "nw_tos=%d*4", "nw_ecn=%d&3",
              "nw_ttl=%d", "nw_frag=first", "ip_dscp=%d", "nw_dst=10.0.0.%d/255.0.255.0"},
             {"mod_nw_dst:10.0.0.%d", "dec_ttl", "mod_nw_ttl:%d", "set_field:%d->ip_dscp",
              "mod_nw_ecn:%d&3"}},
            {"tcp",
             {"nw_dst=10.0.%d.0/24", "tp_dst=%d", "tp_src=0x%x/0xff00", "tcp_flags=+syn-ack",
              "tcp_flags=%d", "tcp_dst=%d"},
             {"mod_tp_dst:%d", "set_field:%d->tcp_src", "mod_nw_src:1.1.1.%d",
              "load:%d->NXM_OF_TCP_DST[0..7]"}},
            {"udp6",
             {"ipv6_dst=2001:db8:%x::/48", "tp_dst=%d", "ipv6_label=0x%x", "nw_ttl=%d",
              "nw_frag=no"},
             {"mod_tp_src:%d", "set_field:fe80::%x->ipv6_src", "dec_ttl",
              "set_field:0x%x->ipv6_label"}},
            {"arp",
             {"arp_spa=10.0.0.%d", "arp_tpa=10.%d.0.0/16", "arp_op=%d",
              "arp_sha=00:00:00:00:00:%02x"},
             {"set_field:%d->arp_op", "mod_dl_src:00:00:00:00:00:%02x",
              "set_field:10.0.0.%d->arp_tpa"}},
            {"icmp",
             {"icmp_type=%d", "icmp_code=%d", "nw_src=10.0.0.%d"},
             {"set_field:%d->icmp_type"}},
            {"",
             {"in_port=%d", "dl_vlan=%d", "reg%d=5", "metadata=0x%x/0xff",
              "dl_src=00:00:00:00:00:%02x", "tun_id=0x%x", "vlan_tci=0x%x000/0xf000",
              "dl_vlan=0xffff"},
             {"push_vlan:0x8100", "load:%d->reg1[0..7]", "mod_dl_dst:00:00:00:00:00:%02x"}},
        };
        static const std::vector<const char*> common = {"output:%d",
                                                        "NORMAL",
                                                        "resubmit(,%d)",
                                                        "CONTROLLER:%d",
                                                        "set_field:%d->reg3",
                                                        "move:reg0[0..7]->reg1[8..15]",
                                                        "mod_vlan_vid:%d",
                                                        "load:0x%x->NXM_NX_REG4[]",
                                                        "web0",
                                                        "FLOOD",
                                                        "set_field:0x%x0f/0xf0f->reg5",
                                                        "resubmit:%d",
                                                        "mod_vlan_pcp:%d&3"};
        const Proto& p = protos[pick(protos.size())];
        std::vector<std::string> parts;
        if (coin()) parts.push_back(fill("priority=%d", 65535));
        if (coin()) parts.push_back(fill("cookie=0x%x", 0xffff));
        if (p.name[0] != '\0') parts.emplace_back(p.name);
        for (const char* f : p.fields) {
            if (coin()) parts.push_back(fill(f, 7));
        }
        std::string actions;
        const int n = 1 + static_cast<int>(pick(4));
        for (int i = 0; i < n; ++i) {
            const bool mine = !p.actions.empty() && coin();
            const char* a = mine ? p.actions[pick(p.actions.size())] : common[pick(common.size())];
            if (!actions.empty()) actions += ',';
            actions += fill(a, 7);
        }
        if (coin()) actions += fill(",write_metadata:0x%x/0xff", 255);
        std::string text;
        for (const std::string& s : parts) text += s + ",";
        return text + "actions=" + actions;
    }

  private:
    bool coin() { return rng_() % 2 == 0; }
    std::size_t pick(std::size_t n) { return rng_() % n; }
    std::string fill(std::string f, unsigned max) {
        unsigned v = static_cast<unsigned>(pick(max + 1));
        if (f.size() > 2 && f.compare(f.size() - 2, 2, "*4") == 0) {
            f.resize(f.size() - 2);
            v *= 4;
        } else if (f.size() > 2 && f.compare(f.size() - 2, 2, "&3") == 0) {
            f.resize(f.size() - 2);
            v &= 3;
        }
        char buf[160];
        std::snprintf(buf, sizeof buf, f.c_str(), v);
        return buf;
    }
    std::mt19937 rng_;
};

void expect_same(const FlowMod& a, const FlowMod& b, const std::string& why) {
    EXPECT_TRUE(a.match == b.match) << why;
    EXPECT_TRUE(a.instructions == b.instructions) << why;
    EXPECT_EQ(a.priority, b.priority) << why;
    EXPECT_EQ(a.table, b.table) << why;
    EXPECT_EQ(a.cookie, b.cookie) << why;
    EXPECT_EQ(a.idle_timeout, b.idle_timeout) << why;
    EXPECT_EQ(a.hard_timeout, b.hard_timeout) << why;
    EXPECT_EQ(a.flags, b.flags) << why;
}

void check_round_trip(const std::string& text) {
    for (const PortNamer* names :
         {static_cast<const PortNamer*>(&kPorts), static_cast<const PortNamer*>(&kNumbers)}) {
        auto first = parse_flow(text, FlowParseMode::add, kPorts);
        ASSERT_TRUE(first) << text << ": " << first.status().message();
        const std::string printed = format_flow_mod(*first, *names);
        auto second = parse_flow(printed, FlowParseMode::add, kPorts);
        ASSERT_TRUE(second) << text << " printed as " << printed << ": "
                            << second.status().message();
        expect_same(*first, *second, text + " -> " + printed);
        EXPECT_EQ(format_flow_mod(*second, *names), printed) << text;

        // The --no-stats dump line reads back to the same flow too.
        FlowStats st;
        st.table = first->table;
        st.priority = first->priority;
        st.cookie = first->cookie;
        st.idle_timeout = first->idle_timeout;
        st.hard_timeout = first->hard_timeout;
        st.flags = first->flags;
        st.match = first->match;
        st.instructions = first->instructions;
        st.duration_ns = 1'500'000'000;
        st.n_packets = 10;
        for (bool stats : {false, true}) {
            auto third =
                parse_flow(format_flow_stats(st, *names, stats), FlowParseMode::add, kPorts);
            ASSERT_TRUE(third) << format_flow_stats(st, *names, stats) << ": "
                               << third.status().message();
            expect_same(*first, *third, text + " (dump line)");
        }

        // A del-flows / dump-flows filter written from the match selects the same match.
        const std::string filter = format_match(first->match, *names);
        auto del = parse_flow(filter, FlowParseMode::del, kPorts);
        ASSERT_TRUE(del) << filter << ": " << del.status().message();
        EXPECT_TRUE(del->match == first->match) << filter;
    }
}

TEST(FlowRoundTrip, HandWrittenFlows) {
    for (const char* f : kFlows) check_round_trip(f);
}

TEST(FlowRoundTrip, RandomFlows) {
    Generator gen(11);
    int parsed = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string text = gen.flow();
        auto fm = parse_flow(text, FlowParseMode::add, kPorts);
        // The generator only builds valid flows.
        ASSERT_TRUE(fm) << text << ": " << fm.status().message();
        ++parsed;
        check_round_trip(text);
        if (HasFailure()) return;
    }
    EXPECT_EQ(parsed, 3000);
}

}  // namespace
}  // namespace sy::flow
