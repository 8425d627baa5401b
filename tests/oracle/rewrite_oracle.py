#!/usr/bin/python3
"""Independent oracle for Switchyard's checksum-aware set-field rewrites (src/offload/rewrite.*),
judged by Debian's scapy.

Random packets (Ethernet, 0-2 VLAN tags; IPv4 with or without options / IPv6 with or without
extension headers, a routing header among them; TCP, UDP, UDP with checksum 0, SCTP, ICMP,
ICMPv6; IPv4 and IPv6 fragment trains; TSO/USO super-frames; ARP) in every checksum state
(none with a good checksum, none with a bad one - and a bad IPv4 header checksum -, partial
with the pseudo-header seed, verified) get a random list of set-field actions. Then
rewrite_oracle_tool applies the actions (one parse for the whole list) and finishes the
packet as egress does (tx_prepare: completion in software or a partial checksum left to the
port; software segmentation of super-frames), printing the packet after the actions and
after egress.

The model is scapy's: the expected packet is scapy's dissection of the input with the same
fields assigned (ICMP type/code patched as bytes: scapy re-lays ICMP fields by type), and
every checksum is computed by scapy from scratch. What "right" means, per checksum:

  residual  The Internet checksum scapy computes over everything a checksum covers (the
            pseudo-header for TCP/UDP/ICMPv6, then the L4 segment; the IPv4 header) WITH the
            stored field left in. 0 exactly when the stored checksum is right (0x0000 and
            0xFFFF are the same one's-complement number); otherwise it is the
            one's-complement difference between the correct and the stored value. "Bad
            stays exactly as bad" means: the residual after the rewrites equals the residual
            before. For a fragment train it is computed over the reassembled datagram.
  SCTP      error = stored CRC32c XOR the CRC32c scapy computes; must not change.

Rules checked (input state -> after the actions -> after egress):
  - every non-checksum byte equals scapy's model; the per-action statuses equal the model's
    (ok, or why not: not_ipv4, no_ports, later_fragment, ttl_expired, bad_value, ...);
  - IPv4 header: residual unchanged (good stays good, bad stays as bad), after egress too;
  - none: residual (SCTP: error) unchanged, state none; UDP field 0 stays 0 (IPv4 "no
    checksum", IPv6 "invalid": not fixed); an updated UDP checksum is never 0;
  - partial: state partial at the same offsets; the field equals the seed scapy computes
    from the rewritten pseudo-header (TCP/UDP/ICMPv6; ICMP and SCTP stay 0);
  - verified: if no byte any L4 checksum covers changed, still verified and right; if one
    did (a port, an ICMP type/code, an address under TCP/UDP/ICMPv6 - not a destination
    behind a routing header): NOT verified; partial with scapy's seed where the packet can
    be partial, else none with a right checksum (fragments; UDP 0 stays 0);
  - fragments: later fragments' payload bytes identical to the input; the first fragment's
    checksum follows over the reassembled datagram;
  - egress: a completed checksum equals scapy's from-scratch value; a partial one left for
    the port equals scapy's seed; super-frames become exactly the segments scapy builds
    from the rewritten template (lengths, IP ID base+i, seq base+i*size, FIN/PSH last, CWR
    first, every checksum recomputed by scapy); verified leaves verified only as above.

--inject-fault flips one bit of the tool's output for each case (in the packet after the
actions or after egress) and requires that EVERY case is then reported wrong.

Usage: /usr/bin/python3 rewrite_oracle.py --tool PATH [--count N] [--seed S] [--inject-fault]
"""

import argparse
import ipaddress
import logging
import random
import subprocess
import sys
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402
    ARP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, ICMP, IPOption_NOP, IPOption_Router_Alert, IPv6,
    IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw, raw)
from scapy.layers.inet import fragment, in4_chksum, in4_pseudoheader  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    ICMPv6EchoRequest, _IPv6ExtHdr, fragment6, in6_chksum, in6_pseudoheader)
from scapy.layers.sctp import SCTP, SCTPChunkData, crc32c  # noqa: E402
from scapy.utils import checksum  # noqa: E402

PROTO = {"tcp": 6, "udp": 17, "sctp": 132, "icmp": 1, "icmp6": 58}
FIELD = {"tcp": 16, "udp": 6, "sctp": 8, "icmp": 2, "icmp6": 2}
GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4 = 1, 4, 5
FIN, PSH, CWR = 0x01, 0x08, 0x80


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def word_sum(b):
    if len(b) % 2:
        b += b"\0"
    return sum((b[i] << 8) | b[i + 1] for i in range(0, len(b), 2))


def rd16(b, at):
    return (b[at] << 8) | b[at + 1]


def with_bytes(b, at, value):
    return b[:at] + value + b[at + len(value):]


def rand_mac(rng):
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(rng.randrange(256) for _ in range(5))


# ------------------------------------------------------------------ frame layout (from scapy)

