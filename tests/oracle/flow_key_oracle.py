#!/usr/bin/python3
"""Key extraction and packet synthesis oracle, against scapy.

1. extract: scapy builds frames of many protocols (VLAN and QinQ, IPv4 with options and
   fragments, IPv6 with extension headers and fragments, TCP with every flag, UDP, SCTP,
   ICMP, ICMPv6, ARP, LLDP, 802.3, truncated frames), random field values; our
   extract_key() must agree with scapy's dissection on every FlowKey field.
2. synth: for flow strings (as `trace` takes them), our synthesize_packet() frame, dissected
   by scapy, must carry the flow's fields, and every checksum scapy recomputes (IPv4
   header, TCP, UDP, ICMP, ICMPv6, SCTP) must equal the one we wrote.
Usage: flow_key_oracle.py --tool PATH [--count N] [--seed S]
"""

import argparse
import json
import random
import subprocess
import sys

from scapy.all import (ARP, ICMP, IP, SCTP, TCP, UDP, Dot1AD, Dot1Q, Dot3, Ether, ICMPv6EchoRequest,
                       ICMPv6ND_NS, ICMPv6DestUnreach, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, LLC, Raw, SNAP, IPOption_RR)
from scapy.layers.inet6 import _ICMPv6

FIELDS = ["dl_dst", "dl_src", "dl_type", "vlan_tci", "nw_src", "nw_dst", "ipv6_src", "ipv6_dst",
          "ipv6_label", "nw_proto", "nw_tos", "nw_ttl", "nw_frag", "tp_src", "tp_dst", "tcp_flags",
          "arp_sha", "arp_tha"]


def expected(pkt, truncated_l4=False):
    """Every FlowKey field as scapy sees the frame (OVS's conventions)."""
    e = dict.fromkeys(FIELDS, 0)
    e.update(dl_dst="00:00:00:00:00:00", dl_src="00:00:00:00:00:00", nw_src="0.0.0.0",
             nw_dst="0.0.0.0", ipv6_src="::", ipv6_dst="::", arp_sha="00:00:00:00:00:00",
             arp_tha="00:00:00:00:00:00")
    eth = pkt[Ether] if Ether in pkt else pkt[Dot3]
    e["dl_dst"], e["dl_src"] = eth.dst, eth.src
    if Dot3 in pkt and Ether not in pkt:
        e["dl_type"] = 0x05ff
        return e
    layer = eth.payload
    tags = []
    while isinstance(layer, (Dot1Q, Dot1AD)):
        tags.append(layer)
        layer = layer.payload
    if tags:
        t = tags[0]
        e["vlan_tci"] = (t.prio << 13) | t.vlan | 0x1000
        e["dl_type"] = tags[-1].type
    else:
        e["dl_type"] = eth.type
    if isinstance(layer, IP):
        ip = layer
        e.update(nw_src=ip.src, nw_dst=ip.dst, nw_proto=ip.proto, nw_tos=ip.tos, nw_ttl=ip.ttl)
        later = ip.frag != 0
        if ip.flags.MF or ip.frag:
            e["nw_frag"] = 1 | (2 if later else 0)
        if later:
            return e
        l4 = ip.payload
    elif isinstance(layer, IPv6):
        ip = layer
        e.update(ipv6_src=ip.src, ipv6_dst=ip.dst, nw_tos=ip.tc, ipv6_label=ip.fl, nw_ttl=ip.hlim)
        l4 = ip.payload
        nh = ip.nh
        while isinstance(l4, (IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, IPv6ExtHdrDestOpt,
                              IPv6ExtHdrFragment)):
            if isinstance(l4, IPv6ExtHdrFragment):
                if l4.m or l4.offset:
                    e["nw_frag"] = 1 | (2 if l4.offset else 0)
                if l4.offset:
                    e["nw_proto"] = l4.nh
                    return e
            nh = l4.nh
            l4 = l4.payload
        e["nw_proto"] = nh
    elif isinstance(layer, ARP):
        a = layer
        if a.hwtype == 1 and a.ptype == 0x0800 and a.hwlen == 6 and a.plen == 4:
            e.update(nw_proto=a.op if a.op <= 255 else 0, nw_src=a.psrc, nw_dst=a.pdst,
                     arp_sha=a.hwsrc, arp_tha=a.hwdst)
        return e
    else:
        return e
    if truncated_l4:
        return e
    if isinstance(l4, TCP):
        e.update(tp_src=l4.sport, tp_dst=l4.dport, tcp_flags=int(l4.flags) & 0xfff)
    elif isinstance(l4, (UDP, SCTP)):
        e.update(tp_src=l4.sport, tp_dst=l4.dport)
    elif isinstance(l4, ICMP) or isinstance(l4, _ICMPv6):
        e.update(tp_src=l4.type, tp_dst=l4.code)
    return e


