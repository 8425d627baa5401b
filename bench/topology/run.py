#!/usr/bin/python3
"""Side-by-side benchmark of the switches on a container topology: the Linux bridge, OVS
userspace (default and userspace-tso-enable) and Switchyard (userspace datapath and kernel
fast path), measured in alternating rounds and compared with the Linux bridge of each round.

Rounds A B C A B C ...: every selected contender is measured once per round, on a topology
built afresh for it (K client/server pairs and N-2K idle containers, each a network
namespace with a veth into the switch). Each round's figure is divided by the Linux
bridge's figure of that same round; the table shows per contender and load the median of
those ratios, their range and IQR, and the absolute medians.

Loads, per round: TCP single-stream and 4-stream throughput (iperf3, one client per pair,
all pairs at once, summed); UDP 64-byte delivered packet rate and loss, then the loss when
the same flood is offered at the rate that contender delivered; ping RTT avg and
p99 (all pairs' pings pooled); the switch's CPU (% of one core, /proc/PID/stat) during each
load and when idle. A switch on which TCP fails with default offloads (OVS default) is
measured with TX offload off in the pairs' namespaces, the usual workaround, and the
output says so.

Usage: /usr/bin/python3 bench/topology/run.py [--rounds N] [--seconds S] [--switch NAME]...
       [--containers N] [--compare-containers M] [--pairs K] [--bridge-per-pair]
       [--switch-arg=ARG]... [--variant NAME=ARGS]...
       [--json FILE] [--plot FILE.png]
"""

import argparse
import importlib
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, REPO)
sys.path.insert(0, HERE)

import hosts  # noqa: E402
import rounds  # noqa: E402
from lab import system  # noqa: E402
from lab.switches import DEFAULT_SWITCHYARD, LinuxBridge, OvsUserspace, Switchyard  # noqa: E402

IPERF_PORT = 5201
SOCKET_BUFFER = "4M"  # so the UDP receiver's socket, not the switch, is rarely the bottleneck
IDLE_SECONDS = 2
SETTLE_SECONDS = 0.5  # between loads: let the previous load's queues drain
PING_COUNT = 200
PING_INTERVAL_S = 0.01


@dataclass(frozen=True)
class Contender:
    name: str
    label: str
    make: object  # callable(options) -> a switch of lab.switches


def switchyard(*daemon_args):
    """A Switchyard contender: its daemon with these options, then every --switch-arg."""
    return lambda opts: Switchyard(opts.switchyard,
                                   daemon_args=list(daemon_args) + opts.switch_args)


# One line per contender; a Switchyard variant is its daemon options (an option the binary
# does not offer makes that contender "not available", so a line can precede its feature).
CONTENDERS = [
    Contender("linux-bridge", "Linux bridge", lambda _: LinuxBridge()),
    Contender("ovs", "OVS userspace, default", lambda _: OvsUserspace()),
    Contender("ovs-tso", "OVS userspace, userspace-tso-enable", lambda _: OvsUserspace(tso=True)),
    Contender("switchyard", "Switchyard, default (kernel fast path)", switchyard()),
    Contender("switchyard-userspace", "Switchyard, userspace datapath",
              switchyard("--no-kernel-fastpath")),
]
BASELINE = "linux-bridge"

# --- running clients in every pair at once ------------------------------------------------