class Layout:
    """Where things are in a frame, read from scapy's dissection of it."""

    def __init__(self, frame):
        pkt = Ether(frame)
        self.pkt = pkt
        self.ip = pkt[IP] if IP in pkt else (pkt[IPv6] if IPv6 in pkt else None)
        self.l3 = len(frame) - len(raw(self.ip)) if self.ip is not None else None
        self.v = 4 if IP in pkt else (6 if IPv6 in pkt else None)
        self.upper = None  # the layer after the IP header and its extension headers
        if self.ip is not None:
            u = self.ip.payload
            while isinstance(u, _IPv6ExtHdr):
                u = u.payload
            self.upper = u
        if self.v == 4:
            self.end = self.l3 + self.ip.len
            self.after_ip = self.l3 + self.ip.ihl * 4
        elif self.v == 6:
            self.end = self.l3 + 40 + self.ip.plen
            self.after_ip = len(frame) - len(raw(self.upper)) if self.upper is not None else None
        self.l4 = len(frame) - len(raw(self.upper)) if self.upper is not None else None


# ------------------------------------------------------------------ packet generation

class Spec:
    """What the generator built: enough to predict statuses and which checksum applies."""

    def __init__(self, **kw):
        self.kind = "plain"  # plain | frag | gso | arp
        self.v = None
        self.proto = None
        self.udp_zero = False
        self.rh_final = False  # a routing header names the final destination
        self.frag_first = False
        self.frag_later = False
        self.__dict__.update(kw)


def l2(rng):
    eth = Ether(src=rand_mac(rng), dst=rand_mac(rng))
    n = rng.choice((0, 0, 1, 2))
    if n == 2:
        return eth / Dot1AD(vlan=rng.randrange(1, 4095)) / Dot1Q(vlan=rng.randrange(1, 4095))
    if n == 1:
        return eth / Dot1Q(vlan=rng.randrange(1, 4095), prio=rng.randrange(8))
    return eth


def rand_v4(rng):
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def rand_v6(rng):
    return str(ipaddress.IPv6Address(bytes([0xfd] + [rng.randrange(256) for _ in range(15)])))


def ip_header(rng, v, exts=True, allow_rh=True):
    """IPv4 (maybe with options) or IPv6 (maybe with extension headers); (layers, rh_final)."""
    if v == 4:
        opts = [IPOption_Router_Alert(), IPOption_NOP()] if exts and rng.random() < 0.2 else []
        return IP(src=rand_v4(rng), dst=rand_v4(rng), ttl=rng.randrange(0, 256),
                  tos=rng.randrange(256), id=rng.randrange(0x10000), flags="DF",
                  options=opts), False
    h = IPv6(src=rand_v6(rng), dst=rand_v6(rng), hlim=rng.randrange(0, 256),
             tc=rng.randrange(256), fl=rng.randrange(1 << 20))
    rh_final = False
    if exts and rng.random() < 0.15:
        h = h / IPv6ExtHdrHopByHop()
    if exts and allow_rh and rng.random() < 0.15:
        left = rng.choice((0, 2))
        h = h / IPv6ExtHdrRouting(addresses=[rand_v6(rng), rand_v6(rng)], segleft=left)
        rh_final = left != 0
    if exts and rng.random() < 0.1:
        h = h / IPv6ExtHdrDestOpt()
    return h, rh_final


def l4_layers(rng, proto, payload):
    if proto == "tcp":
        opts = rng.choice(([], [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)],
                           [("NOP", None), ("NOP", None), ("Timestamp", (rng.randrange(1 << 32), 7))]))
        t = TCP(sport=rng.randrange(1, 0x10000), dport=rng.randrange(1, 0x10000),
                seq=rng.randrange(1 << 32), ack=rng.randrange(1 << 32),
                flags=rng.randrange(256) & ~0x07 | 0x10 | (FIN if rng.random() < 0.3 else 0),
                window=rng.randrange(0x10000), options=opts)
        return t / Raw(payload) if payload else t
    if proto == "udp":
        u = UDP(sport=rng.randrange(1, 0x10000), dport=rng.randrange(1, 0x10000))
        # Keep clear of the tunnel ports: the parser would read the payload as VXLAN/Geneve.
        while u.dport in (4789, 6081):
            u.dport = rng.randrange(1, 0x10000)
        return u / Raw(payload) if payload else u
    if proto == "sctp":
        return SCTP(sport=rng.randrange(1, 0x10000), dport=rng.randrange(1, 0x10000),
                    tag=rng.randrange(1 << 32)) / SCTPChunkData(data=payload)
    if proto == "icmp":
        i = ICMP(type=8, id=rng.randrange(0x10000), seq=rng.randrange(0x10000))
        return i / Raw(payload) if payload else i
    return ICMPv6EchoRequest(id=rng.randrange(0x10000), seq=rng.randrange(0x10000), data=payload)


def spoil16(rng, correct, udp):
    """A wrong 16-bit Internet checksum (never the same number as `correct`, never UDP 0)."""
    while True:
        bad = correct ^ rng.randrange(1, 0x10000)
        if fold(bad + (~correct & 0xFFFF)) in (0, 0xFFFF):
            continue  # 0x0000 vs 0xFFFF: the same one's-complement value
        if udp and bad == 0:
            continue
        return bad


