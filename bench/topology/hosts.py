"""The benchmark's topology: K client/server pairs and any number of idle containers, each a
network namespace with one veth whose peer, in the root namespace, is a port of the switch
under test. All on one subnet, 10.200.0.0/16; nothing is routed anywhere else.

    sy-bench-c0 (10.200.1.1) --+                       +-- sy-bench-s0 (10.200.2.1)
    sy-bench-c1 (10.200.1.2) --+-- [ switch under test ] --+-- sy-bench-s1 (10.200.2.2)
    sy-bench-i0 (10.200.10.1) -+   (root namespace)
    ...

The root end of each veth has its namespace's name. IPv6 address generation is off on both
ends, so that idle containers are idle (no DAD, router solicitations or MLD floods while the
loads run); the loads are IPv4.
"""

import subprocess
from dataclasses import dataclass

from lab import system

PREFIX = "sy-bench-"
IFNAME = "eth0"
MASK = 16
MAX_PAIRS = 250
MAX_IDLE = 250 * 200


@dataclass(frozen=True)
class Host:
    netns: str  # also the name of its veth's root end, the switch port
    ip: str

    @property
    def port(self):
        return self.netns


@dataclass(frozen=True)
class Pair:
    client: Host
    server: Host


def plan(pairs, idle):
    """The hosts of `pairs` pairs and `idle` idle containers: (list of Pair, list of Host)."""
    if not 1 <= pairs <= MAX_PAIRS or not 0 <= idle <= MAX_IDLE:
        raise ValueError(f"pairs must be 1..{MAX_PAIRS}, idle containers 0..{MAX_IDLE}")
    return ([Pair(Host(f"{PREFIX}c{p}", f"10.200.1.{p + 1}"),
                  Host(f"{PREFIX}s{p}", f"10.200.2.{p + 1}")) for p in range(pairs)],
            [Host(f"{PREFIX}i{i}", f"10.200.{10 + i // 250}.{i % 250 + 1}")
             for i in range(idle)])


class Topology:
    def __init__(self, pairs, idle):
        self.pairs, self.idle = pairs, idle

    @property
    def hosts(self):
        return [h for p in self.pairs for h in (p.client, p.server)] + self.idle

    @property
    def ports(self):
        return [h.port for h in self.hosts]


def _batch(lines, netns=None, force=False):
    """Runs iproute2 commands in one process (`ip -batch`): hundreds of namespaces and
    veths are built and removed in a second instead of a minute."""
    if not lines:
        return
    argv = ["ip"] + (["-n", netns] if netns else []) + (["-force"] if force else []) + [
        "-batch", "-"]
    try:
        r = subprocess.run(argv, input="\n".join(lines) + "\n", capture_output=True, text=True,
                           timeout=120)
    except subprocess.TimeoutExpired as e:
        raise system.LabError(f"`{' '.join(argv)}` did not finish within 120s") from e
    if r.returncode != 0 and not force:
        raise system.LabError(f"`{' '.join(argv)}` failed: {(r.stderr or r.stdout).strip()}")


def remove(hosts):
    """Deletes the hosts' veths (root end: deleting it deletes both ends at once, so the
    name is free again right away) and then their namespaces, those that exist."""
    links = {line.split(":")[1].strip().split("@")[0]
             for line in system.run(["ip", "-o", "link", "show"]).stdout.splitlines()
             if ":" in line}
    _batch([f"link delete dev {h.port}" for h in hosts if h.port in links]
           + [f"netns delete {h.netns}" for h in hosts if system.netns_exists(h.netns)],
           force=True)


def build(cleanup, pairs, idle, client_tx=True, server_tx=True):
    """Creates the namespaces and veths (no switch yet) and returns the Topology.
    `client_tx`/`server_tx` False: TX checksum offload (and TSO) off in the pairs' clients
    or servers (the workaround for a switch that breaks TCP with default offloads)."""
    topo = Topology(*plan(pairs, idle))
    hosts = topo.hosts
    remove(hosts)  # leftovers of a killed run (the caller holds the lab lock)
    cleanup.push(f"remove {len(hosts)} benchmark namespaces", remove, hosts)
    _batch([f"netns add {h.netns}" for h in hosts])
    _batch([f"link add {h.port} type veth peer name {IFNAME} netns {h.netns}" for h in hosts]
           + [f"link set dev {h.port} addrgenmode none" for h in hosts]
           + [f"link set dev {h.port} up" for h in hosts])
    for h in hosts:
        _batch(["link set dev lo up", f"link set dev {IFNAME} addrgenmode none",
                f"addr add {h.ip}/{MASK} dev {IFNAME}", f"link set dev {IFNAME} up"],
               netns=h.netns)
    for p in topo.pairs:
        for host, tx in ((p.client, client_tx), (p.server, server_tx)):
            if not tx:
                system.set_tx_offload(IFNAME, False, host.netns)
    return topo


def ping_works(src, dst, timeout_s=1):
    r = system.run(["ping", "-c", "1", "-W", str(timeout_s), "-q", dst.ip], netns=src.netns,
                   check=False, timeout=timeout_s + 5)
    return r.returncode == 0


def wait_for_forwarding(topo, timeout=10):
    """Waits until every pair's client reaches its server (ICMP works even where TCP
    checksums break), so ARP and MAC learning are done before anything is measured."""
    for p in topo.pairs:
        if not system.wait_until(lambda: ping_works(p.client, p.server), timeout,
                                 interval=0.2):
            raise system.LabError(f"no ping from {p.client.ip} to {p.server.ip} within "
                                  f"{timeout}s: the switch does not forward")
