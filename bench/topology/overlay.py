#!/usr/bin/python3
"""Container to container across two hosts over VXLAN: Switchyard (one daemon per host, a
VXLAN tunnel port on each bridge) against the Linux kernel (a Linux bridge plus a vxlan
device on each host), measured in alternating rounds on topologies built afresh each time.

Hosts and containers are network namespaces (prefix sy-tn-bench-); the hosts are joined by
an underlay veth (MTU 1500), containers use MTU 1450 with their default offloads (TX checksum,
TSO on). Per round and contender: iperf3 TCP, one stream, container on host A to container
on host B, for S seconds. The table shows per contender the median Gbit/s and the median of
the per-round ratios Switchyard / kernel.

With --baseline OTHER_BINARY a third contender, another build of Switchyard (e.g. the
commit before a change), runs in the same rounds, and the ratio Switchyard / baseline is
printed too: a before/after comparison on the same machine load.

Usage: /usr/bin/python3 bench/topology/overlay.py --switchyard BUILD/apps/switchyard/switchyard
       [--baseline OTHER/switchyard] [--rounds N] [--seconds S] [--csum] [--ovs] [--json FILE]
--ovs adds Open vSwitch's userspace VXLAN as one more contender (bench/topology/overlay_ovs.py).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import overlay_ovs

P = "sy-tn-bench-"
HOSTS = ("ha", "hb")
UNDERLAY = {"ha": "172.31.252.1", "hb": "172.31.252.2"}
INNER = {"ha": "10.246.0.1", "hb": "10.246.0.2"}


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, **kw)


def ns(name):
    return P + name


def nsx(name, *args, **kw):
    return sh("ip", "netns", "exec", ns(name), *args, **kw)


def teardown(daemons=()):
    for d in daemons:
        d.kill()
        d.wait()
    for n in ("ha", "hb", "ca", "cb"):
        subprocess.run(["ip", "netns", "pids", ns(n)], capture_output=True)
        out = subprocess.run(["ip", "netns", "pids", ns(n)], capture_output=True, text=True).stdout
        for pid in out.split():
            subprocess.run(["kill", "-9", pid])
        subprocess.run(["ip", "netns", "del", ns(n)], capture_output=True)


def base_topology():
    for n in ("ha", "hb", "ca", "cb"):
        sh("ip", "netns", "add", ns(n))
        nsx(n, "ip", "link", "set", "lo", "up")
    sh("ip", "link", "add", "u0", "netns", ns("ha"), "type", "veth", "peer", "name", "u0",
       "netns", ns("hb"))
    for h in HOSTS:
        nsx(h, "ip", "addr", "add", UNDERLAY[h] + "/24", "dev", "u0")
        nsx(h, "ip", "link", "set", "u0", "up")


def other(h):
    return "hb" if h == "ha" else "ha"


def kernel_topology(csum):
    base_topology()
    for h, c in (("ha", "ca"), ("hb", "cb")):
        nsx(h, "ip", "link", "add", "br0", "type", "bridge")
        nsx(h, "ip", "link", "set", "br0", "up")
        nsx(h, "ip", "link", "add", "vx0", "type", "vxlan", "id", "42", "remote",
            UNDERLAY[other(h)], "local", UNDERLAY[h], "dstport", "4789",
            "udpcsum" if csum else "noudpcsum")
        nsx(h, "ip", "link", "set", "vx0", "master", "br0", "up")
        sh("ip", "link", "add", "c0", "netns", ns(h), "type", "veth", "peer", "name", "eth0",
           "netns", ns(c))
        nsx(h, "ip", "link", "set", "c0", "master", "br0", "up")
        nsx(c, "ip", "addr", "add", INNER[h] + "/24", "dev", "eth0")
        nsx(c, "ip", "link", "set", "eth0", "mtu", "1450", "up")
    return []


def switchyard_topology(binary, work, csum):
    base_topology()
    daemons = []
    for h, c in (("ha", "ca"), ("hb", "cb")):
        d = os.path.join(work, h)
        os.makedirs(d, exist_ok=True)
        env = dict(os.environ, SWITCHYARD_DIR=d)
        log = open(os.path.join(d, "daemon.log"), "a")
        daemons.append(subprocess.Popen(["ip", "netns", "exec", ns(h), binary, "daemon"],
                                        env=env, stdout=log, stderr=log))
        for _ in range(100):
            if subprocess.run([binary, "show"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        sy = lambda *a: sh(binary, *a, env=env, stdout=subprocess.DEVNULL)  # noqa: E731
        sy("add-br", "br0")
        sy("attach", "br0", ns(c), "--ip", INNER[h] + "/24", "--mtu", "1450")
        sy("add-port", "br0", "vx0", "--type", "vxlan", "--remote", UNDERLAY[other(h)],
           "--local", UNDERLAY[h], "--key", "42", *(["--csum"] if csum else []))
    return daemons


def iperf(seconds):
    server = subprocess.Popen(["ip", "netns", "exec", ns("cb"), "iperf3", "-s", "-1", "-B",
                               INNER["hb"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    nsx("ca", "ping", "-c", "2", "-i", "0.2", "-W", "2", INNER["hb"], stdout=subprocess.DEVNULL)
    out = nsx("ca", "iperf3", "-c", INNER["hb"], "-t", str(seconds), "-J",
              capture_output=True, text=True).stdout
    server.wait(timeout=10)
    return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e9


def spread(xs):
    """Median and range of a list, e.g. 'median 2.47 (1.90-2.95)'."""
    return f"median {statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchyard", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--baseline", help="another switchyard binary, measured in the same rounds")
    ap.add_argument("--csum", action="store_true", help="outer UDP checksum on, both sides")
    ap.add_argument("--ovs", action="store_true", help="also OVS userspace VXLAN (overlay_ovs.py)")
    ap.add_argument("--json")
    a = ap.parse_args()
    binaries = {"switchyard": os.path.abspath(a.switchyard)}
    if a.baseline:
        binaries["baseline"] = os.path.abspath(a.baseline)
    results = {"kernel": [], **{name: [] for name in binaries}}
    if a.ovs and overlay_ovs.missing():
        sys.exit(f"switchyard: --ovs needs {overlay_ovs.missing()}")
    if a.ovs:
        results["ovs"] = []
        ovs_hosts = {h: (c, UNDERLAY[h], UNDERLAY[other(h)], INNER[h])
                     for h, c in (("ha", "ca"), ("hb", "cb"))}
    teardown()
    work = tempfile.mkdtemp(prefix="sy-tn-bench.")
    try:
        names = list(results)
        for r in range(a.rounds):
            # Each round starts with another contender, so none always runs first or last.
            for name in names[r % len(names):] + names[:r % len(names)]:
                daemons = kernel_topology(a.csum) if name == "kernel" else \
                    overlay_ovs.ovs_topology(base_topology, nsx, ns, ovs_hosts, work, a.csum) \
                    if name == "ovs" else switchyard_topology(binaries[name], work, a.csum)
                try:
                    g = iperf(a.seconds)
                finally:
                    teardown(daemons)
                    shutil.rmtree(os.path.join(work, "ha"), ignore_errors=True)
                    shutil.rmtree(os.path.join(work, "hb"), ignore_errors=True)
                results[name].append(g)
                print(f"round {r + 1}: {name:<10} {g:6.2f} Gbit/s", flush=True)
    finally:
        teardown()
        shutil.rmtree(work, ignore_errors=True)
    ratios = [s / k for s, k in zip(results["switchyard"], results["kernel"])]
    print(f"kernel bridge+vxlan  {spread(results['kernel'])} Gbit/s")
    print(f"switchyard vxlan     {spread(results['switchyard'])} Gbit/s")
    print(f"ratio switchyard/kernel per round: {', '.join(f'{x:.2f}' for x in ratios)}; "
          f"{spread(ratios)}")
    base_ratios = []
    if a.baseline:
        kr = [b / k for b, k in zip(results["baseline"], results["kernel"])]
        base_ratios = [s / b for s, b in zip(results["switchyard"], results["baseline"])]
        print(f"baseline vxlan       {spread(results['baseline'])} Gbit/s")
        print(f"ratio baseline/kernel per round: {', '.join(f'{x:.2f}' for x in kr)}; "
              f"{spread(kr)}")
        print(f"ratio switchyard/baseline per round: {', '.join(f'{x:.2f}' for x in base_ratios)}; "
              f"{spread(base_ratios)}")
    if a.ovs:
        overlay_ovs.report(results)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "ratios": ratios, "baseline_ratios": base_ratios,
                       "csum": a.csum, "seconds": a.seconds}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
