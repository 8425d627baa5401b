#!/usr/bin/python3
"""Side-by-side benchmark of the switches on the lab's topology (issue 6): Linux bridge, OVS
userspace (default and userspace-tso-enable), Switchyard, each measured in the same
invocation and compared with the Linux bridge of that same run.

Per switch: does TCP work with default offloads; TCP single-stream and 4-stream throughput
(iperf3); UDP 64-byte delivered packet rate and loss; ping RTT avg and p99; the switch's CPU
(% of one core, from /proc/PID/stat) during each load and when idle. Medians of --runs runs.
A switch on which TCP fails with default offloads (OVS default) is measured with TX offload
off in both namespaces, the usual workaround, and the table says so.

Usage: /usr/bin/python3 bench/topology/run.py [--runs N] [--seconds S] [--switch NAME]... [--json]
"""

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO)

from lab import system, topology  # noqa: E402
from lab.switches import DEFAULT_SWITCHYARD, LinuxBridge, OvsUserspace, Switchyard  # noqa: E402
from lab.topology import CLIENT, CONTAINER, Offloads  # noqa: E402

IPERF_PORT = 5201
SOCKET_BUFFER = "4M"  # so the UDP receiver's socket, not the switch, is rarely the bottleneck
IDLE_SECONDS = 2
PING_COUNT = 200
PING_INTERVAL_S = 0.01


@dataclass(frozen=True)
class Config:
    name: str
    make_switch: object  # callable(switchyard_bin) -> switch


CONFIGS = [
    Config("linux-bridge", lambda _: LinuxBridge()),
    Config("ovs", lambda _: OvsUserspace()),
    Config("ovs-tso", lambda _: OvsUserspace(tso=True)),
    Config("switchyard", lambda binary: Switchyard(binary)),
    Config("switchyard-fastpath", lambda binary: Switchyard(binary, kernel_fastpath=True)),
]
BASELINE = "linux-bridge"

# --- one measurement each -----------------------------------------------------------------


def iperf3(args, seconds):
    """Runs the iperf3 client in the client namespace; its JSON report, or None on failure."""
    r = system.run(["iperf3", "-c", CONTAINER.ip, "-p", str(IPERF_PORT), "-J", "-t",
                    str(seconds), "--connect-timeout", "3000", "-w", SOCKET_BUFFER] + args,
                   netns=CLIENT.netns, check=False, timeout=seconds + 30)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        return None
    return None if "error" in report else report


def with_cpu(switch, fn):
    """Runs fn() and returns (its result, the switch's CPU % of one core meanwhile)."""
    pids = switch.pids()
    if not pids:
        return fn(), None
    meter = system.CpuMeter(pids)
    meter.start()
    result = fn()
    return result, meter.stop()


def tcp_gbps(switch, streams, seconds):
    report, cpu = with_cpu(switch, lambda: iperf3(["-P", str(streams)], seconds))
    if report is None:
        return {"gbps": None, "cpu": cpu}
    return {"gbps": report["end"]["sum_received"]["bits_per_second"] / 1e9, "cpu": cpu}


def udp_small(switch, seconds):
    report, cpu = with_cpu(switch, lambda: iperf3(["-u", "-l", "64", "-b", "0"], seconds))
    if report is None:
        return {"kpps": None, "loss_pct": None, "cpu": cpu}
    received = report["end"]["sum_received"]
    delivered = received["packets"] - received["lost_packets"]
    return {"kpps": delivered / received["seconds"] / 1e3,
            "loss_pct": received["lost_percent"], "cpu": cpu}


def ping_rtt():
    r = system.run(["ping", "-c", str(PING_COUNT), "-i", str(PING_INTERVAL_S), "-W", "1",
                    CONTAINER.ip], netns=CLIENT.netns, check=False, timeout=PING_COUNT + 10)
    rtts = sorted(float(w[5:]) * 1000 for w in r.stdout.split() if w.startswith("time="))
    if not rtts:
        return {"avg_us": None, "p99_us": None}
    return {"avg_us": statistics.fmean(rtts),
            "p99_us": rtts[min(len(rtts) - 1, int(0.99 * len(rtts)))]}


def idle_cpu(switch):
    _, cpu = with_cpu(switch, lambda: time.sleep(IDLE_SECONDS))
    return cpu


def tcp_works(seconds=1):
    return iperf3([], seconds) is not None

# --- one switch ---------------------------------------------------------------------------


def one_run(switch, seconds):
    time.sleep(0.5)  # let the previous load's queues drain
    idle = idle_cpu(switch)
    tcp1 = tcp_gbps(switch, 1, seconds)
    tcp4 = tcp_gbps(switch, 4, seconds)
    udp = udp_small(switch, seconds)
    ping = ping_rtt()
    return {"tcp1_gbps": tcp1["gbps"], "tcp4_gbps": tcp4["gbps"], "udp_kpps": udp["kpps"],
            "udp_loss_pct": udp["loss_pct"], "ping_avg_us": ping["avg_us"],
            "ping_p99_us": ping["p99_us"], "cpu_tcp1_pct": tcp1["cpu"],
            "cpu_tcp4_pct": tcp4["cpu"], "cpu_udp_pct": udp["cpu"], "cpu_idle_pct": idle}


def with_topology(switch, offloads, fn):
    """Builds the topology with `offloads`, starts the switch and an iperf3 server, runs
    fn() and tears everything down."""
    with system.Cleanup() as cleanup:
        ports = topology.build(cleanup, offloads)
        switch.start(ports, cleanup)
        topology.wait_for_forwarding()
        system.start_process(["iperf3", "-s", "-p", str(IPERF_PORT)], cleanup,
                             netns=CONTAINER.netns, name="iperf3 server")
        if not system.wait_until(lambda: system.tcp_listening(CONTAINER.netns, IPERF_PORT), 5):
            raise system.LabError("iperf3 server did not start")
        return fn()


