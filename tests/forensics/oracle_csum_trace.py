#!/usr/bin/python3
"""Oracle test of `switchyard csum-trace`: scapy-built captures for every verdict, every link
type, pcap and pcapng; expected verdicts and hops checked from the --json output; per-packet
good/bad cross-checked against tshark's own checksum verdicts on the same files.

Usage: oracle_csum_trace.py SWITCHYARD_BINARY   (exit 0 if every check passed)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from csum_scenarios import (T0, frame, ip_bytes, tcp, udp, write_pcap, write_pcapng)  # noqa: E402
from scapy.all import IP, TCP, raw  # noqa: E402

C4, S4, NAT4 = "10.200.1.1", "10.200.2.2", "10.200.9.9"
C6, S6 = "fd00:200::1", "fd00:200::2"
US = 1000  # nanoseconds per microsecond

failures = []
files_for_tshark = []  # (point name, path) per scenario run, with their JSON


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def syn(v6=False):
    return tcp(C6 if v6 else C4, S6 if v6 else S4, 40000, 80, "S", 1000, v6=v6, ipid=100)


def synack(v6=False):
    return tcp(S6 if v6 else S4, C6 if v6 else C4, 80, 40000, "SA", 5000, 1001, v6=v6, ipid=200)


def data(v6=False):
    return tcp(C6 if v6 else C4, S6 if v6 else S4, 40000, 80, "PA", 1001, 5001,
               payload=bytes(range(100)), v6=v6, ipid=101)


class Scenario:
    """points: list of (name, link, format, vlans); packets add per-point records."""

    def __init__(self, name, points):
        self.name = name
        self.points = points
        self.records = {p[0]: [] for p in points}

    def add(self, point, t_us, ipb, direction=None, comment=None, caplen=None):
        self.records[point].append((T0 + t_us * US, ipb, direction, comment, caplen))

    def write(self, root):
        paths = []
        for name, link, fmt, vlans in self.points:
            path = os.path.join(root, f"{self.name}-{name}.{fmt}")
            recs = sorted(self.records[name], key=lambda r: r[0])
            frames = [(t, frame(link, ipb, d or "in", vlans), d, c, cap)
                      for t, ipb, d, c, cap in recs]
            if fmt == "pcapng":
                write_pcapng(path, link, [(t, f, d, c) for t, f, d, c, _ in frames])
            else:
                cut = lambda f, cap: None if cap is None else len(f) - len(recs[0][1]) + cap  # noqa
                write_pcap(path, link, [(t, f, None if cap is None else (len(f) - len(ipb_) + cap))
                                        for (t, f, d, c, cap), (_, ipb_, *_r) in zip(frames, recs)])
            paths.append((name, path))
        return paths


def run(binary, paths, extra=()):
    args = [binary, "csum-trace", "--json", *extra] + [f"{n}={p}" for n, p in paths]
    proc = subprocess.run(args, capture_output=True, text=True)
    doc = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None
    return proc.returncode, doc, proc.stderr


def find(doc, flags=None, proto="tcp"):
    out = [p for p in doc["packets"] if p["flow"]["proto"] == proto and
           (flags is None or p["tcp_flags"] == flags)]
    return out


def expect(doc, label, flags, status, hop, certain=None, proto="tcp", offsets=None):
    pkts = find(doc, flags, proto)
    if len(pkts) != 1:
        check(False, f"{label}: expected one {proto} {flags} packet, found {len(pkts)}")
        return
    v = pkts[0]["verdict"]
    check(v["status"] == status, f"{label}: {flags} status {v['status']} != {status}")
    check(v["hop"] == hop, f"{label}: {flags} hop {v['hop']} != {hop}")
    if certain is not None:
        check(v["certain"] == certain, f"{label}: {flags} certain {v['certain']} != {certain}")
    if offsets is not None:
        check(v.get("changed_offsets") == offsets,
              f"{label}: changed offsets {v.get('changed_offsets')} != {offsets}")


def three(name, fmt="pcap"):
    return Scenario(name, [("client", "ether", fmt, ()), ("host", "ether", fmt, ()),
                           ("server", "ether", fmt, ())])


def offload_traffic(s, pts, syn_states, synack_states, v6=False):
    """SYN forward, SYN/ACK back, DATA forward (always good), with per-point states."""
    for i, (p, st) in enumerate(zip(pts, syn_states)):
        s.add(p, 10 + i * 10, ip_bytes(syn(v6), st), "out" if i == 0 else "in")
    for i, (p, st) in enumerate(zip(reversed(pts), synack_states)):
        s.add(p, 100 + i * 10, ip_bytes(synack(v6), st), "out" if i == 0 else "in")
    for i, p in enumerate(pts):
        s.add(p, 200 + i * 10, ip_bytes(data(v6), "good"))


def main():
    binary = sys.argv[1]
    root = tempfile.mkdtemp(prefix="sy-csum-oracle-")
    try:
        pts = ["client", "host", "server"]
        # 1. TX offload at both senders, completed by the switch: all ok.
        s = three("offload_ok")
        offload_traffic(s, pts, ["partial", "partial", "good"], ["partial", "good", "good"])
        rc, doc, err = run(binary, s.write(root))
        files_for_tshark.append((doc, s.write(root)))
        check(rc == 0, f"offload_ok: exit {rc} (stderr {err})")
        expect(doc, "offload_ok", "S", "ok", None)
        expect(doc, "offload_ok", "SA", "ok", None)
        syn_pkt = find(doc, "S")[0]
        check(syn_pkt["verdict"]["offload_at_sender"], "offload_ok: SYN offload at sender")
        check([x["state"] for x in syn_pkt["sightings"]] == ["partial", "partial", "good"],
              "offload_ok: SYN states")
        hops = {(h["from"], h["to"]): h for h in doc["summary"]["hops"]}
        check(hops[("host", "server")]["completed"] == 1, "offload_ok: host→server completed 1")
        check(hops[("server", "host")]["completed"] == 1, "offload_ok: server→host completed 1")
        check(doc["points"] == pts, "points in order")

        # 2. The original bug, plain tcpdump captures: partial at the last sighting.
        s = three("lost_inferred")
        offload_traffic(s, pts, ["partial"] * 3, ["partial"] * 3)
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"lost_inferred: exit {rc}")
        expect(doc, "lost_inferred", "S", "partial_never_completed", ["host", "server"], False)
        expect(doc, "lost_inferred", "SA", "partial_never_completed", ["host", "client"], False)

        # 3. The same with kernel marks recorded (pcapng comments): certain either way.
        s = three("lost_marked", "pcapng")
        mk = lambda m: f"sy: kmark={m}"  # noqa: E731
        for i, (p, m) in enumerate(zip(pts, ["csum_notready", "csum_notready", "none"])):
            s.add(p, 10 + i * 10, ip_bytes(syn(), "partial"), "out" if i == 0 else "in", mk(m))
        for i, p in enumerate(reversed(pts)):
            s.add(p, 100 + i * 10, ip_bytes(synack(), "partial"), "out" if i == 0 else "in",
                  mk("csum_notready"))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        check(rc == 1, f"lost_marked: exit {rc}")
        expect(doc, "lost_marked", "S", "partial_never_completed", ["host", "server"], True)
        check(find(doc, "S")[0]["verdict"]["basis"] == "kernel_mark", "lost_marked: basis")
        check(find(doc, "S")[0]["sightings"][0]["direction"] == "out", "lost_marked: direction")
        expect(doc, "lost_marked", "SA", "ok", None, True)

        # 4. Payload corrupted between host and server, checksum untouched.
        s = three("corrupted")
        for i, p in enumerate(pts):
            s.add(p, 10 + i * 10, ip_bytes(data(), "good", flip_payload_at=10 if i == 2 else None))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"corrupted: exit {rc}")
        expect(doc, "corrupted", "PA", "corrupted", ["host", "server"], True, offsets=[30])

        # 5. NAT between host and server: one packet updated right (ok, still correlated),
        #    one with the L4 checksum left as it was (rewritten_without_update).
        s = Scenario("nat", [("client", "ether", "pcap", ()), ("host", "ether", "pcap", (100,)),
                             ("server", "ether", "pcap", ())])
        for i, p in enumerate(pts[:2]):
            s.add(p, 10 + i * 10, ip_bytes(syn(), "good"))
            s.add(p, 200 + i * 10, ip_bytes(data(), "good"))
        natted = syn()
        natted[IP].dst, natted[TCP].dport = NAT4, 8080
        s.add("server", 30, ip_bytes(natted, "good"))
        stale = bytearray(ip_bytes(data(), "good"))
        old_csum = bytes(stale[36:38])
        dn = data()
        dn[IP].dst, dn[TCP].dport = NAT4, 8080
        dn_bytes = bytearray(raw(dn))
        dn_bytes[36:38] = old_csum  # IP header checksum right, TCP checksum stale
        s.add("server", 230, bytes(dn_bytes))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"nat: exit {rc}")
        expect(doc, "nat", "S", "ok", None)
        check(len(find(doc, "S")[0]["sightings"]) == 3, "nat: SYN found at all 3 points")
        expect(doc, "nat", "PA", "rewritten_without_update", ["host", "server"], True)

        # 6. Bad from the start.
        s = three("origin")
        for i, p in enumerate(pts):
            s.add(p, 10 + i * 10, ip_bytes(syn(), "bad"))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"origin: exit {rc}")
        expect(doc, "origin", "S", "bad_at_origin", [None, "client"], True)

        # 7. UDP: IPv6 zero is illegal, IPv4 zero is fine.
        s = Scenario("udpzero", [("a", "ether", "pcap", ()), ("b", "ether", "pcap", ())])
        for i, p in enumerate(["a", "b"]):
            s.add(p, 10 + i, ip_bytes(udp(C6, S6, 5000, 53, b"q" * 20, v6=True), "zero"))
            s.add(p, 20 + i, ip_bytes(udp(C4, S4, 5000, 53, b"q" * 20), "zero"))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"udpzero: exit {rc}")
        v6p = [p for p in doc["packets"] if ":" in p["flow"]["src"]]
        v4p = [p for p in doc["packets"] if "." in p["flow"]["src"]]
        check(len(v6p) == 1 and v6p[0]["verdict"]["status"] == "illegal_zero", "udpzero: v6")
        check(len(v6p) == 1 and v6p[0]["verdict"]["hop"] == [None, "a"], "udpzero: v6 hop")
        check(len(v4p) == 1 and v4p[0]["verdict"]["status"] == "ok", "udpzero: v4 ok")
        check(len(v4p) == 1 and v4p[0]["sightings"][0]["state"] == "zero", "udpzero: v4 zero")

        # 8. Cut by snaplen everywhere: unverifiable, not a problem.
        s = Scenario("snaplen", [("a", "ether", "pcap", ()), ("b", "ether", "pcap", ())])
        for i, p in enumerate(["a", "b"]):
            s.add(p, 10 + i, ip_bytes(data(), "good"), caplen=60)
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 0, f"snaplen: exit {rc}")
        expect(doc, "snaplen", "PA", "unverifiable", None)

        # 9. IPv4 header: TTL decremented without updating the header checksum.
        s = Scenario("ttl", [("a", "ether", "pcap", ()), ("b", "ether", "pcap", ())])
        s.add("a", 10, ip_bytes(syn(), "good"))
        b = bytearray(ip_bytes(syn(), "good"))
        b[8] -= 1
        s.add("b", 20, bytes(b))
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        check(rc == 1, f"ttl: exit {rc}")
        expect(doc, "ttl", "S", "rewritten_without_update", ["a", "b"], True)
        check(find(doc, "S")[0]["verdict"]["layer"] == "ipv4", "ttl: layer ipv4")

        # 10. Every link type in one path (cooked v1/v2, VLAN, QinQ, raw, pcapng): the
        #     offload_ok and lost cases must come out the same.
        lpts = ["c", "h", "sw", "s"]
        def mixed(name):
            return Scenario(name, [("c", "sll", "pcap", ()), ("h", "sll2", "pcap", (100,)),
                                   ("sw", "ether", "pcapng", (100, 200)), ("s", "raw", "pcap", ())])
        s = mixed("links_ok")
        offload_traffic(s, lpts, ["partial", "partial", "good", "good"],
                        ["partial", "good", "good", "good"])
        paths = s.write(root)
        rc, doc, err = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 0, f"links_ok: exit {rc} {err}")
        expect(doc, "links_ok", "S", "ok", None)
        expect(doc, "links_ok", "SA", "ok", None)
        check(len(find(doc, "S")[0]["sightings"]) == 4, "links_ok: SYN at all 4 points")
        check(find(doc, "S")[0]["sightings"][0]["direction"] == "out", "links_ok: cooked dir")
        s = mixed("links_lost")
        offload_traffic(s, lpts, ["partial"] * 4, ["partial", "good", "good", "good"])
        rc, doc, _ = run(binary, s.write(root))
        check(rc == 1, f"links_lost: exit {rc}")
        expect(doc, "links_lost", "S", "partial_never_completed", ["sw", "s"], False)

        # 11. IPv6 TCP.
        s = Scenario("v6", [("a", "ether", "pcapng", ()), ("b", "sll2", "pcap", ())])
        offload_traffic(s, ["a", "b"], ["partial", "partial"], ["partial", "good"], v6=True)
        paths = s.write(root)
        rc, doc, _ = run(binary, paths)
        files_for_tshark.append((doc, paths))
        check(rc == 1, f"v6: exit {rc}")
        expect(doc, "v6", "S", "partial_never_completed", ["a", "b"], False)
        expect(doc, "v6", "SA", "ok", None)

        # 12. Truncated final record: reported, not fatal.
        s = three("trunc")
        offload_traffic(s, pts, ["partial", "partial", "good"], ["partial", "good", "good"])
        paths = s.write(root)
        with open(paths[2][1], "r+b") as f:
            f.truncate(os.path.getsize(paths[2][1]) - 20)
        rc, doc, err = run(binary, paths)
        check(rc == 0, f"trunc: exit {rc}")
        check("truncated" in err and paths[2][1] in err, f"trunc: warning names file: {err}")

        # 13. Bad input: exit 2 and a message naming the file.
        junk = os.path.join(root, "junk.pcap")
        with open(junk, "w") as f:
            f.write("not a capture")
        rc, doc, err = run(binary, [("x", junk)])
        check(rc == 2 and junk in err, f"junk: exit {rc}, {err}")
        rc, doc, err = run(binary, [("x", os.path.join(root, "missing.pcap"))])
        check(rc == 2 and "missing.pcap" in err, f"missing: exit {rc}, {err}")

        tshark_cross_check()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


def tshark_cross_check():
    """Our good/bad per sighting must agree with tshark's where tshark gives a verdict."""
    compared = 0
    for doc, paths in files_for_tshark:
        ours = {}
        for p in doc["packets"]:
            for s in p["sightings"]:
                ours[(s["point"], s["record"])] = (p["flow"]["proto"], s["state"])
        for name, path in paths:
            out = subprocess.run(
                ["tshark", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                 "-o", "ip.check_checksum:TRUE", "-r", path, "-T", "fields", "-e", "frame.number",
                 "-e", "tcp.checksum.status", "-e", "udp.checksum.status"],
                capture_output=True, text=True).stdout
            for line in out.splitlines():
                cols = (line.split("\t") + ["", ""])[:3]
                num, tcp_status, udp_status = int(cols[0]), cols[1], cols[2]
                theirs = tcp_status or udp_status
                if theirs not in ("0", "1"):  # 0 bad, 1 good; 2 unverified / absent
                    continue
                key = (name, num)
                if key not in ours:
                    check(False, f"tshark: {path} frame {num} has a verdict, we have no sighting")
                    continue
                state = ours[key][1]
                if state in ("unverifiable", "zero"):
                    check(False, f"tshark: {path} frame {num}: tshark {theirs}, we {state}")
                    continue
                expected = "1" if state == "good" else "0"  # partial and bad: tshark says bad
                check(theirs == expected, f"tshark: {path} frame {num}: tshark {theirs}, we {state}")
                compared += 1
    print(f"tshark cross-check: {compared} sightings compared")
    check(compared >= 40, f"tshark cross-check compared only {compared}")


if __name__ == "__main__":
    sys.exit(main())
