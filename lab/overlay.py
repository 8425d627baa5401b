"""The investigation across an overlay: two hosts, each a network namespace running its own
Switchyard daemon with a VXLAN tunnel port, joined by an underlay veth; a container behind
each host with default offloads (TX checksum and TSO on). The client container downloads a
file from the other's web server while `switchyard capture --iface` records four points,
and csum-trace follows each packet container -> underlay -> container:

    sy-ovc1 (10.246.0.1)      sy-ovha  172.31.250.1 ==u0== 172.31.250.2  sy-ovhb      sy-ovc2 (10.246.0.2)
      eth0 <- c1  --- br0 [vx0] ---------- u0 <- ha    u0 <- hb ---------- [vx0] br0 --- eth0 <- c2

Host A's tunnel port sends outer UDP checksums (--csum), host B's sends zero (IPv4's
default), so both answers to "who checks the outer checksum" are in one run.
"""

import os
import shutil
import subprocess
import tempfile
import time

from . import forensics, system
from .capture import SwitchyardCapture
from .switches import switchyard_has_verb
from .system import LabError, NotAvailable
from .topology import CapturePoint
from .veth_lesson import sha256_of

HOST_A, HOST_B = "sy-ovha", "sy-ovhb"
CLIENT_NS, SERVER_NS = "sy-ovc1", "sy-ovc2"
UNDERLAY_A, UNDERLAY_B = "172.31.250.1", "172.31.250.2"
CLIENT_IP, SERVER_IP = "10.246.0.1", "10.246.0.2"
VNI = 7
INNER_MTU = 1450  # the underlay's 1500 minus VXLAN over IPv4 (show reports it)
HTTP_PORT = 8080
FILE_MB = 4

POINTS = (
    CapturePoint(1, "client container eth0", CLIENT_NS, "eth0"),
    CapturePoint(2, "host A's underlay", HOST_A, "u0"),
    CapturePoint(3, "host B's underlay", HOST_B, "u0"),
    CapturePoint(4, "server container eth0", SERVER_NS, "eth0"),
)
POINT_NAMES = ("c1", "ha", "hb", "c2")


class Host:
    """A Switchyard daemon inside a host namespace, state in its own directory."""

    def __init__(self, binary, netns, cleanup):
        self.binary, self.netns = binary, netns
        self.dir = tempfile.mkdtemp(prefix=f"sy-lab-{netns}-")
        cleanup.push(f"remove {self.dir}", shutil.rmtree, self.dir, True)
        log_file = open(os.path.join(self.dir, "daemon.log"), "w")
        cleanup.push("close daemon log", log_file.close)
        self.proc = system.start_process([binary, "--dir", self.dir, "daemon"], cleanup,
                                         netns=netns, stdout=log_file, stderr=log_file,
                                         name=f"switchyard daemon in {netns}")

        def ready():
            if self.proc.poll() is not None:
                raise LabError(f"switchyard daemon in {netns} exited ({self.proc.returncode})")
            return self.cli("show", check=False).returncode == 0
        if not system.wait_until(ready, 10):
            raise LabError(f"switchyard daemon in {netns} did not answer within 10s")

    def cli(self, *args, check=True):
        return system.run([self.binary, "--dir", self.dir] + list(args), check=check,
                          timeout=20)