def run_parallel(commands, timeout):
    """Runs [(netns, argv)] all at once; their (returncode, stdout) in order. Whatever is
    still running when this returns (timeout, Ctrl-C) is killed."""
    procs = []
    try:
        for netns, argv in commands:
            procs.append(subprocess.Popen(system.in_netns(netns, argv), stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, text=True))
        deadline = time.monotonic() + timeout
        out = []
        for p in procs:
            try:
                stdout, _ = p.communicate(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise system.LabError(f"`{' '.join(p.args)}` did not finish within {timeout}s")
            out.append((p.returncode, stdout))
        return out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def iperf3_all(topo, args, seconds):
    """The iperf3 client of every pair at once; their JSON reports, or None if any failed."""
    client = ["iperf3", "-p", str(IPERF_PORT), "-J", "-t", str(seconds), "--connect-timeout",
              "3000", "-w", SOCKET_BUFFER] + args
    results = run_parallel([(p.client.netns, client + ["-c", p.server.ip]) for p in topo.pairs],
                           seconds + 30)
    reports = []
    for _, stdout in results:
        try:
            report = json.loads(stdout)
        except ValueError:
            return None
        if "error" in report:
            return None
        reports.append(report)
    return reports


def with_cpu(switch, fn):
    """Runs fn() and returns (its result, the switch's CPU % of one core meanwhile)."""
    pids = switch.pids()
    if not pids:
        return fn(), None
    meter = system.CpuMeter(pids)
    meter.start()
    result = fn()
    return result, meter.stop()


def tcp_gbps(switch, topo, streams, seconds):
    reports, cpu = with_cpu(switch, lambda: iperf3_all(topo, ["-P", str(streams)], seconds))
    if reports is None:
        return {"gbps": None, "cpu": cpu}
    return {"gbps": sum(r["end"]["sum_received"]["bits_per_second"] for r in reports) / 1e9,
            "cpu": cpu}


def udp_small(switch, topo, seconds, kpps=None):
    """64-byte UDP from every pair's client at once: as fast as the senders go, or `kpps`
    in all (shared evenly by the pairs; iperf3's -b counts the 64 payload bytes)."""
    rate = "0" if kpps is None else str(max(1, int(kpps * 1e3 / len(topo.pairs) * 64 * 8)))
    reports, cpu = with_cpu(switch, lambda: iperf3_all(topo, ["-u", "-l", "64", "-b", rate],
                                                       seconds))
    if reports is None:
        return {"kpps": None, "sent_kpps": None, "loss_pct": None, "cpu": cpu}
    received = [r["end"]["sum_received"] for r in reports]
    sent = sum(r["packets"] for r in received)
    lost = sum(r["lost_packets"] for r in received)
    kpps = sum((r["packets"] - r["lost_packets"]) / r["seconds"] for r in received) / 1e3
    sent_kpps = sum(r["packets"] / r["seconds"] for r in received) / 1e3
    return {"kpps": kpps, "sent_kpps": sent_kpps,
            "loss_pct": 100.0 * lost / sent if sent else None, "cpu": cpu}


def ping_rtt(topo):
    ping = ["ping", "-c", str(PING_COUNT), "-i", str(PING_INTERVAL_S), "-W", "1"]
    results = run_parallel([(p.client.netns, ping + [p.server.ip]) for p in topo.pairs],
                           PING_COUNT + 10)
    rtts = sorted(float(w[5:]) * 1000 for _, stdout in results for w in stdout.split()
                  if w.startswith("time="))
    if not rtts:
        return {"avg_us": None, "p99_us": None}
    return {"avg_us": statistics.fmean(rtts),
            "p99_us": rtts[min(len(rtts) - 1, int(0.99 * len(rtts)))]}


def idle_cpu(switch):
    _, cpu = with_cpu(switch, lambda: time.sleep(IDLE_SECONDS))
    return cpu

# --- one contender in one round -----------------------------------------------------------


def measure(switch, topo, seconds):
    """Every load once on a running switch: {raw key: figure or None}."""
    time.sleep(SETTLE_SECONDS)
    idle = idle_cpu(switch)
    time.sleep(SETTLE_SECONDS)
    tcp1 = tcp_gbps(switch, topo, 1, seconds)
    time.sleep(SETTLE_SECONDS)
    tcp4 = tcp_gbps(switch, topo, 4, seconds)
    time.sleep(SETTLE_SECONDS)
    udp = udp_small(switch, topo, seconds)
    time.sleep(SETTLE_SECONDS)
    paced = udp_small(switch, topo, seconds, udp["kpps"]) if udp["kpps"] else {}
    time.sleep(SETTLE_SECONDS)
    ping = ping_rtt(topo)
    return {"tcp1_gbps": tcp1["gbps"], "tcp4_gbps": tcp4["gbps"], "udp_kpps": udp["kpps"],
            "udp_loss_pct": udp["loss_pct"], "udp_paced_kpps": paced.get("sent_kpps"),
            "udp_paced_loss_pct": paced.get("loss_pct"), "ping_avg_us": ping["avg_us"],
            "ping_p99_us": ping["p99_us"], "cpu_tcp1_pct": tcp1["cpu"],
            "cpu_tcp4_pct": tcp4["cpu"], "cpu_udp_pct": udp["cpu"], "cpu_idle_pct": idle}


def with_topology(switch, pairs, idle, tx_offload, fn, bridge_per_pair=False):
    """Builds the topology, starts the switch on it and an iperf3 server per pair, runs
    fn(topology) and tears everything down (also on failure or Ctrl-C). `bridge_per_pair`:
    a Switchyard puts pair k on bridge brk (the idle containers stay with pair 0), so that
    its poll threads, which serve whole bridges, share the pairs."""
    with system.Cleanup() as cleanup:
        topo = hosts.build(cleanup, pairs, idle, client_tx=tx_offload, server_tx=tx_offload)
        if bridge_per_pair and isinstance(switch, Switchyard):
            switch.port_bridge = {h.port: f"br{k}" for k, p in enumerate(topo.pairs) if k
                                  for h in (p.client, p.server)}
        switch.start(topo.ports, cleanup)
        hosts.wait_for_forwarding(topo)
        for p in topo.pairs:
            system.start_process(["iperf3", "-s", "-p", str(IPERF_PORT)], cleanup,
                                 netns=p.server.netns, name=f"iperf3 server in {p.server.netns}")
        for p in topo.pairs:
            if not system.wait_until(lambda: system.tcp_listening(p.server.netns, IPERF_PORT),
                                     5):
                raise system.LabError(f"iperf3 server in {p.server.netns} did not start")
        return fn(topo)


def tcp_works(topo, seconds=1):
    return iperf3_all(topo, [], seconds) is not None


def probe(contender, opts):
    """Whether the contender can run here and whether TCP works through it with default
    offloads (one pair, no idle containers): the facts every round then relies on."""
    switch = contender.make(opts)
    info = {"name": contender.name, "label": label(contender, opts)}
    try:
        switch.check_available()
    except system.NotAvailable as e:
        return dict(info, available=False, note=f"not available: {e}")
    works = with_topology(switch, 1, 0, True, tcp_works)
    return dict(info, available=True, tcp_works_default_offloads=works,
                measured_with="default offloads" if works else
                "tx off in clients and servers")


def label(contender, opts):
    if isinstance(contender.make(opts), Switchyard) and opts.switch_args:
        return f"{contender.label} + {' '.join(opts.switch_args)}"
    return contender.label

# --- output -------------------------------------------------------------------------------


def render(report):
    s = report["settings"]
    lines = [f"{len(s['round_order'])} contender(s), {s['rounds']} round(s) of {s['seconds']}s "
             f"loads; {s['pairs']} pair(s), {s['containers']} containers attached "
             f"({s['idle_containers']} idle)"
             + ("; Switchyard: one bridge per pair" if s.get("bridge_per_pair") else "")
             + f"; order per round: {' '.join(s['round_order'])}", ""]
    for c in report["contenders"]:
        if not c["available"]:
            lines.append(f"  {c['name']}: {c['note']}")
            continue
        tcp = "yes" if c["tcp_works_default_offloads"] else "NO"
        failed = [i + 1 for i, r in enumerate(report["rounds"]) if c["name"] in r
                  and r[c["name"]].get("error")]
        lines.append(f"  {c['name']}: {c['label']}; TCP with default offloads: {tcp}; "
                     f"measured with {c['measured_with']}"
                     + (f"; FAILED in round(s) {failed}" if failed else ""))
    names = [c["name"] for c in report["contenders"] if c["available"]]
    lines += ["", rounds.render(report["summary"], names, BASELINE)]
    if "scale" in report:
        few = s["compare_containers"]
        lines += [f"With {few} containers attached (same rounds):", "",
                  rounds.render(report["summary_compare"], names, BASELINE),
                  rounds.render_scale(report["scale"], names, s["containers"], few)]
    lines.append(
        f"median = over the rounds; ratio = that contender's figure divided by the Linux "
        f"bridge's of the same round, median over the rounds, with its min-max and IQR. "
        f"CPU = the switch's processes, % of one core ('-' for the Linux bridge: kernel "
        f"forwarding, the bridge's or Switchyard's fast path, runs in softirq and is not in "
        f"it). Load average {s['load_average_before']:.1f} before, "
        f"{s['load_average_after']:.1f} after, on {s['cpus']} CPUs (anything else running "
        f"skews every number).")
    return "\n".join(lines)


def plot_title(report):
    s = report["settings"]
    return (f"{s['rounds']} rounds of {s['seconds']} s; {s['pairs']} pair(s), "
            f"{s['containers']} containers attached; load avg {s['load_average_before']:.1f}")

# --- main ---------------------------------------------------------------------------------


def parse_variant(text, taken):
    name, sep, args = text.partition("=")
    if not sep or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name) or name in taken:
        raise ValueError(f"--variant wants NEW-NAME=DAEMON-OPTIONS (a lower-case name not "
                         f"already used), got '{text}'")
    words = shlex.split(args)
    return Contender(name, f"Switchyard, daemon {' '.join(words)}".rstrip(), switchyard(*words))


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog="Example: --switch switchyard --containers 50 --pairs 2 --json out.json "
               "--plot out.png. Options for the Switchyard daemon start with dashes: write "
               "them with '=', e.g. --switch-arg=--busy-poll-us=100.")
    p.add_argument("--rounds", type=int, default=5,
                   help="rounds; each measures every contender once (default 5)")
    p.add_argument("--seconds", type=int, default=5, help="seconds per load (default 5)")
    p.add_argument("--switch", action="append", metavar="NAME",
                   help=f"only these contenders (repeatable; {BASELINE} is always included): "
                        + ", ".join(c.name for c in CONTENDERS))
    p.add_argument("--containers", type=int, metavar="N",
                   help="containers attached to the switch in all, the pairs' included: "
                        "N - 2K stay idle (default 2K, none idle)")
    p.add_argument("--pairs", type=int, default=1, metavar="K",
                   help="client/server pairs loaded at once; figures are their sum "
                        "(ping: pooled) (default 1)")
    p.add_argument("--compare-containers", type=int, metavar="M",
                   help="also measure every contender, in every round, with M containers "
                        "attached (at least 2K) and print how its figures with N compare "
                        "with those (the cost of idle ports)")
    p.add_argument("--bridge-per-pair", action="store_true",
                   help="Switchyard: one bridge per pair instead of all ports on br0 (the "
                        "daemon spreads bridges over its --poll-threads)")
    p.add_argument("--switch-arg", action="append", default=[], dest="switch_args",
                   metavar="ARG", help="an extra option for every Switchyard daemon "
                                       "(repeatable)")
    p.add_argument("--variant", action="append", default=[], metavar="NAME=ARGS",
                   help="one more Switchyard contender with these daemon options, e.g. "
                        "'--variant \"sy-ring=--af-packet-rx ring-v2\"' (repeatable)")
    p.add_argument("--json", metavar="FILE",
                   help="write every round's figures and the summary as JSON ('-': stdout, "
                        "instead of the table)")
    p.add_argument("--plot", metavar="FILE.png", help="draw the per-round ratios as a PNG")
    p.add_argument("--switchyard", default=os.environ.get("SWITCHYARD_BIN", DEFAULT_SWITCHYARD),
                   help="the switchyard binary")
    opts = p.parse_args(argv)
    if opts.rounds < 1 or opts.seconds < 1:
        p.error("--rounds and --seconds must be at least 1")
    if not 1 <= opts.pairs <= hosts.MAX_PAIRS:
        p.error(f"--pairs must be 1..{hosts.MAX_PAIRS}")
    if opts.containers is None:
        opts.containers = 2 * opts.pairs
    if not 2 * opts.pairs <= opts.containers <= 2 * opts.pairs + hosts.MAX_IDLE:
        p.error(f"--containers must be at least 2 x --pairs ({2 * opts.pairs}): the pairs' "
                "own containers count")
    if opts.compare_containers is not None and not (
            2 * opts.pairs <= opts.compare_containers <= 2 * opts.pairs + hosts.MAX_IDLE):
        p.error(f"--compare-containers must be at least 2 x --pairs ({2 * opts.pairs})")
    contenders = list(CONTENDERS)
    for text in opts.variant:
        try:
            contenders.append(parse_variant(text, {c.name for c in contenders}))
        except ValueError as e:
            p.error(str(e))
    known = {c.name for c in contenders}
    for name in opts.switch or []:
        if name not in known:
            p.error(f"--switch {name}: not a contender ({', '.join(sorted(known))})")
    opts.contenders = [c for c in contenders
                       if c.name == BASELINE or c.name in (opts.switch or [c.name])
                       or c.name in (v.partition("=")[0] for v in opts.variant)]
    if opts.plot:
        try:  # fail now, not after the rounds
            importlib.import_module("plot")
        except ImportError as e:
            p.error(f"--plot needs matplotlib (python3-matplotlib, scripts/setup.sh): {e}")
    return opts