def rmac(rng):
    return "%02x:%02x:%02x:%02x:%02x:%02x" % tuple([rng.randrange(256) & 0xfe] +
                                                  [rng.randrange(256) for _ in range(5)])


def rip(rng):
    return "%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4))


def rip6(rng):
    return "2001:db8:%x:%x::%x:%x" % tuple(rng.randrange(65536) for _ in range(4))


def l4_for(rng, v6):
    kind = rng.choice(["tcp", "udp", "sctp", "icmp", "raw"])
    sport, dport = rng.randrange(65536), rng.randrange(65536)
    if kind == "tcp":
        return TCP(sport=sport, dport=dport, flags=rng.randrange(0x1000)) / Raw(b"x" * rng.randrange(20))
    if kind == "udp":
        return UDP(sport=sport, dport=dport if dport not in (4789, 6081) else 53) / Raw(b"y" * rng.randrange(20))
    if kind == "sctp":
        return SCTP(sport=sport, dport=dport)
    if kind == "icmp":
        if v6:
            return rng.choice([ICMPv6EchoRequest(id=1, seq=2), ICMPv6DestUnreach(code=rng.randrange(5)),
                               ICMPv6ND_NS(tgt="fe80::1")])
        return ICMP(type=rng.randrange(256), code=rng.randrange(256))
    return Raw(b"\x00" * 8)


def random_frame(rng):
    eth = Ether(dst=rmac(rng), src=rmac(rng))
    vlans = rng.choice([[], [], [Dot1Q(vlan=rng.randrange(4096), prio=rng.randrange(8))],
                        [Dot1AD(vlan=rng.randrange(4096), prio=rng.randrange(8)),
                         Dot1Q(vlan=rng.randrange(4096), prio=rng.randrange(8))]])
    l3kind = rng.choice(["ip", "ip", "ipv6", "ipv6", "arp", "other", "dot3"])
    if l3kind == "dot3":
        return Dot3(dst=rmac(rng), src=rmac(rng)) / LLC() / SNAP() / Raw(b"z" * 20), False
    head = eth
    for v in vlans:
        head = head / v
    if l3kind == "ip":
        ip = IP(src=rip(rng), dst=rip(rng), tos=rng.randrange(256), ttl=rng.randrange(256))
        if rng.random() < 0.2:
            ip.options = [IPOption_RR()]
        frag = rng.random()
        if frag < 0.15:
            ip.flags = "MF"
        elif frag < 0.3:
            ip.frag = rng.randrange(1, 8191)
            ip.flags = rng.choice(["", "MF"])
            ip.proto = rng.choice([6, 17, 1])
            return head / ip / Raw(b"f" * 16), False
        return head / ip / l4_for(rng, False), False
    if l3kind == "ipv6":
        ip = IPv6(src=rip6(rng), dst=rip6(rng), tc=rng.randrange(256), fl=rng.randrange(1 << 20),
                  hlim=rng.randrange(256))
        chain = ip
        for ext in rng.sample([IPv6ExtHdrHopByHop(), IPv6ExtHdrDestOpt(),
                               IPv6ExtHdrRouting(addresses=[])], rng.randrange(3)):
            chain = chain / ext
        frag = rng.random()
        if frag < 0.15:
            chain = chain / IPv6ExtHdrFragment(m=1, offset=0, id=7)
        elif frag < 0.3:
            chain = chain / IPv6ExtHdrFragment(m=rng.randrange(2), offset=rng.randrange(1, 8191), id=7,
                                               nh=rng.choice([6, 17, 58]))
            return head / chain / Raw(b"f" * 16), False
        return head / chain / l4_for(rng, True), False
    if l3kind == "arp":
        a = ARP(op=rng.choice([1, 2, 3, 0x1ff]), hwsrc=rmac(rng), psrc=rip(rng), hwdst=rmac(rng),
                pdst=rip(rng))
        return head / a, False
    head.lastlayer().type = 0x88cc  # LLDP: no L3 fields
    return head / Raw(b"\x02\x07\x04" + b"a" * 20), False