def seed_of(frame, lay, proto):
    """Folded pseudo-header sum (not complemented) of `frame`, by scapy."""
    if proto in ("icmp", "sctp"):
        return None
    plen = lay.end - lay.l4
    if lay.v == 4:
        ph = in4_pseudoheader(PROTO[proto], lay.ip, plen)
    else:
        ph = raw(in6_pseudoheader(PROTO[proto], lay.upper, plen))
    return fold(word_sum(ph if isinstance(ph, bytes) else raw(ph)))


def set_state(rng, frame, spec, state):
    """Fill the L4 checksum field (and maybe spoil the IPv4 header) for `state`."""
    if spec.udp_zero and state in ("bad", "partial"):
        state = "none"  # a field of 0 is neither a wrong checksum nor a seed
    lay = Layout(frame)  # the checksum bytes set here do not move anything: it stays valid
    info = dict(state=state, start=0, off=0, bad_l4=False, bad_ip=False, lay=lay)
    if spec.proto is None or lay.l4 is None or spec.frag_later:
        return frame, info
    field = lay.l4 + FIELD[spec.proto]
    if spec.udp_zero:
        frame = with_bytes(frame, field, b"\0\0")
    elif state == "partial":
        seed = seed_of(frame, lay, spec.proto)
        size = 4 if spec.proto == "sctp" else 2
        frame = with_bytes(frame, field, (seed or 0).to_bytes(size, "big"))
        info.update(start=lay.l4, off=FIELD[spec.proto])
    elif state == "bad":
        info.update(state="none", bad_l4=True)
        if spec.proto == "sctp":
            spoiled = int.from_bytes(frame[field:field + 4], "big") ^ rng.randrange(1, 1 << 32)
            frame = with_bytes(frame, field, spoiled.to_bytes(4, "big"))
        else:
            frame = with_bytes(frame, field, spoil16(rng, rd16(frame, field),
                                                     spec.proto == "udp").to_bytes(2, "big"))
    if spec.v == 4 and spec.kind != "gso" and rng.random() < 0.3:
        at = lay.l3 + 10
        frame = with_bytes(frame, at, spoil16(rng, rd16(frame, at), False).to_bytes(2, "big"))
        info["bad_ip"] = True
    return frame, info


def pick_state(rng, spec):
    if spec.kind == "gso":
        return rng.choice(("partial", "partial", "verified"))
    if spec.kind == "frag":
        return None  # chosen per train
    if spec.udp_zero or spec.proto is None:
        return rng.choice(("none", "verified"))
    return rng.choice(("none", "bad", "partial", "verified"))


def gen_plain(rng):
    v = rng.choice((4, 6))
    proto = rng.choice(("tcp", "tcp", "udp", "udp", "sctp", "icmp" if v == 4 else "icmp6"))
    hdr, rh_final = ip_header(rng, v)
    payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 400)))
    frame = raw(l2(rng) / hdr / l4_layers(rng, proto, payload))
    spec = Spec(v=v, proto=proto, rh_final=rh_final, udp_zero=proto == "udp" and rng.random() < 0.2)
    frame, info = set_state(rng, frame, spec, pick_state(rng, spec))
    return [dict(frame=frame, spec=spec, gso=0, gso_size=0, **info)]


def gen_arp(rng):
    a = ARP(op=rng.choice((1, 2)), hwsrc=rand_mac(rng), psrc=rand_v4(rng), hwdst=rand_mac(rng),
            pdst=rand_v4(rng))
    spec = Spec(kind="arp")
    return [dict(frame=raw(l2(rng) / a), spec=spec, gso=0, gso_size=0,
                 state=rng.choice(("none", "verified")), start=0, off=0, bad_l4=False,
                 bad_ip=False)]


def gen_frag(rng):
    v = rng.choice((4, 6))
    proto = rng.choice(("tcp", "udp", "udp", "sctp", "icmp" if v == 4 else "icmp6"))
    hdr, _ = ip_header(rng, v, exts=False)
    if v == 4:
        hdr.flags = 0
    payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(100, 700)))
    whole = hdr / l4_layers(rng, proto, payload)
    udp_zero = proto == "udp" and rng.random() < 0.25
    state = rng.choice(("none", "bad", "verified"))
    # Fill the datagram's checksum (right, wrong or 0) before cutting it.
    probe = Spec(v=v, proto=proto, udp_zero=udp_zero, kind="plain")
    dgram, info = set_state(rng, raw(Ether(src=rand_mac(rng), dst=rand_mac(rng)) / whole), probe,
                            state)
    dgram_ip = Ether(dgram)[IP if v == 4 else IPv6]
    size = rng.choice(tuple(s for s in (64, 128, 200, 256, 512) if s < len(payload)))
    if v == 4:
        frags = fragment(dgram_ip, fragsize=size)
    else:
        frags = fragment6(dgram_ip, 40 + 8 + size)
    eth = l2(rng)
    group = []
    for k, f in enumerate(frags):
        frame = raw(eth.copy() / f)
        spec = Spec(kind="frag", v=v, proto=proto, udp_zero=udp_zero, frag_first=k == 0,
                    frag_later=k != 0)
        finfo = dict(state=info["state"], start=0, off=0, bad_l4=info["bad_l4"], bad_ip=False,
                     lay=Layout(frame))
        if v == 4 and rng.random() < 0.2:
            at = finfo["lay"].l3 + 10
            frame = with_bytes(frame, at, spoil16(rng, rd16(frame, at), False).to_bytes(2, "big"))
            finfo["bad_ip"] = True
        group.append(dict(frame=frame, spec=spec, gso=0, gso_size=0, **finfo))
    return group


