#!/usr/bin/python3
"""Flow syntax oracle: our parser and normal form against the real ovs-ofctl.

For a corpus of flow strings (hand-written cases for every field, mask form and action,
plus random combinations), runs `ovs-ofctl -O OpenFlow13 parse-flow` and our
flow_syntax_tool on each, and checks:

  1. a string ovs-ofctl rejects, we reject;
  2. a string ovs-ofctl accepts only by silently dropping a field whose prerequisite is
     missing ("normalization changed"), we reject (deliberate: no silent widening);
  3. a string ovs-ofctl accepts cleanly, we accept (unless listed in WE_REJECT with the
     reason), and then
     a. our normal form of the match (with priority) is exactly ovs-ofctl's;
     b. ovs-ofctl prints our formatted flow exactly as it prints the original (so our
        actions and instructions mean what the original meant, to ovs-ofctl);
     c. our parse of ovs-ofctl's printed flow equals our parse of the original (we read
        its re-spellings such as set_field:4106->vlan_vid or load:0xa->NXM_OF_IP_DST[24..31]
        to the same thing), except where SEMANTICS_DIFFER says why not;
     d. parse(format(parse(x))) == parse(x).

Port names: our tool knows web0=1, web1=2, db0=3, trunk=10; ovs-ofctl parse-flow knows
none, so each name is replaced by its number for ovs-ofctl.
Usage: flow_syntax_oracle.py --tool PATH [--random N] [--seed S] [-v]
"""

import argparse
import json
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

PORTS = {"web0": "1", "web1": "2", "db0": "3", "trunk": "10"}

# Strings ovs-ofctl accepts and we refuse on purpose (documented in docs/flow-syntax.md).
WE_REJECT = [
    (r"10\.0\.0\.300", "ovs-ofctl wraps an octet above 255 (10.0.0.300 = 10.0.0.44)"),
    (r"^actions=goto_table:0$", "goto_table must go forward from the flow's table (0 by default); "
     "ovs-ofctl only checks that when table= is given"),
    (r"goto_table:255", "tables are 0 to 254; 255 means all tables"),
    (lambda f: re.search(r"dl_vlan=5000|dl_vlan_pcp=8|nw_ecn=[4-7]|ip_dscp=6[4-9]", f) or
     any(int(v) % 4 for v in re.findall(r"nw_tos=(\d+)", f)),
     "a value wider than the field: ovs-ofctl silently drops the extra bits (dl_vlan=5000 "
     "matches VLAN 904, nw_tos=1 matches nw_tos=0)"),
    (r"(udp,tcp_dst|udp,tcp_flags|icmp,tp_src)", "prerequisites are checked per the name written "
     "(tcp_dst needs tcp; tcp_flags needs tcp); ovs-ofctl checks where the bits are stored, or "
     "drops tcp_flags without a word"),
]

# Accepted by both, but ovs-ofctl's OpenFlow 1.3 re-spelling means something else in our model.
SEMANTICS_DIFFER = [
    (r"mod_vlan_(vid|pcp)", "mod_vlan_vid/pcp push a tag only if there is none (OpenFlow 1.0 "
     "meaning); ovs-ofctl's OpenFlow 1.3 encoding is push_vlan + set_field whenever the match "
     "does not say the packet is tagged"),
]