def check_extract(tool, count, seed):
    rng = random.Random(seed)
    frames = []
    for i in range(count):
        pkt, _ = random_frame(rng)
        raw = bytes(pkt)
        truncated = False
        # Some frames cut inside the L4 header: L3 fields stay, L4 ones must be zero.
        if rng.random() < 0.08 and (TCP in pkt or UDP in pkt):
            l4 = pkt[TCP] if TCP in pkt else pkt[UDP]
            cut = len(raw) - len(bytes(l4)) + rng.randrange(1, 8)
            raw, truncated = raw[:cut], True
            pkt = Ether(raw) if Ether in pkt else pkt
        frames.append((i + 1, raw, Ether(raw) if not Dot3 in pkt else Dot3(raw), truncated))
    lines = "".join("%d %s\n" % (port, raw.hex()) for port, raw, _, _ in frames)
    out = subprocess.run([tool], input=lines, capture_output=True, text=True, check=True).stdout
    failures = []
    for (port, raw, pkt, truncated), got in zip(frames, out.splitlines()):
        ours = json.loads(got)
        want = expected(pkt, truncated)
        bad = [f for f in FIELDS if ours[f] != want[f]]
        if ours["in_port"] != port:
            bad.append("in_port")
        if bad:
            failures.append("extract %s: %s" % (raw.hex(), ", ".join(
                "%s ours %r scapy %r" % (f, ours.get(f), want.get(f)) for f in bad)))
    return len(frames), failures


SYNTH = [
    "in_port=1,dl_src=00:11:22:33:44:55,dl_dst=66:77:88:99:aa:bb,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80,tcp_flags=+syn+ack,nw_tos=184,nw_ttl=7",
    "udp,nw_src=192.168.1.1,nw_dst=192.168.1.2,tp_src=5000,tp_dst=6000",
    "sctp,nw_src=1.1.1.1,nw_dst=2.2.2.2,tp_src=9,tp_dst=10",
    "icmp,nw_src=1.1.1.1,nw_dst=2.2.2.2,icmp_type=8,icmp_code=0",
    "tcp6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,tp_src=1,tp_dst=443,ipv6_label=0x12345,nw_tos=40,nw_ttl=3",
    "udp6,ipv6_src=fe80::1,ipv6_dst=ff02::1:2,tp_src=546,tp_dst=547",
    "sctp6,ipv6_src=::1,ipv6_dst=::2,tp_src=7,tp_dst=8",
    "icmp6,ipv6_src=fe80::1,ipv6_dst=fe80::2,icmp_type=128,icmp_code=0",
    "arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00",
    "dl_vlan=100,dl_vlan_pcp=5,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_dst=22",
    "vlan_tci=0x3005,udp6,ipv6_src=::1,ipv6_dst=::2,tp_dst=1",
    "ip,nw_proto=99,nw_src=1.2.3.4,nw_dst=5.6.7.8",
    "tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_frag=first,tp_dst=80",
    "udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_frag=later",
    "udp6,ipv6_src=::1,ipv6_dst=::2,nw_frag=first,tp_src=1,tp_dst=2",
    "tcp6,ipv6_src=::1,ipv6_dst=::2,nw_frag=later",
    "dl_type=0x88cc,dl_src=00:00:00:00:00:01",
    "tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tcp_flags=fin|syn|rst|psh|ack|urg|ece|cwr|ns",
]