def gen_gso(rng):
    v = rng.choice((4, 6))
    proto = "tcp" if rng.random() < 0.7 else "udp"
    hdr, rh_final = ip_header(rng, v)
    mss = rng.randrange(64, 1400)
    n = rng.randrange(1, 6)
    payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, n * mss + 1)))
    frame = raw(l2(rng) / hdr / l4_layers(rng, proto, payload))
    spec = Spec(kind="gso", v=v, proto=proto, rh_final=rh_final)
    state = pick_state(rng, spec)
    frame, info = set_state(rng, frame, spec, state)
    if state == "verified":
        info.update(start=0, off=0)
    gso = GSO_UDP_L4 if proto == "udp" else (GSO_TCPV4 if v == 4 else GSO_TCPV6)
    return [dict(frame=frame, spec=spec, gso=gso, gso_size=mss, **info)]


# ------------------------------------------------------------------ actions and the model

ACTIONS = ("eth_src", "eth_dst", "ipv4_src", "ipv4_dst", "ipv6_src", "ipv6_dst", "ttl", "dec_ttl",
           "tos", "dscp", "ecn", "flow_label", "tp_src", "tp_dst", "icmp_type", "icmp_code",
           "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha")


def applicable(spec):
    if spec.kind == "arp":
        return ["eth_src", "eth_dst", "arp_op", "arp_spa", "arp_tpa", "arp_sha", "arp_tha"]
    a = ["eth_src", "eth_dst", "ttl", "dec_ttl", "tos", "dscp", "ecn"]
    a += ["ipv4_src", "ipv4_dst"] if spec.v == 4 else ["ipv6_src", "ipv6_dst", "flow_label"]
    if spec.proto in ("tcp", "udp", "sctp"):
        a += ["tp_src", "tp_dst"] * 2
    if spec.proto in ("icmp", "icmp6"):
        a += ["icmp_type", "icmp_code"]
    if spec.v is not None:
        a += ["ipv4_src", "ipv4_dst"] * 2 if spec.v == 4 else ["ipv6_src", "ipv6_dst"] * 2
    return a


def gen_actions(rng, spec, lay):
    acts = []
    for _ in range(rng.randrange(1, 7)):
        name = rng.choice(applicable(spec)) if rng.random() < 0.85 else rng.choice(ACTIONS)
        same = rng.random() < 0.1  # sometimes the value the field already has
        if name in ("eth_src", "eth_dst", "arp_sha", "arp_tha"):
            value = rand_mac(rng).replace(":", "")
        elif name in ("ipv4_src", "ipv4_dst", "arp_spa", "arp_tpa"):
            if same and lay.v == 4 and name.startswith("ipv4"):
                value = ipaddress.IPv4Address(getattr(lay.ip, name[5:])).packed.hex()
            else:
                value = "%08x" % rng.randrange(1 << 32)
        elif name in ("ipv6_src", "ipv6_dst"):
            if same and lay.v == 6:
                value = ipaddress.IPv6Address(getattr(lay.ip, name[5:])).packed.hex()
            else:
                value = bytes(rng.randrange(256) for _ in range(16)).hex()
        elif name == "dec_ttl":
            value = None
        elif name in ("ttl", "tos", "icmp_type", "icmp_code"):
            value = rng.randrange(256)
        elif name == "dscp":
            value = rng.randrange(64) if rng.random() < 0.9 else rng.randrange(64, 256)
        elif name == "ecn":
            value = rng.randrange(4) if rng.random() < 0.9 else rng.randrange(4, 256)
        elif name == "flow_label":
            value = rng.randrange(1 << 20) if rng.random() < 0.9 else rng.randrange(1 << 20, 1 << 24)
        elif name in ("tp_src", "tp_dst"):
            value = rng.randrange(0x10000)
        else:  # arp_op
            value = rng.randrange(0x10000)
        acts.append((name, value))
    return acts


def action_token(name, value):
    return name if value is None else "%s=%s" % (name, value)


