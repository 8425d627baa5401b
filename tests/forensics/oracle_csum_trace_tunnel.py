#!/usr/bin/python3
"""Oracle test of `switchyard csum-trace` over tunnels: scapy builds one TCP packet as a
container sends it (plain) and as the underlay carries it (VXLAN or Geneve with options), with
inner and outer checksums good, partial, zero or broken; csum-trace must find one packet at
every point, judge the inner checksum and the outer one apart, and name the hop. tshark judges
the same files on its own: its inner TCP and outer UDP checksum verdicts must agree with the
states csum-trace reports.

Usage: oracle_csum_trace_tunnel.py SWITCHYARD_BINARY   (exit 0 if every check passed)
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from csum_scenarios import T0, ip_bytes, tcp, write_pcapng  # noqa: E402
from scapy.all import Ether, IP, UDP, Raw, raw  # noqa: E402
from scapy.contrib.geneve import GENEVE  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402

C1, C2 = "10.245.0.1", "10.245.0.2"
HA, HB = "172.31.251.1", "172.31.251.2"
MAC1, MAC2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def inner_ip(csum, flags="S", payload=b""):
    return ip_bytes(tcp(C1, C2, 40000, 8080, flags, 1000, payload=payload, ipid=1234), csum)


def plain(inner):
    return raw(Ether(src=MAC1, dst=MAC2) / IP(inner))


def seed_of_udp(outer):
    """The folded pseudo-header sum of the outer UDP datagram (what a CHECKSUM_PARTIAL
    sender leaves in the field)."""
    ip = IP(outer)
    ulen = ip[UDP].len
    ph = struct.pack("!4s4sBBH", bytes(map(int, ip.src.split("."))),
                     bytes(map(int, ip.dst.split("."))), 0, 17, ulen)
    total = sum(struct.unpack(f"!{len(ph) // 2}H", ph))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def encap(inner, kind="vxlan", outer="good", src=HA, dst=HB):
    """The inner packet in an Ethernet frame, in VXLAN (VNI 7) or Geneve (VNI 0x123456, one
    8-byte option) over UDP; the outer UDP checksum good (scapy's), zero, partial or bad."""
    eth = Ether(src=MAC1, dst=MAC2) / IP(inner)
    if kind == "vxlan":
        tun = UDP(sport=4789, dport=4789) / VXLAN(vni=7, flags=0x08) / eth
    else:
        opt = bytes.fromhex("0102030100000001")  # class 0x0102, type 3, 4 bytes of data
        tun = UDP(sport=6081, dport=6081) / GENEVE(vni=0x123456, proto=0x6558, optionlen=2) \
            / Raw(opt) / eth
    data = bytearray(raw(IP(src=src, dst=dst, id=77, ttl=64) / tun))
    if outer == "zero":
        struct.pack_into("!H", data, 26, 0)
    elif outer == "partial":
        struct.pack_into("!H", data, 26, seed_of_udp(bytes(data)))
    elif outer == "bad":
        good = struct.unpack_from("!H", data, 26)[0]
        struct.pack_into("!H", data, 26, (good + 0x1111) & 0xFFFF or 1)
    return raw(Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02", type=0x0800)) + bytes(data)


def run(binary, root, name, points):
    """points: list of (point, [(t_us, frame, direction, kmark)]). Returns (rc, doc, paths)."""
    paths = []
    for point, records in points:
        path = os.path.join(root, f"{name}-{point}.pcapng")
        write_pcapng(path, "ether", [(T0 + t * 1000, f, d, f"sy: kmark={m}" if m else None)
                                     for t, f, d, m in records])
        paths.append((point, path))
    proc = subprocess.run([binary, "csum-trace", "--json"] + [f"{p}={f}" for p, f in paths],
                          capture_output=True, text=True)
    doc = json.loads(proc.stdout) if proc.stdout.startswith("{") else None
    check(doc is not None, f"{name}: no JSON ({proc.returncode}): {proc.stderr}")
    return proc.returncode, doc, paths


def tshark_states(path):
    """Per frame of `path`: (outer UDP checksum status, inner TCP checksum status) as tshark
    reports them, with checksum validation on (1 good, 0 bad, 2 unverified, 3 not present)."""
    out = subprocess.run(
        ["tshark", "-r", path, "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
         "-d", "udp.port==4789,vxlan", "-d", "udp.port==6081,geneve", "-T", "fields",
         "-E", "separator=,", "-E", "occurrence=f", "-e", "udp.checksum.status",
         "-e", "tcp.checksum.status"], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split(",")) for line in out.splitlines() if line.strip()]


def agree_with_tshark(name, doc, paths):
    """Every sighting's inner state and outer state against tshark's verdicts."""
    by_point = {}
    for p in doc["packets"]:
        for s in p["sightings"]:
            by_point.setdefault(s["point"], {})[s["record"]] = s
    for point, path in paths:
        for record, (udp_status, tcp_status) in enumerate(tshark_states(path), 1):
            s = by_point.get(point, {}).get(record)
            if s is None:
                continue
            # tshark knows good or bad; a partial seed is "bad" to it, as to tcpdump.
            want_tcp = "1" if s["state"] == "good" else "0"
            check(tcp_status in (want_tcp, {"1": "Good", "0": "Bad"}[want_tcp]),
                  f"{name}: {point} #{record}: inner {s['state']} but tshark tcp status "
                  f"{tcp_status}")
            e = s.get("encap")
            if e:
                want = {"good": ("1", "Good"), "zero": ("3", "Not present"),
                        "bad": ("0", "Bad"), "partial": ("0", "Bad")}[e["state"]]
                check(udp_status in want, f"{name}: {point} #{record}: outer {e['state']} but "
                      f"tshark udp status {udp_status!r}")


def one_packet(name, doc, n_sightings):
    check(doc["summary"]["packets"] == 1,
          f"{name}: {doc['summary']['packets']} packets, expected 1 (one packet at every point)")
    pkt = doc["packets"][0]
    check(len(pkt["sightings"]) == n_sightings,
          f"{name}: {len(pkt['sightings'])} sightings, expected {n_sightings}")
    return pkt


def scenarios(binary, root):
    # The seed's story: partial in c1, finished before encapsulation, outer zero.
    name = "vxlan-outer-zero"
    rc, doc, paths = run(binary, root, name, [
        ("c1", [(1, plain(inner_ip("partial")), "out", "csum_notready")]),
        ("ha", [(2, encap(inner_ip("good"), outer="zero"), "out", "none")]),
        ("hb", [(3, encap(inner_ip("good"), outer="zero"), "in", "none")]),
        ("c2", [(4, plain(inner_ip("good")), "in", "none")])])
    pkt = one_packet(name, doc, 4)
    check(rc == 0 and pkt["verdict"]["status"] == "ok" and pkt["verdict"]["offload_at_sender"],
          f"{name}: {rc} {pkt['verdict']}")
    check(pkt["outer_verdict"]["status"] == "ok", f"{name}: outer {pkt['outer_verdict']}")
    check([s.get("encap", {}).get("state") for s in pkt["sightings"]] == [None, "zero", "zero", None],
          f"{name}: outer states {[s.get('encap') for s in pkt['sightings']]}")
    check(pkt["sightings"][1]["encap"]["vni"] == 7 and pkt["sightings"][1]["encap"]["tunnel"] == "vxlan",
          f"{name}: {pkt['sightings'][1]['encap']}")
    hop = next(h for h in doc["summary"]["hops"] if h["from"] == "c1")
    check(hop["to"] == "ha" and hop["completed"] == 1, f"{name}: hops {doc['summary']['hops']}")
    agree_with_tshark(name, doc, paths)

    # The kernel's vxlan: the inner checksum left partial, the outer one computed; the mark
    # belongs to the inner level.
    name = "vxlan-inner-partial-outer-csum"
    rc, doc, paths = run(binary, root, name, [
        ("c1", [(1, plain(inner_ip("partial")), "out", "csum_notready")]),
        ("ha", [(2, encap(inner_ip("partial"), outer="good"), "out", "csum_notready")]),
        ("hb", [(3, encap(inner_ip("partial"), outer="good"), "in", "csum_notready")])])
    pkt = one_packet(name, doc, 3)
    s = pkt["sightings"][1]
    check(s["state"] == "partial" and s["kmark"] == "csum_notready" and
          s["encap"]["state"] == "good" and s["encap"]["kmark"] == "none", f"{name}: {s}")
    check(rc == 0 and pkt["verdict"]["status"] == "ok" and pkt["verdict"]["basis"] == "kernel_mark",
          f"{name}: {pkt['verdict']}")
    agree_with_tshark(name, doc, paths)

    # The same, but the mark is lost at hb: the inner partial checksum will never be finished.
    name = "vxlan-inner-partial-mark-lost"
    rc, doc, paths = run(binary, root, name, [
        ("ha", [(2, encap(inner_ip("partial"), outer="zero"), "out", "csum_notready")]),
        ("hb", [(3, encap(inner_ip("partial"), outer="zero"), "in", "none")])])
    pkt = one_packet(name, doc, 2)
    check(rc == 1 and pkt["verdict"]["status"] == "partial_never_completed" and
          pkt["verdict"]["hop"] == ["ha", "hb"] and pkt["verdict"]["certain"],
          f"{name}: {rc} {pkt['verdict']}")
    check(pkt["outer_verdict"]["status"] == "ok", f"{name}: outer {pkt['outer_verdict']}")

    # A bad inner checksum, outer fine: the packet is bad where it was first seen.
    name = "vxlan-bad-inner"
    rc, doc, paths = run(binary, root, name, [
        ("ha", [(2, encap(inner_ip("bad"), outer="good"), "out", None)]),
        ("c2", [(3, plain(inner_ip("bad")), "in", None)])])
    pkt = one_packet(name, doc, 2)
    check(rc == 1 and pkt["verdict"]["status"] == "bad_at_origin" and
          pkt["verdict"]["hop"] == [None, "ha"], f"{name}: {rc} {pkt['verdict']}")
    check(pkt["outer_verdict"]["status"] == "ok", f"{name}: outer {pkt['outer_verdict']}")
    agree_with_tshark(name, doc, paths)

    # A bad outer checksum on arrival, inner fine: the outer verdict names the hop.
    name = "vxlan-bad-outer"
    rc, doc, paths = run(binary, root, name, [
        ("c1", [(1, plain(inner_ip("good")), "out", None)]),
        ("ha", [(2, encap(inner_ip("good"), outer="good"), "out", None)]),
        ("hb", [(3, encap(inner_ip("good"), outer="bad"), "in", None)])])
    pkt = one_packet(name, doc, 3)
    check(rc == 1 and pkt["verdict"]["status"] == "ok", f"{name}: {rc} {pkt['verdict']}")
    check(pkt["outer_verdict"]["status"] == "corrupted" and
          pkt["outer_verdict"]["hop"] == ["ha", "hb"] and
          pkt["outer_verdict"]["changed_offsets"] == [6, 7],
          f"{name}: outer {pkt['outer_verdict']}")
    check(doc["summary"]["outer_by_status"]["corrupted"] == 1 and doc["summary"]["problems"] == 1,
          f"{name}: summary {doc['summary']}")
    agree_with_tshark(name, doc, paths)

    # Payload corrupted inside the tunnel with no outer checksum to catch it: the inner
    # verdict says where, from the bytes.
    name = "vxlan-corrupted-inside"
    data = bytes(range(64))
    broken = bytearray(inner_ip("good", "PA", data))
    broken[-10] ^= 0x40
    rc, doc, paths = run(binary, root, name, [
        ("ha", [(2, encap(inner_ip("good", "PA", data), outer="zero"), "out", None)]),
        ("hb", [(3, encap(bytes(broken), outer="zero"), "in", None)])])
    pkt = one_packet(name, doc, 2)
    check(pkt["verdict"]["status"] == "corrupted" and pkt["verdict"]["hop"] == ["ha", "hb"] and
          pkt["verdict"]["changed_offsets"] == [20 + 64 - 10],
          f"{name}: {pkt['verdict']}")
    agree_with_tshark(name, doc, paths)

    # Geneve with an option, the outer checksum partial and marked (a UDP socket over a veth
    # with TX checksumming), the inner complete: the mark goes with the outer level.
    name = "geneve-options-outer-partial"
    rc, doc, paths = run(binary, root, name, [
        ("c1", [(1, plain(inner_ip("partial")), "out", "csum_notready")]),
        ("ha", [(2, encap(inner_ip("good"), "geneve", "partial"), "out", "csum_notready")]),
        ("hb", [(3, encap(inner_ip("good"), "geneve", "partial"), "in", "csum_notready")]),
        ("c2", [(4, plain(inner_ip("good")), "in", "none")])])
    pkt = one_packet(name, doc, 4)
    s = pkt["sightings"][1]
    check(s["encap"]["tunnel"] == "geneve" and s["encap"]["vni"] == 0x123456 and
          s["encap"]["options_length"] == 8, f"{name}: {s['encap']}")
    check(s["encap"]["state"] == "partial" and s["encap"]["kmark"] == "csum_notready" and
          s["state"] == "good" and s["kmark"] == "none", f"{name}: {s}")
    check(rc == 0 and pkt["verdict"]["status"] == "ok" and pkt["outer_verdict"]["status"] == "ok"
          and pkt["outer_verdict"]["basis"] == "kernel_mark",
          f"{name}: {rc} {pkt['verdict']} {pkt['outer_verdict']}")
    agree_with_tshark(name, doc, paths)

    # A UDP GSO super-datagram captured on the sending host (outer headers once, then three
    # VXLAN datagrams back to back, the last shorter), received as three datagrams: three
    # packets, each seen at both points.
    name = "udp-gso-super-datagram"
    inners = [ip_bytes(tcp(C1, C2, 40000, 8080, "A", 1000 + 100 * i, payload=bytes([i]) * n,
                           ipid=20 + i), "good") for i, n in enumerate((100, 100, 30))]
    chunks = b"".join(raw(VXLAN(vni=7, flags=0x08) / Ether(src=MAC1, dst=MAC2) / IP(x))
                      for x in inners)
    sent = raw(Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") /
               IP(src=HA, dst=HB, id=77) / UDP(sport=4789, dport=4789) / Raw(chunks))
    rc, doc, paths = run(binary, root, name, [
        ("ha", [(1, sent, "out", None)]),
        ("hb", [(2 + i, encap(x, outer="zero"), "in", None) for i, x in enumerate(inners)])])
    check(doc["summary"]["packets"] == 3 and
          all([s["point"] for s in p["sightings"]] == ["ha", "hb"] for p in doc["packets"]),
          f"{name}: {[(p['tcp_flags'], [s['point'] for s in p['sightings']]) for p in doc['packets']]}")
    files = {f["point"]: f for f in doc["summary"]["files"]}
    check(files["ha"]["udp_gso_records"] == 1 and files["ha"]["udp_gso_datagrams"] == 2,
          f"{name}: {files['ha']}")
    check(rc == 0 and doc["summary"]["problems"] == 0, f"{name}: {rc} {doc['summary']}")

    # Two different packets on the underlay are two packets (the inner headers differ).
    name = "two-packets"
    rc, doc, paths = run(binary, root, name, [
        ("c1", [(1, plain(inner_ip("good", "S")), "out", None),
                (2, plain(inner_ip("good", "A")), "out", None)]),
        ("ha", [(3, encap(inner_ip("good", "S"), outer="zero"), "out", None),
                (4, encap(inner_ip("good", "A"), outer="zero"), "out", None)])])
    check(doc["summary"]["packets"] == 2 and
          all(len(p["sightings"]) == 2 for p in doc["packets"]), f"{name}: {doc['packets']}")


def main():
    binary = sys.argv[1]
    root = tempfile.mkdtemp(prefix="sy-oracle-tunnel-")
    try:
        scenarios(binary, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"oracle_csum_trace_tunnel: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
