"""Open vSwitch's userspace VXLAN as a contender of bench/topology/overlay.py: in each host
namespace a private ovsdb-server and ovs-vswitchd (own directory, database, sockets, pid
files; never the system's OVS), with the netdev (userspace) datapath only.

OVS's userspace tunnelling sends the encapsulated packet out of an OVS bridge, not through
the host's stack, so each host gets two bridges:
  br-phy: the underlay veth as a port, the host's underlay address on br-phy's internal
          interface (OVS's tunnel route and neighbour tables come from it);
  br-int: the container's veth and a vxlan port with options:remote_ip=PEER, key 42.

Open vSwitch 3.1 cannot carry a container's TCP with default offloads across a userspace
tunnel (measured, docs/tunnels.md): without other_config:userspace-tso-enable it forwards the
unfinished partial checksums (the receiver counts TcpInCsumErrors, no connection); with it,
vxlan push drops every packet that carries an offload flag ("Tunneling packets with HW
offload flags is not supported", coverage counter netdev_push_header_drops). So the
containers of this contender have TX checksum offload (and with it TSO) turned off: the
configuration in which OVS's userspace VXLAN works here at all.
"""

import os
import shutil
import signal
import statistics
import subprocess
import time

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
TOOLS = ("ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl")


def missing():
    """What this machine lacks to run the contender (None if nothing)."""
    for tool in TOOLS:
        if shutil.which(tool) is None:
            return f"{tool} (package openvswitch-switch)"
    if not os.path.exists(SCHEMA):
        return SCHEMA
    return None


class OvsDaemon:
    """One detached OVS daemon, stopped by the PID its own pid file names (the `daemons`
    protocol of overlay.py: kill(), then wait())."""

    def __init__(self, pid, name):
        self.pid = pid
        self.name = name

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def wait(self):
        for _ in range(100):  # not our child: poll until it is gone, then insist
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_host(netns, rundir, underlay_ip, prefixlen, remote_ip, container_port,
               tunnel_type="vxlan", key="42", options=()):
    """Private OVS in `netns` with br-phy (underlay) and br-int (container port, tunnel port
    t0). The underlay veth `u0` must exist in `netns`; its address moves to br-phy. Returns
    the daemons (ovs-vswitchd first) and a vsctl function."""
    os.makedirs(rundir, exist_ok=True)
    # Every default path of OVS points into the private directory.
    env = dict(os.environ, OVS_RUNDIR=rundir, OVS_LOGDIR=rundir, OVS_DBDIR=rundir,
               OVS_SYSCONFDIR=rundir)
    db = os.path.join(rundir, "conf.db")
    sock = os.path.join(rundir, "db.sock")
    nsx = ["ip", "netns", "exec", netns]

    def run(*args):
        subprocess.run(list(args), check=True, env=env, timeout=30,
                       stdout=subprocess.DEVNULL)

    def vsctl(*args, wait=True):
        run("ovs-vsctl", f"--db=unix:{sock}", "--timeout=15", *([] if wait else ["--no-wait"]),
            *args)

    daemons = []

    def daemon(program, *args):
        pidfile = os.path.join(rundir, f"{program}.pid")
        run(*nsx, program, *args, f"--pidfile={pidfile}",
            f"--unixctl={os.path.join(rundir, program + '.ctl')}",
            f"--log-file={os.path.join(rundir, program + '.log')}", "-vconsole:off", "--detach",
            "--no-chdir")
        with open(pidfile) as f:
            daemons.insert(0, OvsDaemon(int(f.read().strip()), program))

    try:
        run("ovsdb-tool", "create", db, SCHEMA)
        daemon("ovsdb-server", db, f"--remote=punix:{sock}")
        vsctl("init", wait=False)
        daemon("ovs-vswitchd", f"unix:{sock}")
        run(*nsx, "ip", "addr", "flush", "dev", "u0")
        run(*nsx, "ip", "link", "set", "u0", "up")
        vsctl("add-br", "br-phy", "--", "set", "bridge", "br-phy", "datapath_type=netdev",
              "--", "add-port", "br-phy", "u0")
        run(*nsx, "ip", "addr", "add", f"{underlay_ip}/{prefixlen}", "dev", "br-phy")
        run(*nsx, "ip", "link", "set", "br-phy", "up")
        vsctl("add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev",
              "--", "add-port", "br-int", container_port,
              "--", "add-port", "br-int", "t0", "--", "set", "interface", "t0",
              f"type={tunnel_type}", f"options:remote_ip={remote_ip}", f"options:key={key}",
              *[f"options:{o}" for o in options])
    except BaseException:
        stop(daemons)
        raise
    return daemons, vsctl


def stop(daemons):
    for d in daemons:
        d.kill()
        d.wait()


def ovs_topology(base_topology, nsx, ns, hosts, work, csum):
    """overlay.py's hook: the two-host topology with OVS userspace VXLAN on both hosts.
    `hosts` maps host -> (container, underlay ip, peer underlay ip, container ip)."""
    base_topology()
    daemons = []
    try:
        for h, (c, ip, peer, inner) in hosts.items():
            subprocess.run(["ip", "link", "add", "c0", "netns", ns(h), "type", "veth", "peer",
                            "name", "eth0", "netns", ns(c)], check=True)
            nsx(h, "ip", "link", "set", "c0", "up")
            nsx(c, "ip", "addr", "add", inner + "/24", "dev", "eth0")
            nsx(c, "ip", "link", "set", "eth0", "mtu", "1450", "up")
            # See the module's docstring: OVS 3.1's userspace tunnels need this.
            nsx(c, "ethtool", "-K", "eth0", "tx", "off", stdout=subprocess.DEVNULL)
            d, _ = start_host(ns(h), os.path.join(work, h, "ovs"), ip, 24, peer, "c0",
                              options=["csum=true"] if csum else [])
            daemons += d
    except BaseException:
        stop(daemons)
        raise
    return daemons


def report(results):
    """overlay.py's hook: the OVS contender's median, spread and per-round ratio to the
    kernel (containers with TX offload off, see above)."""
    ovs, kernel = results["ovs"], results["kernel"]
    ratios = [o / k for o, k in zip(ovs, kernel)]
    print(f"ovs userspace vxlan  {_spread(ovs)} Gbit/s (containers tx off)")
    print(f"ratio ovs/kernel per round: {', '.join(f'{x:.2f}' for x in ratios)}; "
          f"{_spread(ratios)}")


def _spread(xs):
    return f"median {statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"