class Model:
    """The input dissected by scapy, with the actions applied as scapy field assignments."""

    def __init__(self, case):
        self.case = case
        self.spec = case["spec"]
        self.pkt = Ether(case["frame"])
        self.patches = {}  # frame offset -> byte (ICMP type/code)
        self.lay = case["lay"]
        self.covered = False  # some byte an L4 checksum covers changed
        self.statuses = []

    def ip(self):
        return self.pkt[IP] if self.spec.v == 4 else self.pkt[IPv6]

    def l4_here(self):
        return self.lay.l4 is not None and not self.spec.frag_later

    def status(self, name, value):
        s = self.spec
        if (name == "dscp" and value > 63) or (name == "ecn" and value > 3) or \
                (name == "flow_label" and value > 0xFFFFF):
            return "bad_value"
        if name in ("eth_src", "eth_dst"):
            return "ok"
        if name.startswith("arp_"):
            return "ok" if s.kind == "arp" else "not_arp"
        if name.startswith("ipv4_"):
            return "ok" if s.v == 4 else "not_ipv4"
        if name.startswith("ipv6_") or name == "flow_label":
            return "ok" if s.v == 6 else "not_ipv6"
        if name in ("ttl", "tos", "dscp", "ecn", "dec_ttl"):
            if s.v is None:
                return "not_ip"
            if name == "dec_ttl" and (self.ip().ttl if s.v == 4 else self.ip().hlim) <= 1:
                return "ttl_expired"
            return "ok"
        if name in ("tp_src", "tp_dst"):
            if s.proto not in ("tcp", "udp", "sctp"):
                return "no_ports"
            if s.frag_later:
                return "later_fragment"
            if s.proto == "sctp" and s.kind == "frag":
                return "unsupported_l4"
            return "ok"
        if name in ("icmp_type", "icmp_code"):
            if s.proto not in ("icmp", "icmp6"):
                return "not_icmp"
            return "later_fragment" if s.frag_later else "ok"
        raise ValueError(name)

    def apply(self, name, value):
        st = self.status(name, value)
        self.statuses.append(st)
        if st != "ok":
            return
        s, ip = self.spec, (self.ip() if self.spec.v else None)
        changed = False  # for the fields an L4 checksum may cover
        if name in ("eth_src", "eth_dst"):
            setattr(self.pkt[Ether], name[4:], ":".join(value[i:i + 2] for i in range(0, 12, 2)))
        elif name in ("ipv4_src", "ipv4_dst"):
            new = ipaddress.IPv4Address(bytes.fromhex(value))
            changed = ipaddress.IPv4Address(getattr(ip, name[5:])) != new
            setattr(ip, name[5:], str(new))
        elif name in ("ipv6_src", "ipv6_dst"):
            new = ipaddress.IPv6Address(bytes.fromhex(value))
            changed = ipaddress.IPv6Address(getattr(ip, name[5:])) != new
            setattr(ip, name[5:], str(new))
        elif name == "ttl":
            setattr(ip, "ttl" if s.v == 4 else "hlim", value)
        elif name == "dec_ttl":
            if s.v == 4:
                ip.ttl -= 1
            else:
                ip.hlim -= 1
        elif name in ("tos", "dscp", "ecn"):
            attr = "tos" if s.v == 4 else "tc"
            old = getattr(ip, attr)
            new = value if name == "tos" else (
                (old & 3) | value << 2 if name == "dscp" else (old & 0xFC) | value)
            setattr(ip, attr, new)
        elif name == "flow_label":
            ip.fl = value
        elif name in ("tp_src", "tp_dst"):
            layer = self.pkt[{"tcp": TCP, "udp": UDP, "sctp": SCTP}[s.proto]]
            attr = "sport" if name == "tp_src" else "dport"
            changed = getattr(layer, attr) != value
            setattr(layer, attr, value)
        elif name in ("icmp_type", "icmp_code"):
            at = self.lay.l4 + (0 if name == "icmp_type" else 1)
            old = self.patches.get(at, self.case["frame"][at])
            self.patches[at] = value
            if old != value:
                self.covered = True
            return
        else:  # ARP
            a = self.pkt[ARP]
            if name == "arp_op":
                a.op = value
            elif name in ("arp_spa", "arp_tpa"):
                setattr(a, "psrc" if name == "arp_spa" else "pdst",
                        str(ipaddress.IPv4Address(bytes.fromhex(value))))
            else:
                setattr(a, "hwsrc" if name == "arp_sha" else "hwdst",
                        ":".join(value[i:i + 2] for i in range(0, 12, 2)))
        if changed and (name in ("tp_src", "tp_dst") or
                        (name.startswith("ipv") and s.proto in ("tcp", "udp", "icmp6") and
                         not (name == "ipv6_dst" and s.rh_final))):
            self.covered = True

    def frame(self):
        b = bytearray(raw(self.pkt))
        for at, v in self.patches.items():
            b[at] = v
        return bytes(b)


# ------------------------------------------------------------------ checksum arithmetic (scapy)

def l4_bytes(frame, lay):
    return frame[lay.l4:lay.end]