def run_rounds(opts, available, report):
    """The rounds, in place in report["rounds"]; True if every measurement succeeded."""
    ok = True
    sizes = [("rounds", opts.containers)]
    if opts.compare_containers is not None:
        sizes.append(("rounds_compare", opts.compare_containers))
    for r, name in rounds.schedule([c.name for c in available], opts.rounds):
        c = next(c for c in available if c.name == name)
        tx = opts.tcp_default[name]
        for where, containers in sizes:  # A(N) A(M) B(N) B(M) ...: the same round for both
            rows = report.setdefault(where, [])
            if len(rows) <= r:
                rows.append({})
            system.log(f"bench: round {r + 1}/{opts.rounds}: {name}, {containers} containers")
            switch = c.make(opts)
            try:
                rows[r][name] = with_topology(
                    switch, opts.pairs, containers - 2 * opts.pairs, tx,
                    lambda topo: measure(switch, topo, opts.seconds), opts.bridge_per_pair)
            except system.LabError as e:
                system.log(f"bench: round {r + 1}: {name}: {e}")
                rows[r][name] = {"error": str(e)}
                ok = False
    return ok


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    opts.switchyard = os.path.abspath(opts.switchyard)
    report = {"settings": {
        "rounds": opts.rounds, "seconds": opts.seconds, "pairs": opts.pairs,
        "containers": opts.containers, "idle_containers": opts.containers - 2 * opts.pairs,
        "bridge_per_pair": opts.bridge_per_pair, "compare_containers": opts.compare_containers,
        "switch_args": opts.switch_args, "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg()[0]}, "contenders": [], "rounds": []}
    status = 0
    try:
        system.require_root()
        system.install_signal_handlers()
        with system.Cleanup() as cleanup:
            system.take_lab_lock(cleanup)
            for c in opts.contenders:
                system.log(f"bench: probing {c.name} ...")
                try:
                    report["contenders"].append(probe(c, opts))
                except system.LabError as e:
                    system.log(f"bench: {c.name}: {e}")
                    report["contenders"].append({"name": c.name, "label": label(c, opts),
                                                 "available": False, "note": f"failed: {e}"})
                    status = 1
            available = [c for c, info in zip(opts.contenders, report["contenders"])
                         if info["available"]]
            opts.tcp_default = {i["name"]: i["tcp_works_default_offloads"]
                                for i in report["contenders"] if i["available"]}
            if BASELINE not in opts.tcp_default:
                raise system.LabError(f"the baseline ({BASELINE}) does not run here")
            report["settings"]["round_order"] = [c.name for c in available]
            if not run_rounds(opts, available, report):
                status = 1
    except KeyboardInterrupt:
        system.log("bench: interrupted; cleaned up")
        return 130
    except system.LabError as e:  # no lock, not root, no baseline
        system.log(f"bench: {e}")
        return 1
    report["settings"]["load_average_after"] = os.getloadavg()[0]
    names = report["settings"]["round_order"]
    report["summary"] = rounds.summarize(report["rounds"], names, BASELINE)
    if opts.compare_containers is not None:
        compare = report.get("rounds_compare", [])
        report["summary_compare"] = rounds.summarize(compare, names, BASELINE)
        report["scale"] = rounds.scale(report["rounds"], compare, names)
    if opts.json and opts.json != "-":
        with open(opts.json, "w") as f:
            json.dump(report, f, indent=2)
    if opts.plot:
        import plot
        plot.write_png(opts.plot, report["summary"], names, BASELINE, plot_title(report))
    print(json.dumps(report, indent=2) if opts.json == "-" else render(report))
    return status


if __name__ == "__main__":
    sys.exit(main())
