#!/usr/bin/python3
"""Independent oracle for Switchyard's parser and checksums (src/net).

Builds thousands of random frames with Debian's scapy -- IPv4 (with options) and IPv6 (with
hop-by-hop, routing, segment-routing, destination-options and fragment headers), TCP, UDP,
ICMP and ICMPv6, no VLAN / 802.1Q / QinQ, VXLAN and Geneve tunnels, odd payload lengths -- and
mutates some of them: corrupted checksums, zero UDP checksums, the CHECKSUM_PARTIAL
pseudo-header seed in the field, corrupted payloads and IPv4 header checksums, Ethernet
padding, snaplen-cut frames, fragments. Every frame goes through net_oracle_tool, and we
require, byte for byte:

  - our parse offsets (L2, L3, L4, payload, datagram end; inner ones for tunnels) equal the
    offsets of scapy's dissected layers;
  - our checksum verdict equals the one derived from scapy's recomputed checksum
    (good / bad / partial_seed / zero_no_checksum / illegal_zero / unverifiable);
  - our expected checksum equals scapy's, our seed equals scapy's pseudo-header sum;
  - the frame with every checksum recomputed by us equals scapy's rebuild with every
    checksum field deleted.

Usage: /usr/bin/python3 checksum_oracle.py --tool PATH [--count N] [--seed S]
Exits 1 on the first mismatches (printing up to 10), 0 when all frames agree.
"""

import argparse
import collections
import json
import logging
import random
import subprocess
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402
    ICMP, IP, TCP, UDP, VXLAN, Dot1AD, Dot1Q, Ether, ICMPv6EchoReply, ICMPv6EchoRequest,
    IPOption_NOP, IPOption_Router_Alert, IPOption_RR, IPv6, IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting,
    PadN, Raw, checksum, raw)
from scapy.contrib.geneve import GENEVE  # noqa: E402
from scapy.layers.inet import in4_chksum, in4_pseudoheader  # noqa: E402
from scapy.layers.inet6 import in6_chksum, in6_pseudoheader  # noqa: E402

ICMPV6_TYPES = (ICMPv6EchoRequest, ICMPv6EchoReply)
L4_TYPES = (TCP, UDP, ICMP) + ICMPV6_TYPES
PROTO = {TCP: 6, UDP: 17, ICMP: 1, ICMPv6EchoRequest: 58, ICMPv6EchoReply: 58}


# ----------------------------------------------------------------------------- generation

def rand_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def rand_ip4(rng):
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def rand_ip6(rng):
    return "fd00:%x::%x:%x" % (rng.randrange(1, 0xFFFF), rng.randrange(0xFFFF),
                                rng.randrange(1, 0xFFFF))


def rand_port(rng):
    # High ports scapy binds no application dissector to (so raw payloads round-trip).
    return rng.randrange(32768, 60000)


def l4_layer(rng, v6):
    payload = rand_bytes(rng, rng.choice([0, 1, 2, 3, rng.randrange(0, 400)]))
    kind = rng.choice(["tcp", "tcp", "udp", "udp", "icmp"])
    if kind == "tcp":
        options = rng.choice([
            [], [("MSS", 1460)], [("NOP", None)] * 3,
            [("MSS", 1400), ("SAckOK", b""), ("Timestamp", (rng.getrandbits(32), 0)),
             ("NOP", None), ("WScale", 7)]])
        l4 = TCP(sport=rand_port(rng), dport=rand_port(rng), seq=rng.getrandbits(32),
                 ack=rng.getrandbits(32), window=rng.getrandbits(16), options=options,
                 flags=rng.choice(["S", "SA", "A", "PA", "FA", "R", "SEC"]))
    elif kind == "udp":
        l4 = UDP(sport=rand_port(rng), dport=rand_port(rng))
    elif v6:
        cls = rng.choice(ICMPV6_TYPES)
        l4 = cls(id=rng.getrandbits(16), seq=rng.getrandbits(16))
    else:
        l4 = ICMP(type=rng.choice([0, 8]), id=rng.getrandbits(16), seq=rng.getrandbits(16))
    return l4 / Raw(payload) if payload else l4