def _build(binary, cleanup):
    for ns in (HOST_A, HOST_B, CLIENT_NS, SERVER_NS):
        system.add_netns(ns, cleanup)
    # The underlay: one veth between the hosts, kernel defaults (TX checksum offload on).
    system.run(["ip", "link", "add", "u0", "netns", HOST_A, "type", "veth", "peer", "name",
                "u0", "netns", HOST_B])
    for ns, ip in ((HOST_A, UNDERLAY_A), (HOST_B, UNDERLAY_B)):
        system.run(["ip", "addr", "add", f"{ip}/24", "dev", "u0"], netns=ns)
        system.run(["ip", "link", "set", "u0", "up"], netns=ns)
    hosts = []
    for ns, container, ip, remote, extra in (
            (HOST_A, CLIENT_NS, CLIENT_IP, UNDERLAY_B, ["--csum"]),
            (HOST_B, SERVER_NS, SERVER_IP, UNDERLAY_A, [])):
        host = Host(binary, ns, cleanup)
        host.cli("add-br", "br0")
        host.cli("attach", "br0", container, "--ip", f"{ip}/24", "--mtu", str(INNER_MTU))
        host.cli("add-port", "br0", "vx0", "--type", "vxlan", "--remote", remote, "--key",
                 str(VNI), *extra)
        hosts.append(host)
    return hosts


def _ping():
    r = system.run(["ping", "-c", "1", "-W", "1", "-q", SERVER_IP], netns=CLIENT_NS,
                   check=False, timeout=5)
    return r.returncode == 0


def _offloads_on(netns):
    out = system.run(["ethtool", "-k", "eth0"], netns=netns).stdout
    return ("tx-checksumming: on" in out and "tcp-segmentation-offload: on" in out)


def _csum_errors():
    return {name: system.snmp_counter(ns, "Tcp", "InCsumErrors")
            for name, ns in (("c1", CLIENT_NS), ("c2", SERVER_NS))}


def _udp_csum_errors():
    return {name: system.snmp_counter(ns, "Udp", "InCsumErrors")
            for name, ns in (("ha", HOST_A), ("hb", HOST_B))}


def check_available(binary):
    if not os.access(binary, os.X_OK):
        raise NotAvailable(f"switchyard binary ({binary})")
    for verb in ("daemon", "attach", "add-port", "capture", "csum-trace"):
        if not switchyard_has_verb(binary, verb):
            raise NotAvailable(f"switchyard {verb}")
    r = subprocess.run([binary, "add-port", "--help"], capture_output=True, text=True,
                       timeout=10)
    if "--remote" not in r.stdout:
        raise NotAvailable("switchyard add-port --type vxlan")


def run(scenario, opts, megabytes=FILE_MB):
    """Runs the overlay scenario and returns its table row (see report.overlay_table)."""
    row = {"scenario": scenario, "switch": "two Switchyard hosts joined by VXLAN (VNI 7)",
           "offloads": "default offloads in both containers and on the underlay"}
    try:
        check_available(opts.switchyard_bin)
    except NotAvailable as e:
        return dict(row, available=False, note=f"not available yet: {e}")
    with system.Cleanup() as cleanup:
        workdir = tempfile.mkdtemp(prefix="sy-lab-overlay-")
        cleanup.push(f"remove {workdir}", shutil.rmtree, workdir, True)
        served = os.path.join(workdir, "serve")
        os.mkdir(served)
        original = os.path.join(served, "file.bin")
        with open(original, "wb") as f:
            f.write(os.urandom(megabytes << 20))
        received = os.path.join(workdir, "received.bin")

        _build(opts.switchyard_bin, cleanup)
        if not system.wait_until(_ping, 10, interval=0.2):
            raise LabError(f"no ping from {CLIENT_IP} to {SERVER_IP} across the overlay")
        offloads = {n: _offloads_on(ns) for n, ns in (("c1", CLIENT_NS), ("c2", SERVER_NS))}
        system.start_process(["/usr/bin/python3", "-m", "http.server", str(HTTP_PORT), "--bind",
                              SERVER_IP, "--directory", served], cleanup, netns=SERVER_NS,
                             name="http.server")
        if not system.wait_until(lambda: system.tcp_listening(SERVER_NS, HTTP_PORT), 10):
            raise LabError("http.server in the server container did not start listening")

        captures = [SwitchyardCapture(p, os.path.join(workdir, f"{n}.pcapng"),
                                      opts.switchyard_bin) for p, n in zip(POINTS, POINT_NAMES)]
        before, udp_before = _csum_errors(), _udp_csum_errors()
        for c in captures:
            c.start(cleanup)
        r = system.run(["curl", "-s", "-f", "-o", received, "--max-time", "60",
                        f"http://{SERVER_IP}:{HTTP_PORT}/file.bin"], netns=CLIENT_NS,
                       check=False, timeout=70)
        time.sleep(0.3)  # the last segments reach the capture files
        for c in captures:
            c.stop()
        after, udp_after = _csum_errors(), _udp_csum_errors()
        same = r.returncode == 0 and sha256_of(received) == sha256_of(original)
        files = {n: c.path for n, c in zip(POINT_NAMES, captures)}
        trace = forensics.run_csum_trace(opts.switchyard_bin, files)
        text = system.run([opts.switchyard_bin, "csum-trace"]
                          + [f"{n}={p}" for n, p in files.items()], check=False,
                          timeout=60).stdout
        row.update(available=True, page=same, sha256_match=same, file_mb=megabytes,
                   offloads_on=offloads,
                   csum_errors={k: after[k] - before[k] for k in after},
                   udp_csum_errors={k: udp_after[k] - udp_before[k] for k in udp_after})
        row.update(summarize(trace))
        row["tunnel_report"] = _tunnel_section(text)
        if opts.keep_captures:
            target = os.path.join(opts.keep_captures, scenario)
            os.makedirs(target, exist_ok=True)
            for c in captures:
                shutil.copy(c.path, target)
    return row


