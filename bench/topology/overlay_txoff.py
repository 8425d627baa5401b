#!/usr/bin/python3
"""What TX checksum offload (and with it TSO) in the containers is worth to the kernel's own
overlay: overlay.py's kernel topology (Linux bridge plus vxlan device per host, outer UDP
checksum on) with the containers' default offloads and with `ethtool -K eth0 tx off`,
alternated round by round. The reference for overlay.py --ovs, whose OVS contender can only
run with the containers' TX offload off (overlay_ovs.py).

Usage: /usr/bin/python3 bench/topology/overlay_txoff.py [--rounds N] [--seconds S]
"""

import argparse
import statistics
import subprocess
import sys

import overlay


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    a = ap.parse_args()
    results = {"default": [], "tx off": []}
    overlay.teardown()
    try:
        for r in range(a.rounds):
            for name in results:
                overlay.kernel_topology(True)
                try:
                    if name == "tx off":
                        for c in ("ca", "cb"):
                            overlay.nsx(c, "ethtool", "-K", "eth0", "tx", "off",
                                        stdout=subprocess.DEVNULL)
                    g = overlay.iperf(a.seconds)
                finally:
                    overlay.teardown()
                results[name].append(g)
                print(f"round {r + 1}: kernel, containers {name:<8} {g:6.2f} Gbit/s", flush=True)
    finally:
        overlay.teardown()
    ratios = [t / d for t, d in zip(results["tx off"], results["default"])]
    for name, v in results.items():
        print(f"containers {name:<8} median {statistics.median(v):.2f} Gbit/s "
              f"(min {min(v):.2f}, max {max(v):.2f})")
    print(f"ratio tx off/default per round: {', '.join(f'{x:.2f}' for x in ratios)}; "
          f"median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    sys.exit(main())