HANDWRITTEN = r"""
# ---- matches, field by field
in_port=1,actions=drop
in_port=LOCAL,actions=drop
in_port=web0,actions=drop
in_port=65279,actions=drop
dl_src=00:11:22:33:44:55,actions=drop
dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00,actions=drop
dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop
eth_src=aa:bb:cc:dd:ee:ff,eth_dst=0a:0b:0c:0d:0e:0f,actions=drop
dl_type=0x0800,actions=drop
dl_type=0x88cc,actions=drop
eth_type=0x86dd,actions=drop
dl_type=0x0806,actions=drop
dl_vlan=5,actions=drop
dl_vlan=0,actions=drop
dl_vlan=4095,actions=drop
dl_vlan=0xffff,actions=drop
dl_vlan_pcp=3,actions=drop
dl_vlan=5,dl_vlan_pcp=7,actions=drop
vlan_tci=0x1000/0x1000,actions=drop
vlan_tci=0,actions=drop
vlan_tci=0x1005,actions=drop
vlan_tci=0x0fff/0x1fff,actions=drop
vlan_tci=0xf000/0xf000,actions=drop
vlan_vid=0x1005,actions=drop
vlan_vid=0x1000/0x1000,actions=drop
vlan_pcp=3,actions=drop
ip,nw_src=10.0.0.1,actions=drop
ip,nw_src=10.0.0.0/8,actions=drop
ip,nw_dst=10.0.0.0/255.255.255.0,actions=drop
ip,nw_dst=10.0.0.0/255.0.255.0,actions=drop
ip,ip_src=192.168.1.1,ip_dst=192.168.2.0/23,actions=drop
ip,nw_src=10.1.2.3/0,actions=drop
ip,nw_src=10.1.2.3/32,actions=drop
ip,nw_dst=10.1.2.3/31,actions=drop
ip,nw_src=*,actions=drop
ipv6,ipv6_src=2001:db8::1,actions=drop
ipv6,ipv6_src=2001:db8::/32,actions=drop
ipv6,ipv6_dst=fe80::/10,actions=drop
ipv6,ipv6_dst=::ffff:10.0.0.1,actions=drop
ipv6,ipv6_src=2001:db8::/ffff:ffff::ffff,actions=drop
ipv6,ipv6_label=0x12345,actions=drop
ipv6,ipv6_label=0x10/0xf0,actions=drop
ip,nw_proto=17,actions=drop
ip,nw_proto=47,actions=drop
ipv6,nw_proto=58,actions=drop
ipv6,nw_proto=50,actions=drop
dl_type=0x0800,nw_proto=6,actions=drop
dl_type=0x86dd,nw_proto=132,actions=drop
arp,arp_op=2,actions=drop
arp,nw_proto=1,actions=drop
ip,nw_tos=8,actions=drop
ip,nw_tos=252,actions=drop
ipv6,nw_tos=16,actions=drop
ip,ip_dscp=46,actions=drop
ip,nw_ecn=3,actions=drop
ip,ip_ecn=1,actions=drop
ip,nw_ttl=64,actions=drop
ipv6,nw_ttl=1,actions=drop
ip,nw_frag=no,actions=drop
ip,nw_frag=yes,actions=drop
ip,nw_frag=first,actions=drop
ip,nw_frag=later,actions=drop
ip,nw_frag=not_later,actions=drop
ipv6,nw_frag=later,actions=drop
ip,ip_frag=first,actions=drop
tcp,tp_src=80,actions=drop
tcp,tp_dst=0x50/0xfff0,actions=drop
tcp,tp_src=0/0x8000,actions=drop
udp,tp_dst=53,actions=drop
sctp,tp_dst=9,actions=drop
tcp,tcp_src=1,actions=drop
tcp,tcp_dst=0x1000/0xf000,actions=drop
udp,udp_dst=2,actions=drop
udp,udp_src=2/0xfffe,actions=drop
sctp,sctp_src=3,actions=drop
tcp6,tp_dst=443,actions=drop
udp6,udp_src=546,actions=drop
sctp6,sctp_dst=1,actions=drop
icmp,icmp_type=8,icmp_code=0,actions=drop
icmp,icmpv4_type=3,icmpv4_code=13,actions=drop
icmp6,icmpv6_type=135,actions=drop
icmp6,icmp_type=128,icmpv6_code=0,actions=drop
tcp,tcp_flags=+syn-ack,actions=drop
tcp,tcp_flags=syn,actions=drop
tcp,tcp_flags=0x12/0x12,actions=drop
tcp,tcp_flags=syn|ack,actions=drop
tcp,tcp_flags=+fin-rst+ack,actions=drop
tcp,tcp_flags=-syn,actions=drop
tcp6,tcp_flags=+rst,actions=drop
tcp,tcp_flags=0,actions=drop
tcp,tcp_flags=+ns+cwr+ece+urg+psh,actions=drop
arp,arp_spa=10.0.0.1,actions=drop
arp,arp_tpa=10.0.0.0/24,actions=drop
arp,nw_src=10.0.0.7,actions=drop
arp,arp_sha=00:11:22:33:44:55,actions=drop
arp,arp_tha=00:11:22:00:00:00/ff:ff:ff:00:00:00,actions=drop
metadata=0x5,actions=drop
metadata=0x5/0xff,actions=drop
metadata=0,actions=drop
metadata=0/0xff00,actions=drop
reg0=5,actions=drop
reg7=0xffffffff,actions=drop
reg3=0x10/0xf0,actions=drop
reg1=0,actions=drop
reg0=5,reg1=6,reg2=7,reg3=8,reg4=9,reg5=10,reg6=11,reg7=12,actions=drop
tun_id=0x5,actions=drop
tun_id=0x5/0xff,actions=drop
tunnel_id=0,actions=drop
tun_src=1.1.1.1,actions=drop
tun_dst=2.2.2.0/24,actions=drop
tun_ipv6_src=::1,actions=drop
tun_ipv6_dst=2001:db8::/64,actions=drop
priority=100,tcp,nw_dst=10.0.0.1,actions=drop
priority=0,actions=NORMAL
priority=65535,ip,actions=drop
priority=32768,ip,actions=drop
table=3,ip,actions=drop
cookie=0x12,ip,actions=drop
cookie=18,ip,actions=drop
idle_timeout=10,hard_timeout=20,ip,actions=drop
send_flow_rem,ip,actions=drop
check_overlap,reset_counts,no_packet_counts,no_byte_counts,actions=drop
priority=100 tcp nw_dst=10.0.0.1 idle_timeout=10 actions=drop
tp_dst=80,tcp,actions=drop
tcp,in_port=1,nw_dst=10.0.0.0/24,tp_dst=80,actions=mod_nw_dst:10.0.0.2,output:2
tcp,reg0=1,tun_id=2,metadata=3,in_port=4,dl_vlan=5,dl_src=00:00:00:00:00:06,nw_src=7.7.7.7,nw_tos=8,nw_ecn=1,nw_ttl=9,nw_frag=first,tp_src=10,tcp_flags=+syn,actions=drop
# ---- actions
actions=output:1
actions=1
actions=1,2,3
actions=NORMAL
actions=normal
actions=FLOOD
actions=ALL
actions=IN_PORT
actions=in_port
actions=LOCAL
actions=output:LOCAL
actions=CONTROLLER
actions=CONTROLLER:100
actions=controller:0
actions=controller(max_len=50)
actions=output:CONTROLLER
actions=drop
actions=
actions=output:web0,web1
actions=resubmit:3
actions=resubmit(,2)
actions=resubmit(1,2)
actions=resubmit(1,)
actions=resubmit(IN_PORT,7)
table=1,actions=goto_table:3
table=1,actions=resubmit(,0),goto_table:254
actions=mod_dl_src:00:11:22:33:44:55,mod_dl_dst:01:00:5e:00:00:01
ip,actions=mod_nw_src:10.0.0.1,mod_nw_dst:10.0.0.2
tcp,actions=mod_tp_src:1000,mod_tp_dst:80
udp,actions=mod_tp_dst:53
sctp,actions=mod_tp_src:9
tcp6,actions=mod_tp_dst:443
ip,actions=mod_nw_tos:8
ipv6,actions=mod_nw_tos:252
ip,actions=mod_nw_ecn:2
ip,actions=mod_nw_ttl:5
ip,actions=set_nw_ttl:6
ip,actions=dec_ttl
ipv6,actions=dec_ttl,output:1
ip,actions=set_field:10.0.0.1->nw_dst
ip,actions=set_field:10.0.0.1->ip_src
actions=set_field:00:11:22:33:44:55->eth_src
actions=set_field:00:11:22:33:44:55->dl_dst
dl_vlan=5,actions=set_field:4106->vlan_vid
dl_vlan=5,actions=set_field:3->vlan_pcp
actions=set_field:0x1005->vlan_tci
tcp,actions=set_field:80->tcp_dst
udp,actions=set_field:80->udp_src
sctp,actions=set_field:80->sctp_dst
actions=set_field:0x5->reg0
actions=set_field:5->reg0
actions=set_field:0x5/0xff->reg0
actions=set_field:0x1f0f/0xff0f->reg1
actions=set_field:0x8000/0x8000->reg7
ip,actions=set_field:46->ip_dscp
ip,actions=set_field:3->nw_ecn
ip,actions=set_field:9->nw_ttl
actions=set_field:5->tun_id
actions=set_field:0x5/0xf->tun_id
actions=set_field:0xff00/0xff00->metadata
actions=set_field:1.2.3.4->tun_src
ipv6,actions=set_field:fe80::1->ipv6_src
ipv6,actions=set_field:2001:db8::/ffff::->ipv6_dst
ipv6,actions=set_field:0x12345->ipv6_label
arp,actions=set_field:2->arp_op
arp,actions=set_field:10.0.0.1->arp_spa
arp,actions=set_field:00:11:22:33:44:55->arp_tha
icmp,actions=set_field:0->icmp_type
icmp6,actions=set_field:1->icmpv6_code
actions=set_field:5->in_port
ip,actions=set_field:10.0.0.0/255.0.0.0->nw_dst
actions=load:0x5->NXM_NX_REG0[]
actions=load:0x5->reg0[0..3]
actions=load:1->reg0[5]
actions=load:0->reg0[5]
actions=load:0xffffffff->NXM_NX_REG2[]
actions=load:0x1->OXM_OF_METADATA[63]
ip,actions=load:0xa->NXM_OF_IP_DST[24..31]
actions=load:0x1->NXM_OF_VLAN_TCI[12]
actions=load:0x5->NXM_NX_TUN_ID[0..31]
actions=load:0x0->NXM_OF_ETH_SRC[40]
actions=load:5->NXM_OF_IN_PORT[]
actions=move:reg0[0..15]->reg1[16..31]
actions=move:NXM_NX_REG0[]->NXM_NX_REG1[]
ip,actions=move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[]
actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]
actions=move:reg0[]->tun_id[0..31]
actions=move:NXM_OF_IN_PORT[]->reg3[0..15]
tcp,actions=move:NXM_OF_TCP_SRC[]->NXM_OF_TCP_DST[]
actions=push_vlan:0x8100
actions=push_vlan:0x88a8,output:2
actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:10
dl_vlan=5,actions=pop_vlan
dl_vlan=5,actions=strip_vlan,output:2
vlan_tci=0x1000/0x1000,actions=pop_vlan,output:1
actions=mod_vlan_vid:10
dl_vlan=5,actions=mod_vlan_vid:10
actions=mod_vlan_pcp:3
dl_vlan=7,actions=mod_vlan_pcp:3,output:1
actions=write_metadata:0x5
actions=write_metadata:0x5/0xff
actions=write_metadata:0
actions=clear_actions
actions=write_actions(output:1)
ip,actions=write_actions(mod_nw_dst:10.0.0.9,output:2)
actions=write_actions(drop)
table=1,actions=push_vlan:0x8100,mod_vlan_vid:10,clear_actions,write_actions(output:3),write_metadata:0x5/0xff,goto_table:3
table=2,actions=output:1,clear_actions,goto_table:5
actions=output:1,write_metadata:0x1/0x1
tcp,tcp_flags=+syn-ack,actions=CONTROLLER:100,controller(max_len=50),load:0x5->NXM_NX_REG0[0..3],move:reg0[0..15]->reg1[16..31],set_field:0x10/0xff->reg2
ip,nw_dst=10.0.0.1,actions=mod_nw_dst:10.0.0.2,mod_dl_dst:00:00:00:00:00:02,dec_ttl,output:2
# ---- rejected by ovs-ofctl (and by us)
nw_bogus=1,actions=drop
actions=bogus
actions=bogus:3
ip,nw_dst=10.0.0.1.1,actions=drop
ip,nw_dst=10.0.0,actions=drop
ip,nw_dst=10.0.0.0/33,actions=drop
ipv6,ipv6_src=2001:db8::g,actions=drop
ipv6,ipv6_src=2001:db8::/129,actions=drop
dl_src=00:11:22:33:44,actions=drop
dl_src=00:11:22:33:44:55:66,actions=drop
dl_src=00:11:22:33:44:zz,actions=drop
ip,nw_proto=6/0x0f,actions=drop
dl_type=0x0800/0xff00,actions=drop
in_port=1/0xf,actions=drop
ip,nw_ttl=1/1,actions=drop
dl_vlan=5000,actions=drop
dl_vlan_pcp=8,actions=drop
ip,nw_ecn=4,actions=drop
ip,ip_dscp=64,actions=drop
tcp,tp_dst=65536,actions=drop
tcp,tp_dst=abc,actions=drop
reg0=0x100000000,actions=drop
ipv6,ipv6_label=0x100000,actions=drop
tcp,tcp_flags=+bogus,actions=drop
tcp,tcp_flags=+syn+syn,actions=drop
tcp,tcp_flags=syn+ack,actions=drop
ip,nw_frag=maybe,actions=drop
in_port=foo,actions=drop
in_port=70000,actions=drop
actions=output:foo
actions=output:70000
actions=drop,output:1
actions=output:1,drop
ip
tcp,nw_dst=10.0.0.1
actions=clear_actions,output:1
actions=goto_table:3,write_metadata:0x1
actions=write_metadata:0x1,write_metadata:0x2
actions=clear_actions,clear_actions
table=3,actions=goto_table:3
table=3,actions=goto_table:1
actions=goto_table:255
actions=resubmit(,)
actions=resubmit(1,2,3)
actions=resubmit:foo
actions=load:0x5->reg0[1]
actions=load:0x10->reg0[0..3]
actions=load:1->reg0[32]
actions=load:1->reg0[5..4]
actions=load:1->bogus[]
actions=load:1->NXM_OF_ETH_TYPE[]
actions=move:reg0[0..15]->reg1[0..7]
actions=move:reg0[]->NXM_OF_ETH_TYPE[]
actions=set_field:1->bogus
actions=set_field:0x800->eth_type
actions=set_field:6->nw_proto
ip,actions=set_field:3/1->nw_ttl
actions=set_field:10.0.0.1->nw_dst
tcp,actions=set_field:1->udp_dst
actions=push_vlan:0x800
actions=push_vlan:0x9100
actions=mod_vlan_vid:5000
actions=mod_vlan_pcp:8
ip,actions=mod_nw_tos:3
ip,actions=mod_nw_ecn:4
ip,actions=mod_nw_ttl:256
actions=mod_dl_src:00:11:22
ip,actions=mod_nw_dst:10.0.0
tcp,actions=mod_tp_dst:65536
actions=mod_nw_dst:10.0.0.1
actions=mod_tp_dst:80
ip,actions=mod_tp_dst:80
actions=dec_ttl
actions=mod_nw_ttl:3
actions=strip_vlan
actions=pop_vlan
actions=set_field:4106->vlan_vid
actions=apply_actions(output:1)
actions=write_actions(goto_table:1)
cookie=0x1/0x1,actions=drop
priority=65536,actions=drop
idle_timeout=-1,actions=drop
hard_timeout=70000,actions=drop
table=256,actions=drop
ip,nw_dst=10.0.0.300,actions=drop
actions=goto_table:0
dl_type=0x0800,nw_tos=13,actions=drop
# ---- ovs-ofctl drops the field silently ("normalization"); we refuse
tp_dst=80,actions=drop
nw_dst=10.0.0.1,actions=drop
ip,ipv6_src=::1,actions=drop
udp,tcp_dst=80,actions=drop
udp,tcp_flags=+syn,actions=drop
ipv6,nw_src=10.0.0.1,actions=drop
ip,arp_sha=00:11:22:33:44:55,actions=drop
arp,nw_tos=8,actions=drop
ipv6,icmp_type=1,actions=drop
icmp,tp_src=1,actions=drop
ip,ipv6_label=1,actions=drop
nw_proto=6,actions=drop
"""


