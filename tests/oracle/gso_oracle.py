#!/usr/bin/python3
"""Independent oracle for Switchyard's checksum completion and software segmentation
(src/offload), judged by Debian's scapy.

Builds random frames with scapy and sends them through offload_oracle_tool, which runs them
through tx_prepare as a port without TSO would (so completion and segmentation in software):

  - TSO/USO super-frames: IPv4/IPv6, TCP (random flags incl. FIN/PSH/CWR/ECE, random options)
    or UDP, 0-2 VLAN tags (802.1Q, QinQ), random payload and MSS, the partial seed in the
    checksum field; sometimes an egress MTU below headers + MSS (TCP segments shrink to fit);
    sometimes an egress with checksum offload (segments stay partial, with their seed);
  - partial frames: TCP/UDP/SCTP over IPv4/IPv6 with the seed (SCTP: 0), some crafted so the
    UDP checksum comes out 0 (must be sent as 0xFFFF).

For every output we require: the exact bytes scapy builds for that segment (lengths, IP ID
base+i, seq base+i*mss, FIN/PSH only last, CWR only first, checksums computed by scapy), that
scapy's own rebuild with the checksum fields deleted gives the same bytes, and that the
segments' payloads concatenate to the original.

--inject-fault flips one byte of each tool output before checking and then requires that
EVERY case is reported wrong: the proof that this oracle can fail.

Usage: /usr/bin/python3 gso_oracle.py --tool PATH [--count N] [--seed S] [--inject-fault]
"""

import argparse
import logging
import random
import subprocess
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402
    IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPOption_NOP, IPOption_Router_Alert, IPv6,
    IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop, Raw, raw)
from scapy.layers.inet import in4_pseudoheader  # noqa: E402
from scapy.layers.inet6 import in6_pseudoheader  # noqa: E402
from scapy.layers.sctp import SCTP, SCTPChunkData  # noqa: E402

FIN, PSH, CWR = 0x01, 0x08, 0x80
GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4 = 1, 4, 5
NOT_PARTIAL = 0xFFFF


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def word_sum(b):
    if len(b) % 2:
        b += b"\0"
    return sum((b[i] << 8) | b[i + 1] for i in range(0, len(b), 2))


class Spec:
    """One frame's shape; build() makes it with a given payload and per-segment fields."""

    def __init__(self, rng, proto=None):
        self.v = rng.choice((4, 6))
        self.proto = proto or ("tcp" if rng.random() < 0.75 else "udp")
        self.vlans = rng.choice(([], [], [rng.randrange(1, 4095)],
                                 [rng.randrange(1, 4095), rng.randrange(1, 4095)]))
        self.src4 = "10.200.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
        self.dst4 = "10.200.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
        self.src6 = "fd00::%x:%x" % (rng.randrange(0xFFFF), rng.randrange(1, 0xFFFF))
        self.dst6 = "fd00::%x:%x" % (rng.randrange(0xFFFF), rng.randrange(1, 0xFFFF))
        self.ip_id = rng.randrange(0x10000)
        self.ttl = rng.randrange(1, 256)
        self.tos = rng.randrange(256)
        self.sport, self.dport = rng.randrange(1, 0x10000), rng.randrange(1, 0x10000)
        self.seq, self.ack = rng.randrange(1 << 32), rng.randrange(1 << 32)
        self.flags = rng.randrange(256) & ~0x07 | 0x10  # never SYN/RST/FIN base; ACK set
        if rng.random() < 0.5:
            self.flags |= FIN
        self.window = rng.randrange(0x10000)
        self.ip_options = rng.random() < 0.2  # IPv4 options / IPv6 extension headers
        self.options = rng.choice(([], [("NOP", None), ("NOP", None), ("Timestamp", (rng.randrange(1 << 32), 7))],
                                   [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]))

    def build(self, payload, ip_id=None, seq=None, flags=None):
        pkt = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        if len(self.vlans) == 2:
            pkt = pkt / Dot1AD(vlan=self.vlans[0]) / Dot1Q(vlan=self.vlans[1])
        elif self.vlans:
            pkt = pkt / Dot1Q(vlan=self.vlans[0])
        if self.v == 4:
            options = [IPOption_Router_Alert(), IPOption_NOP()] if self.ip_options else []
            pkt = pkt / IP(src=self.src4, dst=self.dst4, id=self.ip_id if ip_id is None else ip_id,
                           flags="DF", ttl=self.ttl, tos=self.tos, options=options)
        else:
            pkt = pkt / IPv6(src=self.src6, dst=self.dst6, hlim=self.ttl, tc=self.tos)
            if self.ip_options:
                pkt = pkt / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt()
        if self.proto == "tcp":
            pkt = pkt / TCP(sport=self.sport, dport=self.dport, seq=self.seq if seq is None else seq,
                            ack=self.ack, flags=self.flags if flags is None else flags,
                            window=self.window, options=self.options)
        elif self.proto == "udp":
            pkt = pkt / UDP(sport=self.sport, dport=self.dport)
        else:
            return pkt / SCTP(sport=self.sport, dport=self.dport, tag=0x1234) / SCTPChunkData(data=payload)
        return pkt / Raw(payload) if payload else pkt


