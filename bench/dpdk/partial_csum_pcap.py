#!/usr/bin/python3
"""The traffic and the oracle of partial_csum_vs_ovs.sh (Debian's scapy, /usr/bin/python3).

make OUT.pcap N      N TCP segments, IPv4 and IPv6, payloads of 0..1400 bytes, every checksum
                     right; each payload starts with its index ("sy-csum NNNNNN"), so the
                     receiver can tell which arrived.
empty OUT.pcap       a capture with no packets (the receiver's idle pcap port reads it).
check IN.pcap N      recomputes the IP and TCP checksums of every segment that arrived (an
                     independent oracle: scapy, not DPDK or the switch) and prints
                     "received R correct C wrong W unique U".
"""
import os
import struct
import sys

from scapy.all import IP, IPv6, TCP, Ether, Raw, rdpcap, wrpcap  # noqa: E402


def make(path, n):
    pkts = []
    for i in range(n):
        payload = (b"sy-csum %06d " % i) + bytes((i + k) & 0xFF for k in range((i * 37) % 1387))
        l3 = (IP(src="10.201.0.1", dst="10.201.0.2") if i % 4 != 3 else
              IPv6(src="fd00:201::1", dst="fd00:201::2"))
        pkts.append(Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / l3 /
                    TCP(sport=40000 + i % 100, dport=8080, seq=i * 1000, flags="PA") /
                    Raw(payload))
    wrpcap(path, pkts)


def empty(path, _n):
    with open(path, "wb") as f:  # pcap header: magic, v2.4, zone, sigfigs, snaplen, Ethernet
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


def tcp_ok(p):
    l3 = p[IP] if IP in p else p[IPv6]
    got = p[TCP].chksum
    fresh = l3.__class__(bytes(l3))
    del fresh[TCP].chksum
    if IP in fresh:
        del fresh[IP].chksum
    fresh = fresh.__class__(bytes(fresh))
    ok = fresh[TCP].chksum == got
    if IP in p:
        ok = ok and fresh[IP].chksum == p[IP].chksum
    return ok


def check(path, n):
    received = correct = 0
    seen = set()
    # A receiver that got nothing leaves an empty file (its pcap header is never flushed).
    packets = rdpcap(path) if os.path.getsize(path) > 0 else []
    for p in packets:
        if TCP not in p or Raw not in p:
            continue
        data = bytes(p[Raw].load)
        if not data.startswith(b"sy-csum "):
            continue
        received += 1
        seen.add(int(data[8:14]))
        correct += tcp_ok(p)
    print(f"received {received} correct {correct} wrong {received - correct} unique {len(seen)}")


if __name__ == "__main__":
    {"make": make, "empty": empty, "check": check}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