def ovs_text(flow):
    """Our string with port names replaced by numbers, for ovs-ofctl."""
    for name, number in PORTS.items():
        flow = re.sub(r"(?<![\w])" + name + r"(?![\w])", number, flow)
    return flow


def run_ovs(flow):
    """(status, printed flow_mod or error). status: ok, normalized, rejected."""
    p = subprocess.run(["ovs-ofctl", "-O", "OpenFlow13", "parse-flow", flow],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return "rejected", p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "?"
    line = [l for l in p.stdout.splitlines() if "FLOW_MOD" in l]
    if not line:
        return "rejected", p.stdout.strip()
    body = line[0].split("): ", 1)[1]
    if "decode error" in body:  # it encoded something the switch side would refuse
        return "rejected", body
    if "normalization changed" in p.stderr:
        return "normalized", body
    return "ok", body


def ovs_parts(body):
    """Split ovs-ofctl's ' ADD table:1 MATCH cookie:.. idle:.. flags actions=...'."""
    body = body.strip()
    assert body.startswith("ADD"), body
    head, actions = body[3:].split("actions=", 1)
    tokens = head.split()
    out = {"table": 0, "match": "", "extra": [], "actions": actions}
    for t in tokens:
        if t.startswith("table:"):
            out["table"] = int(t[6:])
        elif t.startswith("cookie:"):
            out["extra"].append("cookie=" + t[7:])
        elif t.startswith("idle:"):
            out["extra"].append("idle_timeout=" + t[5:])
        elif t.startswith("hard:"):
            out["extra"].append("hard_timeout=" + t[5:])
        elif t in ("send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts",
                   "no_byte_counts"):
            out["extra"].append(t)
        else:
            assert not out["match"], body
            out["match"] = t
    return out


def ovs_as_flow(parts):
    """ovs-ofctl's printed flow_mod as a flow string our parser takes."""
    items = []
    if parts["table"]:
        items.append("table=%d" % parts["table"])
    items += parts["extra"]
    if parts["match"]:
        items.append(parts["match"])
    return ",".join(items + ["actions=" + parts["actions"]])


def random_flows(rng, n):
    protos = [
        ("ip", ["nw_src=10.%d.0.0/16", "nw_dst=192.168.%d.1", "nw_tos=%d*4", "nw_ecn=%d&3", "nw_ttl=%d",
                "nw_frag=first", "ip_dscp=%d"], ["mod_nw_dst:10.0.0.%d", "dec_ttl", "mod_nw_ttl:%d"]),
        ("tcp", ["nw_dst=10.0.%d.0/24", "tp_dst=%d", "tp_src=0x%x/0xff00", "tcp_flags=+syn-ack",
                 "tcp_dst=%d"], ["mod_tp_dst:%d", "set_field:%d->tcp_src", "mod_nw_src:1.1.1.%d"]),
        ("udp6", ["ipv6_dst=2001:db8:%x::/48", "tp_dst=%d", "ipv6_label=0x%x", "nw_ttl=%d"],
         ["mod_tp_src:%d", "set_field:fe80::%x->ipv6_src", "dec_ttl"]),
        ("arp", ["arp_spa=10.0.0.%d", "arp_tpa=10.%d.0.0/16", "arp_op=%d",
                 "arp_sha=00:00:00:00:00:%02x"], ["set_field:%d->arp_op", "mod_dl_src:00:00:00:00:00:%02x"]),
        ("icmp", ["icmp_type=%d", "icmp_code=%d", "nw_src=10.0.0.%d"], ["set_field:%d->icmp_type"]),
        ("", ["in_port=%d", "dl_vlan=%d", "reg%d=5", "metadata=0x%x/0xff", "dl_src=00:00:00:00:00:%02x",
              "tun_id=0x%x"], ["push_vlan:0x8100", "load:%d->reg1[0..7]", "mod_dl_dst:00:00:00:00:00:%02x"]),
    ]
    common = ["output:%d", "NORMAL", "resubmit(,%d)", "CONTROLLER:%d", "set_field:%d->reg3",
              "move:reg0[0..7]->reg1[8..15]", "mod_vlan_vid:%d", "load:0x%x->NXM_NX_REG4[]"]
    out = []
    for _ in range(n):
        proto, fields, acts = rng.choice(protos)
        parts = [proto] if proto else []
        if rng.random() < 0.3:
            parts.insert(0, "priority=%d" % rng.randint(0, 65535))
        for f in rng.sample(fields, rng.randint(0, len(fields))):
            v = rng.randint(0, 7)
            if f.endswith("*4"):
                f, v = f[:-2], v * 4
            elif f.endswith("&3"):
                f, v = f[:-2], v & 3
            parts.append(f % v if "%" in f else f)
        actions = []
        for a in rng.sample(acts + common, rng.randint(1, 4)):
            actions.append(a % rng.randint(1, 7) if "%" in a else a)
        text = ",".join(parts + ["actions=" + ",".join(actions)])
        out.append(text)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--random", type=int, default=250)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()

    corpus = [l for l in HANDWRITTEN.splitlines() if l.strip() and not l.startswith("#")]
    corpus += random_flows(random.Random(args.seed), args.random)

    with ThreadPoolExecutor(max_workers=4) as pool:
        ovs = list(pool.map(lambda f: run_ovs(ovs_text(f)), corpus))

    def ours(lines):
        p = subprocess.run([args.tool], input="\n".join(lines) + "\n", capture_output=True, text=True,
                           check=True)
        return [json.loads(l) for l in p.stdout.splitlines()]

    mine = ours(corpus)
    failures = []
    counts = {"ok": 0, "rejected": 0, "normalized": 0, "we_reject": 0}
    accepted = []  # (index, our flow text for ovs, ovs parts)
    for i, (flow, (status, body), me) in enumerate(zip(corpus, ovs, mine)):
        deliberate = next((why for pat, why in WE_REJECT
                           if (pat(flow) if callable(pat) else re.search(pat, flow))), None)
        if status in ("rejected", "normalized"):
            counts[status] += 1
            if me["ok"]:
                failures.append("%s: ovs-ofctl %s (%s) but we accept: %s" % (flow, status, body, me["flow"]))
            elif args.v:
                print("both reject: %-60s ours: %s | ovs: %s" % (flow, me["error"], body))
            continue
        if deliberate:
            counts["we_reject"] += 1
            if me["ok"]:
                failures.append("%s: expected our deliberate rejection (%s)" % (flow, deliberate))
            continue
        counts["ok"] += 1
        if not me["ok"]:
            failures.append("%s: ovs-ofctl accepts (%s) but we reject: %s" % (flow, body, me["error"]))
            continue
        parts = ovs_parts(body)
        want_match = parts["match"]
        got_match = me["match"]
        if me["priority"] != 32768:
            got_match = "priority=%d" % me["priority"] + ("," + got_match if got_match else "")
        if got_match != want_match:
            failures.append("%s: match: ours %r, ovs-ofctl %r" % (flow, got_match, want_match))
        if not me.get("roundtrip"):
            failures.append("%s: parse(format(parse(x))) != parse(x): %s (%s)"
                            % (flow, me["flow"], me.get("roundtrip_error", "")))
        accepted.append((i, me["flow"], parts))

    # b. ovs-ofctl reads our formatted flow as it read the original.
    with ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(lambda a: run_ovs(a[1]), accepted))
    # (compared through our parser: ovs-ofctl's spelling of a load and of the equivalent
    # set_field differ, and our form does not keep the spelling)
    again_read = ours([ovs_as_flow(ovs_parts(body)) if status == "ok" else "x"
                       for status, body in again])
    # c. we read ovs-ofctl's printed flow as we read the original.
    reread = ours([ovs_as_flow(parts) for _, _, parts in accepted])
    for (i, ours_text, parts), (status, body), me1, me2 in zip(accepted, again, again_read, reread):
        flow = corpus[i]
        if status != "ok":
            failures.append("%s: ovs-ofctl refuses our form %r: %s" % (flow, ours_text, body))
        elif ovs_parts(body)["match"] != parts["match"] or not me1["ok"] or \
                me1["flow"] != me2.get("flow"):
            failures.append("%s: ovs-ofctl prints our form %r as %r, the original as %r"
                            % (flow, ours_text, body, ovs[i][1]))
        differ = next((why for pat, why in SEMANTICS_DIFFER if re.search(pat, flow)), None)
        if differ:
            continue
        if not me2["ok"]:
            failures.append("%s: we reject ovs-ofctl's form %r: %s" % (flow, ovs_as_flow(parts), me2["error"]))
        elif me2["flow"] != mine[i]["flow"]:
            failures.append("%s: ovs-ofctl's form %r reads as %r, the original as %r"
                            % (flow, ovs_as_flow(parts), me2["flow"], mine[i]["flow"]))

    print("flow syntax oracle: %d strings: %d accepted by both, %d rejected by both, %d silently "
          "normalized by ovs-ofctl (we reject), %d deliberately rejected by us"
          % (len(corpus), counts["ok"], counts["rejected"], counts["normalized"], counts["we_reject"]))
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
