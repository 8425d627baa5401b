"""The lab's scenarios, one function each, in the order the story is told.

Each returns a table row (see handshake.run and veth_lesson.run). SCENARIOS lists them with
the outcome the story expects, so the lab can say when reality disagrees.
"""

from dataclasses import dataclass
from typing import Callable

from . import handshake, overlay as overlay_run, veth_lesson
from .switches import LinuxBridge, OvsUserspace, Switchyard
from .topology import Offloads


def linux_bridge(opts):
    """The kernel's bridge keeps each packet's checksum state: TCP works."""
    return handshake.run("linux-bridge", LinuxBridge(), Offloads(), opts)


def ovs(opts):
    """OVS's userspace datapath reads the veths with plain packet sockets, loses the partial
    mark and forwards the client's SYN unfinished: the container's kernel drops it."""
    return handshake.run("ovs", OvsUserspace(), Offloads(), opts)


def ovs_tso(opts):
    """With userspace-tso-enable OVS opens its sockets with the vnet header: it works."""
    return handshake.run("ovs-tso", OvsUserspace(tso=True), Offloads(), opts)


def switchyard_legacy(opts):
    """Switchyard ports with offload=legacy do what the old userspace datapath did."""
    return handshake.run("switchyard-legacy",
                         Switchyard(opts.switchyard_bin, offload="legacy"), Offloads(), opts)


def switchyard(opts):
    """Switchyard's userspace datapath (--no-kernel-fastpath): offloads stay on in both
    namespaces and TCP works."""
    return handshake.run("switchyard",
                         Switchyard(opts.switchyard_bin, kernel_fastpath=False), Offloads(), opts)


def switchyard_fastpath(opts):
    """Switchyard as shipped, with the kernel fast path: once it has learned both MACs, the
    kernel moves the connection's frames between the veths itself, partial checksums and
    super-frames intact."""
    return handshake.run("switchyard-fastpath",
                         Switchyard(opts.switchyard_bin, kernel_fastpath=True), Offloads(), opts)


def ovs_client_tx_off(opts):
    """The original's exact picture: the client sends complete checksums (as an outside
    host's NIC does), the container keeps TX offload on. The SYN gets through; the SYN/ACK
    leaves OVS holding the pseudo-header sum and the client drops it."""
    return handshake.run("ovs-client-tx-off", OvsUserspace(), Offloads(client_tx=False), opts)


def ovs_tx_off(opts):
    """The usual workaround, `ethtool -K eth0 tx off` in the container, on top of the
    original's situation: everything is finished in software before OVS sees it."""
    return handshake.run("ovs-tx-off", OvsUserspace(),
                         Offloads(client_tx=False, container_tx=False), opts)


SERVICE_IP = "10.200.0.100"
SERVICE_FLOWS = [
    "priority=0,actions=NORMAL",
    f"priority=200,tcp,nw_dst={SERVICE_IP},tp_dst=80,actions=mod_nw_dst:10.200.0.2,NORMAL",
    f"priority=200,tcp,nw_src=10.200.0.2,tp_src=80,actions=mod_nw_src:{SERVICE_IP},NORMAL",
]


def switchyard_rewrite(opts):
    """Switchyard with flows, offloads on: the client fetches the page from a service IP
    (10.200.0.100) that the switch's flows rewrite to the container's address, and the
    replies back. The partial checksums' pseudo-header seeds follow the rewritten addresses,
    so each receiver's kernel finishes them right: the page arrives, no checksum errors, and
    csum-trace finds every hop correct."""
    return handshake.run("switchyard-rewrite",
                         Switchyard(opts.switchyard_bin, flows=SERVICE_FLOWS,
                                    label="Switchyard, service-IP rewrite flows"),
                         Offloads(), opts, service_ip=SERVICE_IP)


def corruption_safe(opts):
    """--corrupt on a Switchyard port with the safe default: the receiver checks every
    checksum, drops corrupted segments, TCP retransmits, the file arrives intact."""
    return veth_lesson.run("corrupt-safe", unsafe_mark_verified=False, opts=opts)


def corruption_unsafe(opts):
    """The same with --unsafe-mark-verified (what veth did before Linux 3.14): packets
    arrive marked verified, nobody checks, the file arrives corrupted."""
    return veth_lesson.run("corrupt-unsafe", unsafe_mark_verified=True, opts=opts)


def overlay(opts):
    """The story across an overlay: two hosts (namespaces), each its own Switchyard daemon
    with a VXLAN port, a container on each with default offloads, a download between them.
    The client's partial checksums are finished by host A's switch before encapsulation (the
    far end of a tunnel cannot finish them), travel complete inside the tunnel, and are
    checked by the receiving container's kernel. The outer UDP checksum: host A's port
    (--csum) leaves it partial for the underlay NIC, the veth passes it on marked and host
    B's stack trusts the mark; host B's port sends zero, which nobody checks. csum-trace
    follows each packet container -> underlay -> container."""
    return overlay_run.run("overlay", opts)


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable
    table: str            # "handshake", "veth_lesson" or "overlay"
    expect_success: bool  # page fetched / file intact, as the story says

    @property
    def story(self):
        return " ".join(self.run.__doc__.split())


SCENARIOS = [
    Scenario("linux-bridge", linux_bridge, "handshake", True),
    Scenario("ovs", ovs, "handshake", False),
    Scenario("ovs-tso", ovs_tso, "handshake", True),
    Scenario("switchyard-legacy", switchyard_legacy, "handshake", False),
    Scenario("switchyard", switchyard, "handshake", True),
    Scenario("switchyard-fastpath", switchyard_fastpath, "handshake", True),
    Scenario("switchyard-rewrite", switchyard_rewrite, "handshake", True),
    Scenario("ovs-client-tx-off", ovs_client_tx_off, "handshake", False),
    Scenario("ovs-tx-off", ovs_tx_off, "handshake", True),
    Scenario("corrupt-safe", corruption_safe, "veth_lesson", True),
    Scenario("corrupt-unsafe", corruption_unsafe, "veth_lesson", False),
    Scenario("overlay", overlay, "overlay", True),
]