def _tunnel_section(text):
    """The lines of csum-trace's text report about the tunnel (from "tunnels:" to the blank
    line after it)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("tunnels:")), None)
    if start is None:
        return []
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def _handshake_packet(trace, flags):
    return next((p for p in trace.get("packets", []) if p.get("tcp_flags") == flags), None)


def _path(packet):
    """Per sighting: point, where it was plain or encapsulated, the inner checksum state and
    mark, the outer UDP checksum state and mark."""
    out = []
    for s in packet.get("sightings", []):
        e = s.get("encap")
        out.append({"point": s["point"], "state": s["state"], "kmark": s["kmark"],
                    "outer": e["state"] if e else None,
                    "outer_kmark": e["kmark"] if e else None})
    return out


def _problem(verdict):
    return (verdict or {}).get("status") not in (None, "ok", "unverifiable")


def summarize(trace):
    """What the table and the outcome checks need from csum-trace's JSON."""
    summary = trace.get("summary", {})
    hops = {f"{h['from']}->{h['to']}": {"seen": h["seen"], "completed": h["completed"],
                                        "broken": h["broken"]}
            for h in summary.get("hops", []) if h.get("from")}
    outer_states = {}
    for p in trace.get("packets", []):
        for s in p.get("sightings", []):
            e = s.get("encap")
            if e:
                key = f"{s['point']}:{e['state']}"
                outer_states[key] = outer_states.get(key, 0) + 1
    syn, synack = _handshake_packet(trace, "S"), _handshake_packet(trace, "SA")
    packets = trace.get("packets", [])
    inner = next((p for p in packets if _problem(p.get("verdict"))), None)
    outer = next((p for p in packets if _problem(p.get("outer_verdict"))), None)
    if inner:
        verdict = forensics.describe_verdict(inner)
    elif outer:
        verdict = "outer " + forensics.describe_verdict(dict(outer, verdict=outer["outer_verdict"]))
    else:
        verdict = forensics.describe_verdict(packets[0]) if packets else "no packets"
    return {
        "trace": verdict,
        "trace_problems": summary.get("problems"),
        "packets": summary.get("packets"),
        "encapsulated": summary.get("encapsulated"),
        "outer_by_status": summary.get("outer_by_status"),
        "hops": hops,
        "outer_states": outer_states,
        "syn_path": _path(syn) if syn else None,
        "synack_path": _path(synack) if synack else None,
        "syn_verdict": (syn or {}).get("verdict"),
        "syn_outer_verdict": (syn or {}).get("outer_verdict"),
    }
