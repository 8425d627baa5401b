"""The one topology of the lab and the benchmark, described once.

    sy-client (10.200.0.1)                                   sy-ctr2 (10.200.0.2)
      eth0  <- point 3                                         eth0  <- point 1
       |                                                        |
     sy-c0 ---------------- [ switch under test ] ------------ sy-s0  <- point 2
                          (root namespace)

A client host and a container ("container2") running a web server, each a network namespace
with a veth whose peer sits in the root namespace, where the switch joins the two peers.
Point 1 is inside the container, point 2 the host side of the container's veth, point 3 the
client's side past the switch (what the client's kernel receives).
"""

from dataclasses import dataclass

from . import system


@dataclass(frozen=True)
class Host:
    role: str          # "client" or "container"
    netns: str
    ifname: str        # inside the namespace
    ip: str            # without prefix length
    prefix: int
    root_ifname: str   # the veth peer in the root namespace, a port of the switch

    @property
    def cidr(self):
        return f"{self.ip}/{self.prefix}"


CLIENT = Host("client", "sy-client", "eth0", "10.200.0.1", 24, "sy-c0")
CONTAINER = Host("container", "sy-ctr2", "eth0", "10.200.0.2", 24, "sy-s0")
HTTP_PORT = 80


@dataclass(frozen=True)
class CapturePoint:
    number: int
    description: str
    netns: str | None
    ifname: str

    @property
    def name(self):
        return f"p{self.number}"


POINTS = (
    CapturePoint(1, "container eth0", CONTAINER.netns, CONTAINER.ifname),
    CapturePoint(2, "host side of the container veth", None, CONTAINER.root_ifname),
    CapturePoint(3, "client side, past the switch", CLIENT.netns, CLIENT.ifname),
)


@dataclass(frozen=True)
class Offloads:
    """TX checksum offload (and with it TSO) of each namespace's eth0. On is the kernel's
    default for veth: the sender leaves partial checksums for someone else to finish."""
    client_tx: bool = True
    container_tx: bool = True
    # TSO alone off in the container (checksum offload stays on): the server then sends
    # MTU-sized partial packets instead of super-frames (the veth lesson needs that).
    container_tso: bool = True

    def describe(self):
        off = [h for h, on in (("client", self.client_tx), ("container", self.container_tx))
               if not on]
        parts = ["tx off in " + " and ".join(off)] if off else []
        if self.container_tx and not self.container_tso:
            parts.append("TSO off in container")
        return ", ".join(parts) or "default offloads"


def build(cleanup, offloads=Offloads()):
    """Creates both namespaces and veths (no switch yet) and returns the switch's ports."""
    for host in (CLIENT, CONTAINER):
        system.add_netns(host.netns, cleanup)
        system.add_veth_into_netns(host.root_ifname, host.netns, host.ifname, host.cidr,
                                   cleanup)
    if not offloads.client_tx:
        system.set_tx_offload(CLIENT.ifname, False, CLIENT.netns)
    if not offloads.container_tx:
        system.set_tx_offload(CONTAINER.ifname, False, CONTAINER.netns)
    elif not offloads.container_tso:
        system.run(["ethtool", "-K", CONTAINER.ifname, "tso", "off"], netns=CONTAINER.netns)
    return [CLIENT.root_ifname, CONTAINER.root_ifname]


def ping_works(count=1, timeout_s=1):
    r = system.run(["ping", "-c", str(count), "-W", str(timeout_s), "-q", CONTAINER.ip],
                   netns=CLIENT.netns, check=False, timeout=count * timeout_s + 5)
    return r.returncode == 0


def wait_for_forwarding(timeout=10):
    """Waits until the switch forwards (ICMP works even where TCP checksums break), so ARP
    and MAC learning are done before anything is measured."""
    if not system.wait_until(lambda: ping_works(), timeout, interval=0.2):
        raise system.LabError(f"no ping from {CLIENT.ip} to {CONTAINER.ip} within {timeout}s: "
                              "the switch does not forward")