def l3_layer(pkt):
    return pkt[IP] if IP in pkt else pkt[IPv6]


def l4_layer(pkt):
    for layer in (TCP, UDP, SCTP):
        if layer in pkt:
            return pkt[layer]
    raise ValueError("no L4 layer")


def l4_offset(pkt):
    return len(pkt) - len(l4_layer(pkt))


def csum_field_offset(proto):
    return {"tcp": 16, "udp": 6, "sctp": 8}[proto]


def seed_of(frame, spec):
    """Folded pseudo-header sum (not complemented) of a built frame: what CHECKSUM_PARTIAL leaves."""
    pkt = Ether(frame)
    ip = l3_layer(pkt)
    plen = len(l4_layer(pkt))
    proto = {"tcp": 6, "udp": 17}[spec.proto]
    ph = in4_pseudoheader(proto, ip, plen) if spec.v == 4 else in6_pseudoheader(proto, ip, plen)
    return fold(word_sum(raw(ph) if not isinstance(ph, bytes) else ph))


def with_field(frame, at, value, size=2):
    return frame[:at] + value.to_bytes(size, "big") + frame[at + size:]


def rebuilt_by_scapy(frame):
    """scapy's rebuild of `frame` with every checksum deleted (so recomputed by scapy)."""
    pkt = Ether(frame)
    for layer in (IP, TCP, UDP, SCTP):
        if layer in pkt:
            del pkt[layer].chksum
    return raw(pkt)


# ------------------------------------------------------------------ cases

