"""One run of the investigation: build the topology, start a switch, fetch the container's
web page with curl while tcpdump and `switchyard capture` record the three points, and
collect what the table shows. Scenarios differ only in the switch and the offloads."""

import os
import shutil
import tempfile
import time

from . import capture, forensics, system, topology
from .switches import switchyard_has_verb
from .system import NotAvailable
from .topology import CLIENT, CONTAINER, HTTP_PORT, POINTS

CURL_CONNECT_TIMEOUT_S = 3
CURL_MAX_TIME_S = 6


def start_web_server(cleanup, directory):
    """`python3 -m http.server` inside the container, serving `directory`."""
    proc = system.start_process(
        ["/usr/bin/python3", "-m", "http.server", str(HTTP_PORT), "--bind", CONTAINER.ip,
         "--directory", directory], cleanup, netns=CONTAINER.netns, name="http.server")
    if not system.wait_until(lambda: system.tcp_listening(CONTAINER.netns, HTTP_PORT), 10):
        raise system.LabError("http.server in the container did not start listening")
    return proc


def curl(path="/", output="/dev/null", max_time=CURL_MAX_TIME_S, ip=CONTAINER.ip):
    """Fetches http://IP/path (the container's by default) from the client; True if the
    page arrived."""
    r = system.run(["curl", "-s", "-f", "-o", output, "--connect-timeout",
                    str(CURL_CONNECT_TIMEOUT_S), "--max-time", str(max_time),
                    f"http://{ip}:{HTTP_PORT}{path}"],
                   netns=CLIENT.netns, check=False, timeout=max_time + 10)
    return r.returncode == 0


def csum_errors():
    """TcpInCsumErrors as each namespace's kernel counts it."""
    return {h.role: system.snmp_counter(h.netns, "Tcp", "InCsumErrors")
            for h in (CLIENT, CONTAINER)}


def run(scenario, switch, offloads, opts, service_ip=None):
    """Runs one scenario and returns its table row (a dict, see report.py). With
    `service_ip`, the client fetches the page from that address instead of the container's
    (the switch's flows rewrite it); the client resolves it to the container's MAC."""
    row = {"scenario": scenario, "switch": switch.label, "offloads": offloads.describe()}
    try:
        switch.check_available()
    except NotAvailable as e:
        return dict(row, available=False, note=f"not available yet: {e}")
    with system.Cleanup() as cleanup:
        workdir = tempfile.mkdtemp(prefix="sy-lab-run-")
        cleanup.push(f"remove {workdir}", shutil.rmtree, workdir, True)
        with open(os.path.join(workdir, "index.html"), "w") as f:
            f.write("<h1>hello from container2</h1>\n")

        ports = topology.build(cleanup, offloads)
        switch.start(ports, cleanup)
        topology.wait_for_forwarding()
        start_web_server(cleanup, workdir)
        if service_ip:
            mac = system.link_mac(CONTAINER.ifname, netns=CONTAINER.netns)
            system.run(["ip", "neigh", "replace", service_ip, "lladdr", mac, "dev",
                        CLIENT.ifname, "nud", "permanent"], netns=CLIENT.netns)
            row["service_ip"] = service_ip

        tcpdumps = [capture.Tcpdump(p, os.path.join(workdir, f"{p.name}.pcap")) for p in POINTS]
        marks = []
        if switchyard_has_verb(opts.switchyard_bin, "capture"):
            marks = [capture.SwitchyardCapture(p, os.path.join(workdir, f"{p.name}.pcapng"),
                                               opts.switchyard_bin) for p in POINTS]
        before = csum_errors()
        for c in tcpdumps + marks:
            c.start(cleanup)
        page = curl(ip=service_ip or CONTAINER.ip)
        time.sleep(0.3)  # let the last segments reach the capture files
        for c in tcpdumps + marks:
            c.stop()
        after = csum_errors()
        fast = _fastpath_frames(switch)
        if fast is not None:
            row["fastpath_frames"] = fast

        row.update(available=True, page=page,
                   csum_errors={k: after[k] - before[k] for k in after})
        row.update(_checksums_from_tcpdump(tcpdumps))
        row.update(_kernel_marks(opts, marks))
        if opts.keep_captures:
            _keep(opts.keep_captures, scenario, tcpdumps + marks)
    return row


def _fastpath_frames(switch):
    """Frames Switchyard's kernel fast path forwarded (None for other switches or without it)."""
    stats = switch.stats() if getattr(switch, "kernel_fastpath", False) else None
    if not stats:
        return None
    return sum(p.get("kernel_fastpath", {}).get("rx_packets", 0)
               for b in stats.get("bridges", []) for p in b.get("ports", []))


def _checksums_from_tcpdump(tcpdumps):
    """The first SYN/ACK's checksum at every point and the first SYN's at point 3."""
    synack, syn_p3 = {}, None
    for c in tcpdumps:
        segments = capture.read_tcp_segments(c.path)
        first = next((s for s in segments if s.is_synack and s.sport == HTTP_PORT), None)
        if first:
            synack[c.point.name] = {"csum": f"0x{first.csum:04x}", "kind": first.csum_kind}
        if c.point.number == 3:
            syn = next((s for s in segments if s.is_syn and s.dport == HTTP_PORT), None)
            if syn:
                syn_p3 = {"csum": f"0x{syn.csum:04x}", "kind": syn.csum_kind,
                          "pseudo_sum": f"0x{syn.pseudo_sum:04x}"}
    return {"synack": synack, "syn_p3": syn_p3}


def _kernel_marks(opts, marks):
    """The kernel's mark for the SYN/ACK at each point and for the SYN at point 3, read from
    the `switchyard capture` files, and csum-trace's verdict over them."""
    if not marks:
        return {"marks": None, "trace": "not available yet: switchyard capture"}
    found = {"SYN/ACK": {}, "SYN": {}}
    for c in marks:
        segments = capture.read_tcp_segments(c.path)
        synack = next((s for s in segments if s.is_synack and s.sport == HTTP_PORT), None)
        syn = next((s for s in segments if s.is_syn and s.dport == HTTP_PORT), None)
        if synack:
            found["SYN/ACK"][c.point.name] = synack.kmark
        if syn:
            found["SYN"][c.point.name] = syn.kmark
    return {"marks": found, "trace": _verdict(opts, {c.point.name: c.path for c in marks})}


def _verdict(opts, files):
    if not switchyard_has_verb(opts.switchyard_bin, "csum-trace"):
        return "not available yet: switchyard csum-trace"
    try:
        trace = forensics.run_csum_trace(opts.switchyard_bin, files)
    except system.LabError as e:
        return f"error: {e}"
    culprit = forensics.first_failure(trace)
    return forensics.describe_verdict(culprit) if culprit else "no packets"


def _keep(directory, scenario, captures):
    target = os.path.join(directory, scenario)
    os.makedirs(target, exist_ok=True)
    for c in captures:
        shutil.copy(c.path, target)