def residual(frame, proto, lay, l4data=None):
    """scapy's Internet checksum over (pseudo-header +) L4 bytes, stored field included: 0 when
    right, else the one's-complement error. SCTP: stored XOR computed CRC32c (bytes)."""
    data = l4_bytes(frame, lay) if l4data is None else l4data
    if proto == "sctp":
        zeroed = data[:8] + b"\0\0\0\0" + data[12:]
        return bytes(a ^ b for a, b in zip(data[8:12], crc32c(zeroed).to_bytes(4, "big")))
    if proto == "icmp":
        return checksum(data)
    if lay.v == 4:
        ip = IP(src=lay.ip.src, dst=lay.ip.dst) if l4data is not None else lay.ip
        return in4_chksum(PROTO[proto], ip, data)
    if l4data is not None:
        return in6_chksum(PROTO[proto], (IPv6(src=lay.ip.src, dst=lay.ip.dst) / Raw(data))[Raw], data)
    return in6_chksum(PROTO[proto], lay.upper, data)


def full_checksum(frame, proto, lay):
    """The field value a from-scratch computation stores (scapy), as bytes."""
    data = bytearray(l4_bytes(frame, lay))
    f = FIELD[proto]
    size = 4 if proto == "sctp" else 2
    data[f:f + size] = b"\0" * size
    if proto == "sctp":
        return crc32c(bytes(data)).to_bytes(4, "big")
    if proto == "icmp":
        c = checksum(bytes(data))
    elif lay.v == 4:
        c = in4_chksum(PROTO[proto], lay.ip, bytes(data))
    else:
        c = in6_chksum(PROTO[proto], lay.upper, bytes(data))
    if proto == "udp" and c == 0:
        c = 0xFFFF
    return c.to_bytes(2, "big")


def ip_residual(frame, lay):
    return checksum(frame[lay.l3:lay.after_ip]) if lay.v == 4 else 0


# ------------------------------------------------------------------ checking

def parse_reply(reply):
    words = reply.split()
    statuses = [] if words[0] == "-" else words[0].split(",")
    post = words[1].split("/")
    outs = []
    if words[2] == "ok":
        outs = [w.split("/") for w in words[4:]]
    return statuses, (bytes.fromhex(post[0]), post[1], int(post[2]), int(post[3])), words[2], outs


def masked(frame, lay, spec):
    b = bytearray(frame)
    if lay.v == 4:
        b[lay.l3 + 10:lay.l3 + 12] = b"\0\0"
    if spec.proto is not None and lay.l4 is not None and not spec.frag_later:
        f = lay.l4 + FIELD[spec.proto]
        size = 4 if spec.proto == "sctp" else 2
        b[f:f + size] = b"\0" * size
    return bytes(b)