def gso_case(rng):
    spec = Spec(rng)
    mss = rng.randrange(64, 1461)
    n = rng.randrange(1, 25)
    payload_len = n * mss if rng.random() < 0.2 else rng.randrange(1, n * mss + 1)
    payload = bytes(rng.getrandbits(8) for _ in range(payload_len))
    super_pkt = spec.build(payload)
    frame = raw(super_pkt)
    l4 = l4_offset(super_pkt)
    field = l4 + csum_field_offset(spec.proto)
    frame = with_field(frame, field, seed_of(frame, spec))
    l3l4 = len(l3_layer(super_pkt)) - payload_len  # IP header (+options/extensions) and L4
    mtu = 0
    size = mss
    if spec.proto == "tcp" and rng.random() < 0.2:
        size = rng.randrange(max(16, mss // 3), mss + 1)
        mtu = l3l4 + size
    leave_partial = rng.random() < 0.3
    gso = GSO_UDP_L4 if spec.proto == "udp" else (GSO_TCPV4 if spec.v == 4 else GSO_TCPV6)
    count = max(1, -(-payload_len // size))
    expected = []
    for i in range(count):
        chunk = payload[i * size:(i + 1) * size]
        flags = None
        if spec.proto == "tcp":
            flags = spec.flags
            if i != count - 1:
                flags &= ~(FIN | PSH)
            if i != 0:
                flags &= ~CWR
        seg = raw(spec.build(chunk, ip_id=(spec.ip_id + i) & 0xFFFF,
                             seq=(spec.seq + i * size) & 0xFFFFFFFF, flags=flags))
        if leave_partial:
            seg = with_field(seg, field, seed_of(seg, spec))
        expected.append((seg, "partial" if leave_partial else "none", l4 if leave_partial else 0))
    line = "tx %d %d %d %d %d 0 %d %s" % (gso, mss, l4, csum_field_offset(spec.proto),
                                          int(leave_partial), mtu, frame.hex())
    what = "gso v%d %s vlans=%d ipopts=%s payload=%d mss=%d size=%d partial=%s" % (
        spec.v, spec.proto, len(spec.vlans), spec.ip_options, payload_len, mss, size, leave_partial)
    return dict(line=line, expected=expected, spec=spec, payload=payload, what=what, field=field)


def complete_case(rng):
    proto = rng.choice(("tcp", "udp", "udp", "sctp"))
    spec = Spec(rng, proto)
    payload_len = rng.randrange(0, 3000)
    zero_sum = proto == "udp" and rng.random() < 0.25
    if zero_sum:
        payload_len = max(2, payload_len & ~1)
    payload = bytearray(rng.getrandbits(8) for _ in range(payload_len))
    if zero_sum:
        # Make the true UDP checksum 0: the last word cancels the sum of everything else.
        payload[-2:] = b"\0\0"
        pkt = Ether(raw(spec.build(bytes(payload))))
        c = pkt[UDP].chksum
        if c == 0xFFFF:
            c = 0
        payload[-2:] = c.to_bytes(2, "big")
    payload = bytes(payload)
    pkt = spec.build(payload)
    good = raw(pkt)
    l4 = l4_offset(pkt)
    off = csum_field_offset(proto)
    if proto == "sctp":
        frame = with_field(good, l4 + off, 0, 4)
    else:
        frame = with_field(good, l4 + off, seed_of(good, spec))
    offload_port = proto != "sctp" and rng.random() < 0.3
    if zero_sum:
        assert good[l4 + 6:l4 + 8] == b"\xff\xff", "scapy did not produce the 0xFFFF case"
    expected = [(frame, "partial", l4)] if offload_port else [(good, "none", 0)]
    line = "tx 0 0 %d %d %d 0 9000 %s" % (l4, off, int(offload_port), frame.hex())
    what = "complete v%d %s vlans=%d payload=%d zero_sum=%s offload=%s" % (
        spec.v, proto, len(spec.vlans), payload_len, zero_sum, offload_port)
    return dict(line=line, expected=expected, spec=spec, payload=payload, what=what, field=l4 + off)


# ------------------------------------------------------------------ checking

def check_case(case, reply):
    """Returns a list of problems (empty when the tool's output is right)."""
    words = reply.split()
    if not words or words[0] != "ok":
        return ["tool dropped it: " + reply]
    outs = [w.split("/") for w in words[2:]]
    expected = case["expected"]
    problems = []
    if len(outs) != len(expected):
        return ["%d segments, expected %d" % (len(outs), len(expected))]
    spec = case["spec"]
    joined = b""
    for i, ((hexbytes, state, start, _off, _gso), (want, want_state, want_start)) in enumerate(zip(outs, expected)):
        got = bytes.fromhex(hexbytes)
        if got != want:
            diff = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), min(len(got), len(want)))
            problems.append("segment %d: bytes differ from scapy at offset %d (len %d vs %d)" % (i, diff, len(got), len(want)))
        if state != want_state or (want_state == "partial" and int(start) != want_start):
            problems.append("segment %d: state %s/%s, expected %s/%s" % (i, state, start, want_state, want_start))
        pkt = Ether(got)
        if want_state == "none" and rebuilt_by_scapy(got) != got:
            problems.append("segment %d: scapy recomputes different checksums" % i)
        ip = l3_layer(pkt)
        if spec.v == 4:
            if ip.len != len(ip) or ip.id != (spec.ip_id + (i if len(expected) > 1 or case["what"].startswith("gso") else 0)) & 0xFFFF:
                problems.append("segment %d: IPv4 len %d/%d id %d" % (i, ip.len, len(ip), ip.id))
        elif ip.plen != len(ip.payload) or len(got) != len(want):
            problems.append("segment %d: IPv6 plen %d vs %d" % (i, ip.plen, len(ip.payload)))
        if TCP in pkt and case["what"].startswith("gso"):
            size = len(case["payload"]) if len(expected) == 1 else len(bytes(Ether(expected[0][0])[TCP].payload))
            if pkt[TCP].seq != (spec.seq + i * size) & 0xFFFFFFFF:
                problems.append("segment %d: seq %d" % (i, pkt[TCP].seq))
            f = int(pkt[TCP].flags)
            last, first = i == len(expected) - 1, i == 0
            if (f & (FIN | PSH)) and not last or (f & CWR) and not first:
                problems.append("segment %d: flags %#x" % (i, f))
        if TCP in pkt:
            joined += bytes(pkt[TCP].payload)
        elif UDP in pkt:
            joined += bytes(pkt[UDP].payload)
        elif SCTPChunkData in pkt:
            joined += bytes(pkt[SCTPChunkData].data or b"")
    if joined != case["payload"]:
        problems.append("payloads do not concatenate to the original")
    return problems


def inject(reply, rng):
    words = reply.split()
    if len(words) < 3:
        return reply
    k = rng.randrange(2, len(words))
    parts = words[k].split("/")
    b = bytearray.fromhex(parts[0])
    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    parts[0] = b.hex()
    words[k] = "/".join(parts)
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--inject-fault", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cases = [gso_case(rng) if i % 5 < 3 else complete_case(rng) for i in range(args.count)]
    proc = subprocess.run([args.tool], input="\n".join(c["line"] for c in cases) + "\n",
                          capture_output=True, text=True, check=False)
    replies = proc.stdout.splitlines()
    if proc.returncode != 0 or len(replies) != len(cases):
        print("tool failed (rc %d, %d replies for %d cases): %s" % (proc.returncode, len(replies), len(cases), proc.stderr))
        return 1
    failures = 0
    undetected = 0
    segments = 0
    for case, reply in zip(cases, replies):
        if args.inject_fault:
            reply = inject(reply, rng)
        problems = check_case(case, reply)
        segments += len(case["expected"])
        if args.inject_fault:
            if not problems:
                undetected += 1
                print("UNDETECTED fault in", case["what"])
            continue
        if problems:
            failures += 1
            if failures <= 10:
                print("MISMATCH", case["what"])
                for p in problems[:5]:
                    print("   ", p)
    if args.inject_fault:
        print("gso_oracle: %d of %d injected faults detected" % (len(cases) - undetected, len(cases)))
        return 1 if undetected else 0
    print("gso_oracle: %d cases, %d segments/outputs checked against scapy, %d mismatches"
          % (len(cases), segments, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