def ipv4_layer(rng):
    options = rng.choice([[], [], [IPOption_NOP()] * 4, [IPOption_Router_Alert()],
                          [IPOption_RR(routers=[rand_ip4(rng), rand_ip4(rng)])],
                          [IPOption_NOP(), IPOption_Router_Alert()]])
    return IP(src=rand_ip4(rng), dst=rand_ip4(rng), ttl=rng.randrange(1, 256),
              id=rng.getrandbits(16), tos=rng.getrandbits(8),
              flags=rng.choice([0, "DF"]), options=options)


def ipv6_layers(rng):
    layer = IPv6(src=rand_ip6(rng), dst=rand_ip6(rng), hlim=rng.randrange(1, 256),
                 fl=rng.getrandbits(20), tc=rng.getrandbits(8))
    if rng.random() < 0.5:
        return layer
    if rng.random() < 0.4:
        layer = layer / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00" * rng.randrange(0, 5))])
    if rng.random() < 0.3:
        layer = layer / IPv6ExtHdrDestOpt()
    choice = rng.random()
    if choice < 0.3:
        addresses = [rand_ip6(rng) for _ in range(rng.randrange(0, 4))]
        layer = layer / IPv6ExtHdrRouting(addresses=addresses,
                                          segleft=rng.randrange(0, len(addresses) + 1))
    elif choice < 0.45:
        addresses = [rand_ip6(rng) for _ in range(rng.randrange(1, 4))]
        layer = layer / IPv6ExtHdrSegmentRouting(addresses=addresses,
                                                 segleft=rng.randrange(0, len(addresses)))
    if rng.random() < 0.3:
        layer = layer / IPv6ExtHdrFragment(offset=0, m=0, id=rng.getrandbits(32))  # atomic
    if rng.random() < 0.2:
        layer = layer / IPv6ExtHdrDestOpt()
    return layer


def ip_and_l4(rng, v6):
    return (ipv6_layers(rng) if v6 else ipv4_layer(rng)) / l4_layer(rng, v6)


def l2_layer(rng):
    eth = Ether(src="02:00:00:%02x:%02x:%02x" % tuple(rand_bytes(rng, 3)),
                dst="02:00:00:%02x:%02x:%02x" % tuple(rand_bytes(rng, 3)))
    tags = rng.choice([0, 0, 1, 2])
    if tags == 1:
        return eth / Dot1Q(vlan=rng.randrange(1, 4095), prio=rng.randrange(8))
    if tags == 2:
        return eth / Dot1AD(vlan=rng.randrange(1, 4095)) / Dot1Q(vlan=rng.randrange(1, 4095))
    return eth


def fragment_frame(rng):
    """A frame that is a fragment: later fragments (no L4 header) or first ones (MF set)."""
    v6 = rng.random() < 0.5
    data = rand_bytes(rng, rng.randrange(8, 200))
    proto = rng.choice([6, 17])
    if rng.random() < 0.6:  # later fragment
        if v6:
            ip = IPv6(src=rand_ip6(rng), dst=rand_ip6(rng)) / IPv6ExtHdrFragment(
                offset=rng.randrange(1, 100), m=rng.randrange(2), nh=proto)
        else:
            ip = IP(src=rand_ip4(rng), dst=rand_ip4(rng), frag=rng.randrange(1, 100),
                    flags=rng.choice([0, "MF"]), proto=proto)
        return l2_layer(rng) / ip / Raw(data)
    l4 = l4_layer(rng, v6)
    if v6:
        ip = IPv6(src=rand_ip6(rng), dst=rand_ip6(rng)) / IPv6ExtHdrFragment(offset=0, m=1)
    else:
        ip = IP(src=rand_ip4(rng), dst=rand_ip4(rng), flags="MF")
    return l2_layer(rng) / ip / l4


def tunnel_frame(rng):
    outer_v6 = rng.random() < 0.3
    inner = Ether(src="02:aa:00:00:00:01", dst="02:aa:00:00:00:02") / ip_and_l4(
        rng, rng.random() < 0.5)
    if rng.random() < 0.5:
        encap = UDP(sport=rand_port(rng), dport=4789) / VXLAN(vni=rng.getrandbits(24)) / inner
    else:
        options = rand_bytes(rng, 4 * rng.randrange(0, 4))
        encap = UDP(sport=rand_port(rng), dport=6081) / GENEVE(
            vni=rng.getrandbits(24), proto=0x6558, options=options) / inner
    outer_ip = IPv6(src=rand_ip6(rng), dst=rand_ip6(rng)) if outer_v6 else IP(
        src=rand_ip4(rng), dst=rand_ip4(rng))
    frame = l2_layer(rng) / outer_ip / encap
    if not outer_v6 and rng.random() < 0.5:
        frame[UDP].chksum = 0  # RFC 7348: outer UDP checksum 0 over IPv4
    return frame