def expected_segments(model_frame, lay, spec, size, leave_partial):
    payload = model_frame[lay.l4:lay.end]
    pkt = Ether(model_frame)
    l4cls = TCP if spec.proto == "tcp" else UDP
    hdr_len = len(raw(pkt[l4cls])) - len(raw(pkt[l4cls].payload))
    data = payload[hdr_len:]
    count = max(1, -(-len(data) // size))
    segs = []
    for i in range(count):
        q = Ether(model_frame)
        q[l4cls].remove_payload()
        chunk = data[i * size:(i + 1) * size]
        if chunk:
            q[l4cls].add_payload(Raw(chunk))
        if spec.v == 4:
            q[IP].id = (q[IP].id + i) & 0xFFFF
            del q[IP].len
            del q[IP].chksum
        else:
            del q[IPv6].plen
        if spec.proto == "tcp":
            q[TCP].seq = (q[TCP].seq + i * size) & 0xFFFFFFFF
            f = int(q[TCP].flags)
            if i != count - 1:
                f &= ~(FIN | PSH)
            if i != 0:
                f &= ~CWR
            q[TCP].flags = f
            del q[TCP].chksum
        else:
            del q[UDP].len
            del q[UDP].chksum
        seg = raw(q)
        if leave_partial:
            sl = Layout(seg)
            seg = with_bytes(seg, sl.l4 + FIELD[spec.proto],
                             seed_of(seg, sl, spec.proto).to_bytes(2, "big"))
        segs.append(seg)
    return segs


EVENTS = {}


def event(name):
    EVENTS[name] = EVENTS.get(name, 0) + 1


def check_case(case, reply, problems):
    spec = case["spec"]
    model = Model(case)
    for name, value in case["actions"]:
        model.apply(name, value)
    statuses, (post, state, start, off), verdict, outs = parse_reply(reply)
    if statuses != model.statuses:
        problems.append("statuses %s, model says %s" % (statuses, model.statuses))
        return None, None
    want = model.frame()
    lay_in = case["lay"]
    lay = Layout(post) if len(post) == len(want) else None
    if lay is None or (masked(post, lay, spec) != masked(want, lay, spec)):
        diff = next((k for k in range(min(len(post), len(want))) if post[k] != want[k]), -1)
        problems.append("bytes after the actions differ from scapy's model at %d" % diff)
        return None, None
    # IPv4 header checksum: always follows, incrementally.
    if spec.v == 4 and ip_residual(post, lay) != ip_residual(case["frame"], lay_in):
        problems.append("IPv4 header residual %#x, was %#x" % (ip_residual(post, lay),
                                                               ip_residual(case["frame"], lay_in)))
    if spec.frag_later:
        if post[lay.after_ip:] != case["frame"][lay_in.after_ip:]:
            problems.append("later fragment: payload bytes changed")
    has_field = spec.proto is not None and lay.l4 is not None and not spec.frag_later
    field = lay.l4 + FIELD[spec.proto] if has_field else None
    size = 4 if spec.proto == "sctp" else 2
    in_state = case["state"]
    covered = model.covered
    event("input %s%s, L4-covered bytes %s" % (
        "bad " if case["bad_l4"] else "", in_state, "changed" if covered else "unchanged"))
    if case["bad_ip"]:
        event("bad IPv4 header checksum")
    if spec.udp_zero:
        event("UDP checksum 0, IPv%d" % spec.v)
    if spec.rh_final and any(n == "ipv6_dst" for n, _ in case["actions"]):
        event("IPv6 dst rewrite behind a routing header")
    if spec.frag_later:
        event("later fragment")
    if spec.kind == "gso" and spec.rh_final:
        event("super-frame behind a routing header")
    if spec.proto == "sctp" and covered and in_state == "none":
        event("SCTP CRC32c updated in place")
    for st in model.statuses:
        event("status " + st)
    # The state and the L4 field after the actions.
    if in_state == "partial":
        if (state, start, off) != ("partial", case["start"], case["off"]):
            problems.append("partial became %s/%d/%d" % (state, start, off))
        seed = seed_of(post, lay, spec.proto)  # None: ICMP and SCTP sum from 0
        want_field = (seed or 0).to_bytes(size, "big")
        if post[field:field + size] != want_field:
            problems.append("seed %s, scapy's pseudo-header sum %s" % (
                post[field:field + size].hex(), want_field.hex()))
    elif in_state == "verified" and covered and spec.kind not in ("frag",) and not spec.udp_zero:
        if (state, start, off) != ("partial", lay.l4, FIELD[spec.proto]):
            problems.append("verified and rewritten: %s/%d/%d, expected partial at L4" % (state, start, off))
        elif spec.proto in ("icmp", "sctp"):
            if post[field:field + size] != b"\0" * size:
                problems.append("partial ICMP/SCTP field not 0")
        elif rd16(post, field) != seed_of(post, lay, spec.proto):
            problems.append("verified -> partial: field %#x, scapy's seed %#x" % (
                rd16(post, field), seed_of(post, lay, spec.proto)))
    else:
        want_state = "verified" if in_state == "verified" and not covered else "none"
        if state != want_state:
            problems.append("state %s, expected %s (input %s, covered change %s)" % (
                state, want_state, in_state, covered))
        if has_field and spec.udp_zero:
            if rd16(post, field) != 0:
                problems.append("UDP checksum 0 became %#x" % rd16(post, field))
        elif has_field and spec.kind != "frag":
            r_in, r_out = residual(case["frame"], spec.proto, lay_in), residual(post, spec.proto, lay)
            if r_in != r_out:
                problems.append("L4 residual %s, was %s (bad must stay exactly as bad)" % (r_out, r_in))
            if spec.proto == "udp" and rd16(post, field) == 0:
                problems.append("an updated UDP checksum of 0")
    # Egress.
    if verdict != "ok":
        problems.append("egress dropped it: " + reply.split(" ", 2)[2])
        return post, lay
    if spec.kind == "gso":
        segs = expected_segments(want, lay, spec, case["gso_size"], case["l4csum"] == 1)
        if len(outs) != len(segs):
            problems.append("%d segments, expected %d" % (len(outs), len(segs)))
            return post, lay
        for i, (o, w) in enumerate(zip(outs, segs)):
            got = bytes.fromhex(o[0])
            if got != w:
                diff = next((k for k in range(min(len(got), len(w))) if got[k] != w[k]), -1)
                problems.append("segment %d differs from scapy's at %d" % (i, diff))
            want_state = "partial" if case["l4csum"] else "none"
            if o[1] != want_state:
                problems.append("segment %d state %s, expected %s" % (i, o[1], want_state))
        return post, lay
    if len(outs) != 1:
        problems.append("%d outputs" % len(outs))
        return post, lay
    got, out_state = bytes.fromhex(outs[0][0]), outs[0][1]
    if state == "partial" and case["l4csum"] and spec.proto in ("tcp", "udp"):
        if out_state != "partial" or got != post:
            problems.append("partial to an offloading port: %s, bytes %s" % (out_state, got == post))
    elif state == "partial":
        if out_state != "none":
            problems.append("completed checksum left %s" % out_state)
        if got[field:field + size] != full_checksum(post, spec.proto, lay):
            problems.append("completed checksum %s, scapy %s" % (
                got[field:field + size].hex(), full_checksum(post, spec.proto, lay).hex()))
        if masked(got, lay, spec) != masked(post, lay, spec):
            problems.append("completion changed other bytes")
        if spec.v == 4 and ip_residual(got, lay) != ip_residual(case["frame"], lay_in):
            problems.append("IPv4 header residual changed at egress")
    else:
        if got != post or out_state != state:
            problems.append("egress changed a %s packet (%s)" % (state, out_state))
    return post, lay


def check_train(group, posts, problems):
    """Fragments: the first fragment's L4 checksum over the reassembled datagram. `posts`:
    (frame, layout) of each fragment after the actions."""
    spec = group[0]["spec"]
    if spec.proto is None or any(p[0] is None for p in posts):
        return

    def reassemble(frames):
        (first, lay0) = frames[0]
        data = first[lay0.l4:lay0.end]
        for f, lay in frames[1:]:
            data += f[lay.after_ip:lay.end]
        return lay0, data
    lay_in, d_in = reassemble([(c["frame"], c["lay"]) for c in group])
    lay_out, d_out = reassemble(posts)
    f = FIELD[spec.proto]
    if spec.udp_zero:
        if d_out[f:f + 2] != b"\0\0":
            problems.append("fragmented UDP checksum 0 became %s" % d_out[f:f + 2].hex())
        return
    r_in = residual(None, spec.proto, lay_in, d_in)
    r_out = residual(None, spec.proto, lay_out, d_out)
    if r_in != r_out:
        problems.append("reassembled datagram residual %s, was %s" % (r_out, r_in))
    if not group[0]["bad_l4"] and r_out not in (0, b"\0\0\0\0"):
        problems.append("reassembled good datagram has a wrong checksum")


def inject(reply, rng):
    words = reply.split()
    idx = [1] + list(range(4, len(words)))
    k = rng.choice(idx)
    parts = words[k].split("/")
    b = bytearray.fromhex(parts[0])
    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    parts[0] = b.hex()
    words[k] = "/".join(parts)
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--count", type=int, default=2000, help="packets (a fragment train is one); 2000 take ~14 s of CPU")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--inject-fault", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    t0 = time.monotonic()
    groups = []
    for i in range(args.count):
        r = rng.random()
        group = gen_gso(rng) if r < 0.15 else gen_frag(rng) if r < 0.27 else \
            gen_arp(rng) if r < 0.35 else gen_plain(rng)
        for c in group:
            if "lay" not in c:
                c["lay"] = Layout(c["frame"])
        acts = gen_actions(rng, group[0]["spec"], group[0]["lay"])
        l4csum = int(rng.random() < 0.5)
        for c in group:
            c["actions"] = acts
            c["l4csum"] = l4csum
        groups.append(group)
    cases = [c for g in groups for c in g]
    lines = ["rw %s %d %d %d %d %d %s %s" % (
        c["state"], c["start"], c["off"], c["gso"], c["gso_size"], c["l4csum"], c["frame"].hex(),
        " ".join(action_token(n, v) for n, v in c["actions"])) for c in cases]
    proc = subprocess.run([args.tool], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, check=False)
    replies = proc.stdout.splitlines()
    if proc.returncode != 0 or len(replies) != len(cases):
        print("tool failed (rc %d, %d replies for %d cases): %s" % (
            proc.returncode, len(replies), len(cases), proc.stderr))
        return 1
    k = 0
    failures = undetected = 0
    stats = {}
    for group in groups:
        problems = []
        posts = []
        for c in group:
            reply = replies[k]
            k += 1
            if args.inject_fault:
                reply = inject(reply, rng)
            posts.append(check_case(c, reply, problems))
            key = "%s/%s/%s" % (c["spec"].kind, c["spec"].proto, c["state"] if not c["bad_l4"] else "bad")
            stats[key] = stats.get(key, 0) + 1
        if group[0]["spec"].kind == "frag":
            check_train(group, posts, problems)
        if args.inject_fault:
            if not problems:
                undetected += 1
                print("UNDETECTED fault in", group[0]["spec"].__dict__)
            continue
        if problems:
            failures += 1
            if failures <= 10:
                c = group[0]
                print("MISMATCH %s v%s %s state=%s bad_l4=%s l4csum=%d actions=%s" % (
                    c["spec"].kind, c["spec"].v, c["spec"].proto, c["state"], c["bad_l4"],
                    c["l4csum"], " ".join(action_token(n, v) for n, v in c["actions"])))
                for p in problems[:5]:
                    print("   ", p)
    elapsed = time.monotonic() - t0
    if args.inject_fault:
        print("rewrite_oracle: %d of %d injected faults detected (%.1f s)" % (
            len(groups) - undetected, len(groups), elapsed))
        return 1 if undetected else 0
    print("rewrite_oracle: %d packets (%d frames) x action lists checked against scapy, "
          "%d mismatches, %.1f s" % (len(groups), len(cases), failures, elapsed))
    for key in sorted(stats):
        print("   %-28s %d" % (key, stats[key]))
    for key in sorted(EVENTS):
        print("   %-50s %d" % (key, EVENTS[key]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