def bench_switch(config, args):
    switch = config.make_switch(args.switchyard)
    result = {"switch": config.name, "label": switch.label}
    try:
        switch.check_available()
    except system.NotAvailable as e:
        return dict(result, available=False, note=f"not available yet: {e}")
    works = with_topology(switch, Offloads(), tcp_works)
    offloads = Offloads() if works else Offloads(client_tx=False, container_tx=False)
    runs = with_topology(switch, offloads,
                         lambda: [one_run(switch, args.seconds) for _ in range(args.runs)])
    medians = {k: _median([r[k] for r in runs]) for k in runs[0]}
    return dict(result, available=True, tcp_works_default_offloads=works,
                measured_with=offloads.describe(), runs=runs, median=medians)


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def add_ratios(results):
    """Each metric's median divided by the Linux bridge's median of the same run."""
    base = next((r for r in results if r["switch"] == BASELINE and r.get("available")), None)
    for r in results:
        if not r.get("available") or base is None:
            continue
        r["ratio_to_bridge"] = {
            k: (v / base["median"][k] if v is not None and base["median"].get(k) else None)
            for k, v in r["median"].items()}

# --- output -------------------------------------------------------------------------------


def _num(value, fmt, ratio=None):
    if value is None:
        return "-"
    text = format(value, fmt)
    return text + (f" ({ratio:.2f}x)" if ratio is not None else "")


def render_table(results, args):
    headers = ["switch", "TCP w/ default offloads", "measured with", "TCP 1 Gbit/s",
               "TCP 4 Gbit/s", "UDP 64B kpps", "UDP loss %", "ping avg us", "ping p99 us",
               "CPU % tcp1/tcp4/udp/idle"]
    rows = []
    for r in results:
        if not r.get("available"):
            rows.append([r["switch"], r["note"]])
            continue
        m, q = r["median"], r.get("ratio_to_bridge", {})
        cpu = "/".join(_num(m[k], ".0f") for k in ("cpu_tcp1_pct", "cpu_tcp4_pct",
                                                    "cpu_udp_pct", "cpu_idle_pct"))
        rows.append([r["switch"], "yes" if r["tcp_works_default_offloads"] else "NO",
                     r["measured_with"], _num(m["tcp1_gbps"], ".2f", q.get("tcp1_gbps")),
                     _num(m["tcp4_gbps"], ".2f", q.get("tcp4_gbps")),
                     _num(m["udp_kpps"], ".0f", q.get("udp_kpps")),
                     _num(m["udp_loss_pct"], ".1f"),
                     _num(m["ping_avg_us"], ".0f", q.get("ping_avg_us")),
                     _num(m["ping_p99_us"], ".0f", q.get("ping_p99_us")),
                     "kernel" if m["cpu_idle_pct"] is None else cpu])
    full = [headers] + [row for row in rows if len(row) == len(headers)]
    widths = [max(len(str(row[i])) for row in full) for i in range(len(headers))]
    lines = []
    for row in [headers, ["-" * w for w in widths]] + rows:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths)] + [str(row[-1])]
        lines.append("  ".join(cells).rstrip())
    lines.append(f"\nMedians of {args.runs} run(s) of {args.seconds}s each; (N.NNx) = ratio "
                 "to the Linux bridge measured in this invocation. CPU = the switch's "
                 "processes, % of one core (kernel forwarding, the bridge's or Switchyard's "
                 "fast path, runs in softirq and is not in it).")
    lines.append(f"Load average before the run: {args.load_before:.1f} on {os.cpu_count()} CPUs "
                 "(anything else running skews every number).")
    return "\n".join(lines)


def parse_args(argv):
    names = [c.name for c in CONFIGS]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3, help="runs per switch (median), default 3")
    p.add_argument("--seconds", type=int, default=10, help="seconds per load, default 10")
    p.add_argument("--switch", action="append", choices=names,
                   help=f"only these switches (repeatable; {BASELINE} is always included)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    p.add_argument("--switchyard", default=os.environ.get("SWITCHYARD_BIN", DEFAULT_SWITCHYARD),
                   help="the switchyard binary")
    args = p.parse_args(argv)
    if args.runs < 1 or args.seconds < 1:
        p.error("--runs and --seconds must be at least 1")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.switchyard = os.path.abspath(args.switchyard)
    args.load_before = os.getloadavg()[0]
    selected = [c for c in CONFIGS
                if not args.switch or c.name in args.switch or c.name == BASELINE]
    results, status = [], 0
    try:
        system.require_root()
        system.install_signal_handlers()
        with system.Cleanup() as cleanup:
            system.take_lab_lock(cleanup)
            for config in selected:
                system.log(f"bench: {config.name} ...")
                try:
                    results.append(bench_switch(config, args))
                except system.LabError as e:
                    system.log(f"bench: {config.name}: {e}")
                    results.append({"switch": config.name, "available": False,
                                    "note": f"failed: {e}"})
                    status = 1
    except KeyboardInterrupt:
        system.log("bench: interrupted; cleaned up")
        return 130
    except system.LabError as e:  # no lock, not root
        system.log(f"bench: {e}")
        return 1
    add_ratios(results)
    print(json.dumps({"runs": args.runs, "seconds": args.seconds,
                      "load_average_before": args.load_before, "switches": results},
                     indent=2) if args.json else render_table(results, args))
    return status


if __name__ == "__main__":
    sys.exit(main())