# ------------------------------------------------------------------------------ analysis

def walk_level(pkt, start_depth):
    """Offsets, per scapy's dissection, of one level (outer, or inner of a tunnel)."""
    total = len(raw(pkt))
    layer, depth = pkt, 0
    while depth < start_depth:
        layer, depth = layer.payload, depth + 1

    def off(lay):
        return total - len(raw(lay))

    level = {"l2": off(layer), "l3": None, "l4": None, "payload": None, "l3_end": None,
             "l4_depth": None, "l3_depth": None, "fragment": False, "v6": False}
    layer, depth = layer.payload, depth + 1
    while isinstance(layer, (Dot1Q, Dot1AD)):
        layer, depth = layer.payload, depth + 1
    if not isinstance(layer, (IP, IPv6)):
        return level
    ip = layer
    level["l3"], level["l3_depth"] = off(ip), depth
    if isinstance(ip, IP):
        level["l3_end"] = level["l3"] + ip.len
        level["fragment"] = ip.frag != 0 or bool(ip.flags.MF)
        if ip.frag != 0:
            return level
    else:
        level["v6"] = True
        level["l3_end"] = level["l3"] + 40 + ip.plen
    layer, depth = layer.payload, depth + 1
    while type(layer).__name__.startswith("IPv6ExtHdr"):
        if isinstance(layer, IPv6ExtHdrFragment):
            level["fragment"] = layer.offset != 0 or layer.m == 1
            if layer.offset != 0:
                return level
        layer, depth = layer.payload, depth + 1
    if isinstance(layer, L4_TYPES):
        level["l4"], level["l4_depth"] = off(layer), depth
        hlen = layer.dataofs * 4 if isinstance(layer, TCP) else 8
        level["payload"] = level["l4"] + hlen
    return level


def layer_at(pkt, depth):
    for _ in range(depth):
        pkt = pkt.payload
    return pkt


def field_name(layer):
    return "cksum" if isinstance(layer, ICMPV6_TYPES) else "chksum"


def scapy_checksum_facts(pkt, level, data):
    """Stored value, scapy's correct checksum and the pseudo-header seed for a level.

    The correct value is computed the way scapy's own post_build does it (in4_chksum,
    in6_chksum, checksum over the segment with the field zeroed), on the frame's bytes."""
    layer = layer_at(pkt, level["l4_depth"])
    name = field_name(layer)
    stored = getattr(layer, name)
    ip = layer_at(pkt, level["l3_depth"])
    end = min(level["l3_end"], len(data))
    if isinstance(layer, UDP):
        end = min(level["l4"] + layer.len, end)
    segment = bytearray(data[level["l4"]:end])
    field = {TCP: 16, UDP: 6}.get(type(layer), 2)
    segment[field:field + 2] = b"\0\0"
    proto = PROTO[type(layer)]
    if isinstance(layer, ICMP):
        correct = checksum(bytes(segment))
    elif isinstance(ip, IP):
        correct = in4_chksum(proto, ip, bytes(segment))
    else:
        correct = in6_chksum(proto, layer, bytes(segment))
    if isinstance(layer, UDP) and correct == 0:
        correct = 0xFFFF  # what scapy's UDP.post_build sends
    seed = 0
    if not isinstance(layer, ICMP):
        length = level["l3_end"] - level["l4"]
        if isinstance(ip, IP):
            pseudo = in4_pseudoheader(proto, ip, length)
        else:
            pseudo = raw(in6_pseudoheader(proto, layer, length))
        seed = 0xFFFF ^ checksum(pseudo)
    return stored, correct, seed, isinstance(layer, UDP)


def expected_verdict(level, stored, correct, seed, udp, is_icmp4, cut):
    if udp and stored == 0:  # a statement about the checksum, readable even in a fragment
        return "illegal_zero" if level["v6"] else "zero_no_checksum"
    if level["fragment"]:
        return "unverifiable"
    if cut:
        return "unverifiable"
    if stored == correct or (correct == 0 and stored == 0xFFFF):
        return "good"
    if not is_icmp4 and stored == seed:
        return "partial_seed"
    return "bad"