def check_synth(tool):
    lines = []
    for flow in SYNTH:
        lines += [flow, flow + "\t100"]
    out = subprocess.run([tool, "--synth"], input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True).stdout.splitlines()
    keys_in = []
    failures = []
    for flow, hexframe in zip(lines, out):
        if hexframe.startswith("error"):
            failures.append("synth %r: %s" % (flow, hexframe))
            continue
        raw = bytes.fromhex(hexframe)
        pkt = Ether(raw)
        # Every checksum: scapy's recomputation equals ours.
        for layer in (IP, TCP, UDP, ICMP, SCTP, _ICMPv6):
            if layer in pkt and hasattr(pkt[layer], "chksum") and not (IP in pkt and pkt[IP].flags.MF and layer is not IP) \
                    and not (IPv6ExtHdrFragment in pkt and layer is not IP):
                mine = pkt[layer].chksum
                again = pkt.copy()
                del again[layer].chksum
                redo = Ether(bytes(again))[layer].chksum
                if mine != redo:
                    failures.append("synth %r: %s checksum ours %#x scapy %#x" % (flow, layer.__name__, mine, redo))
        payload = int(flow.split("\t")[1]) if "\t" in flow else 0
        if payload and Raw in pkt and len(pkt[Raw].load) != payload and not pkt.haslayer(ARP):
            failures.append("synth %r: payload %d bytes, not %d" % (flow, len(pkt[Raw].load), payload))
        keys_in.append((flow, raw, pkt))
    # extract_key() of the frame gives back the flow's fields (as scapy reads them too).
    lines = "".join("1 %s\n" % raw.hex() for _, raw, _ in keys_in)
    ext = subprocess.run([tool], input=lines, capture_output=True, text=True, check=True).stdout.splitlines()
    for (flow, raw, pkt), got in zip(keys_in, ext):
        ours = json.loads(got)
        want = expected(pkt)
        bad = [f for f in FIELDS if ours[f] != want[f]]
        for item in flow.split("\t")[0].split(","):
            if "=" not in item:
                continue
            name, value = item.split("=", 1)
            simple = {"nw_src": "nw_src", "nw_dst": "nw_dst", "arp_spa": "nw_src", "arp_tpa": "nw_dst",
                      "ipv6_src": "ipv6_src", "ipv6_dst": "ipv6_dst", "dl_src": "dl_src", "dl_dst": "dl_dst",
                      "arp_sha": "arp_sha", "arp_tha": "arp_tha"}
            if name in simple and str(ours[simple[name]]) != value:
                bad.append("%s=%s (key has %s)" % (name, value, ours[simple[name]]))
            if name in ("tp_src", "tp_dst", "icmp_type", "icmp_code", "nw_ttl", "nw_tos", "arp_op"):
                field = {"icmp_type": "tp_src", "icmp_code": "tp_dst", "arp_op": "nw_proto"}.get(name, name)
                if ours[field] != int(value, 0):
                    bad.append("%s=%s (key has %s)" % (name, value, ours[field]))
        if bad:
            failures.append("synth %r: %s" % (flow, bad))
    return len(lines.splitlines()), failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    n_extract, failures = check_extract(args.tool, args.count, args.seed)
    n_synth, more = check_synth(args.tool)
    failures += more
    print("flow key oracle: %d scapy frames extracted, %d synthesized frames checked" % (n_extract, n_synth))
    for f in failures[:50]:
        print("FAIL", f)
    if len(failures) > 50:
        print("... and %d more" % (len(failures) - 50))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