def scapy_rebuild_all_checksums(pkt, levels):
    copy = pkt.copy()
    for level in levels:
        if level["l3_depth"] is not None:
            ip = layer_at(copy, level["l3_depth"])
            if isinstance(ip, IP):
                del ip.chksum
        if level["l4_depth"] is not None and not level["fragment"]:
            layer = layer_at(copy, level["l4_depth"])
            delattr(layer, field_name(layer))
    return raw(copy)


# ----------------------------------------------------------------------------- mutations

def set_field(frame, offset, value):
    frame[offset:offset + 2] = value.to_bytes(2, "big")


def mutate(rng, frame, pkt, level, case):
    """Apply mutation `case` to the bytes of `frame` (a bytearray) at `level`."""
    l4 = layer_at(pkt, level["l4_depth"])
    field = level["l4"] + {TCP: 16, UDP: 6}.get(type(l4), 2)
    stored, correct, seed, udp = scapy_checksum_facts(pkt, level, bytes(frame))
    if case == "corrupt":
        value = rng.choice([v for v in (rng.getrandbits(16), correct ^ 0x0100, 0xFFFF, 1)
                            if v not in (correct, seed, 0)] or [correct ^ 0x8000])
        set_field(frame, field, value)
    elif case == "zero":
        set_field(frame, field, 0)
    elif case == "seed":
        set_field(frame, field, seed)
    elif case == "payload_flip" and level["payload"] < level["l3_end"]:
        frame[rng.randrange(level["payload"], level["l3_end"])] ^= 1 << rng.randrange(8)
    elif case == "ipcsum" and not level["v6"]:
        frame[level["l3"] + 10] ^= 0x40


# ------------------------------------------------------------------------------- driver

def make_case(rng):
    """One test frame: (input bytes, scapy facts to compare with)."""
    r = rng.random()
    if r < 0.08:
        pkt, kind = fragment_frame(rng), "fragment"
    elif r < 0.23:
        pkt, kind = tunnel_frame(rng), "tunnel"
    else:
        pkt, kind = l2_layer(rng) / ip_and_l4(rng, rng.random() < 0.5), "plain"
    frame = bytearray(raw(pkt))
    pkt = Ether(bytes(frame))
    if raw(pkt) != bytes(frame):
        return None  # scapy cannot round-trip its own frame: not a fair question
    tunnel = pkt.getlayer(VXLAN) or pkt.getlayer(GENEVE)
    outer = walk_level(pkt, 0)
    inner = None
    if tunnel is not None:
        inner_depth = next(d for d in range(20) if layer_at(pkt, d) is tunnel) + 1
        inner = walk_level(pkt, inner_depth)
    target = inner if inner is not None and inner["l4"] is not None else outer

    case = "good"
    if target["l4"] is not None and kind != "fragment":
        cases = ["good", "good", "corrupt", "seed", "payload_flip", "ipcsum", "pad", "cut"]
        if isinstance(layer_at(pkt, target["l4_depth"]), UDP):
            cases += ["zero", "zero"]
        case = rng.choice(cases)
        mutate(rng, frame, pkt, target, case)
    if case == "pad" or rng.random() < 0.05:
        frame += rand_bytes(rng, max(60 - len(frame), 0) + rng.randrange(0, 8))
    pkt = Ether(bytes(frame))
    cut = None
    if case == "cut" and target["payload"] < min(target["l3_end"], len(frame)):
        cut = rng.randrange(target["payload"], min(target["l3_end"], len(frame)))
    return bytes(frame), pkt, outer, inner, tunnel, case, cut


def compare(result, frame, pkt, outer, inner, tunnel, cut):
    errors = []

    def expect(what, ours, theirs):
        if ours != theirs:
            errors.append("%s: ours %r, scapy %r" % (what, ours, theirs))

    expect("status", result["status"], "ok")
    levels = [("outer", outer)] + ([("inner", inner)] if inner is not None else [])
    expect("tunnel", result["tunnel"], "none" if tunnel is None else
           ("vxlan" if isinstance(tunnel, VXLAN) else "geneve"))
    if tunnel is not None and result["tunnel"] != "none":
        expect("vni", result["vni"], tunnel.vni)
    verdicts = []
    for name, level in levels:
        ours = result.get(name)
        if ours is None:
            errors.append("%s layers missing" % name)
            continue
        for key in ("l2", "l3", "l4", "payload", "l3_end"):
            expect("%s.%s" % (name, key), ours[key], level[key])
        check = result["%s_check" % name]
        if level["l3_depth"] is not None and not level["v6"]:
            ip = layer_at(pkt, level["l3_depth"])
            copy = pkt.copy()
            del layer_at(copy, level["l3_depth"]).chksum
            want = layer_at(Ether(raw(copy)), level["l3_depth"]).chksum
            expect("%s.ipv4_header_ok" % name, check.get("ipv4_header_ok"), ip.chksum == want)
        if level["l4_depth"] is None:
            verdict = "unverifiable" if level["fragment"] else "not_applicable"
            expect("%s.verdict" % name, check["verdict"], verdict)
            verdicts.append(verdict)
            continue
        stored, correct, seed, udp = scapy_checksum_facts(pkt, level, frame)
        is_icmp4 = isinstance(layer_at(pkt, level["l4_depth"]), ICMP)
        # A cut frame loses the end of every level it reaches into.
        level_cut = cut is not None and cut < level["l3_end"]
        verdict = expected_verdict(level, stored, correct, seed, udp, is_icmp4, level_cut)
        expect("%s.verdict" % name, check["verdict"], verdict)
        verdicts.append(verdict)
        expect("%s.stored" % name, check["stored"], stored)
        if verdict in ("good", "bad", "partial_seed"):
            expect("%s.expected" % name, check["expected"], correct)
            if not is_icmp4:
                expect("%s.seed" % name, check["seed"], seed)
    if cut is None and not any(level["fragment"] for _, level in levels):
        want = scapy_rebuild_all_checksums(pkt, [level for _, level in levels]).hex()
        ours = result["recomputed"]
        if ours != want:
            first = next((i for i in range(0, min(len(ours), len(want)), 2)
                          if ours[i:i + 2] != want[i:i + 2]), min(len(ours), len(want)))
            errors.append("recomputed frame differs from scapy's rebuild at byte %d "
                          "(ours %s, scapy %s)" % (first // 2, ours[first:first + 8],
                                                   want[first:first + 8]))
    return errors, verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", required=True, help="path of net_oracle_tool")
    ap.add_argument("--count", type=int, default=2500, help="frames to compare (>= 2000)")
    ap.add_argument("--seed", type=int, default=20261127, help="random seed (reproducible)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    cases = []
    skipped = 0
    while len(cases) < args.count:
        case = make_case(rng)
        if case is None:
            skipped += 1
            if skipped > args.count // 10:
                print("oracle: scapy failed to round-trip %d frames: generator bug" % skipped)
                return 1
            continue
        cases.append(case)

    inputs = "".join((c[0][:c[6]] if c[6] is not None else c[0]).hex() + "\n" for c in cases)
    run = subprocess.run([args.tool], input=inputs, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        print("oracle: tool failed (%d): %s" % (run.returncode, run.stderr))
        return 1
    results = [json.loads(line) for line in run.stdout.splitlines()]
    if len(results) != len(cases):
        print("oracle: %d answers for %d frames" % (len(results), len(cases)))
        return 1

    failures = 0
    stats = collections.Counter()
    for i, (result, (frame, pkt, outer, inner, tunnel, case, cut)) in enumerate(
            zip(results, cases)):
        errors, verdicts = compare(result, frame, pkt, outer, inner, tunnel, cut)
        stats.update(["case:" + case] + ["verdict:" + v for v in verdicts])
        if tunnel is not None:
            stats["tunnel:" + type(tunnel).__name__] += 1
        if errors:
            failures += 1
            if failures <= 10:
                print("MISMATCH frame %d (case %s, cut %s): %s" % (i, case, cut, frame.hex()))
                print("  scapy: %s" % pkt.summary())
                for e in errors:
                    print("  " + e)
    print("oracle: %d frames (%d scapy round-trip rejects), %d mismatching" %
          (len(cases), skipped, failures))
    print("oracle: " + ", ".join("%s=%d" % kv for kv in sorted(stats.items())))
    required = ["verdict:good", "verdict:bad", "verdict:partial_seed", "verdict:zero_no_checksum",
                "verdict:illegal_zero", "verdict:unverifiable", "tunnel:VXLAN", "tunnel:GENEVE"]
    missing = [k for k in required if stats[k] < 10]
    if missing:
        print("oracle: too few frames exercising %s" % ", ".join(missing))
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
