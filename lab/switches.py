"""The switches under test, each able to join the topology's two root-side veth ends:
the Linux bridge, Open vSwitch's userspace datapath run privately, and Switchyard.

Each has `check_available()` (raises NotAvailable with the missing piece), `start(ports,
cleanup)` and `pids()` (the processes whose CPU time is the switch's; empty for the kernel).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

from . import system
from .system import LabError, NotAvailable

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SWITCHYARD = os.path.join(REPO, "build", "apps", "switchyard", "switchyard")


class LinuxBridge:
    name = "linux-bridge"
    label = "Linux bridge"
    bridge = "sy-br0"

    def check_available(self):
        if shutil.which("ip") is None:
            raise NotAvailable("iproute2")

    def start(self, ports, cleanup):
        # Bridged frames must not detour through iptables while we measure (docs/lab.md).
        for table in ("iptables", "ip6tables", "arptables"):
            system.sysctl_override(f"net/bridge/bridge-nf-call-{table}", 0, cleanup)
        system.delete_link(self.bridge)
        system.run(["ip", "link", "add", self.bridge, "type", "bridge"])
        cleanup.push(f"delete bridge {self.bridge}", system.delete_link, self.bridge)
        for port in ports:
            system.run(["ip", "link", "set", port, "master", self.bridge])
        system.run(["ip", "link", "set", self.bridge, "up"])

    def pids(self):
        return []


class OvsUserspace:
    """Debian's Open vSwitch with the userspace (netdev) datapath and the veths as system
    ports, run from a private directory: its own ovsdb-server and ovs-vswitchd, never the
    system service. `tso=True` sets other_config:userspace-tso-enable=true, which makes OVS
    open its packet sockets with the vnet header (and so see partial checksums)."""

    bridge = "sy-ovs0"
    schema = "/usr/share/openvswitch/vswitch.ovsschema"

    def __init__(self, tso=False):
        self.tso = tso
        self.name = "ovs-tso" if tso else "ovs"
        self.label = "OVS userspace" + (", userspace-tso-enable" if tso else ", default")
        self._vswitchd_pid = None

    def check_available(self):
        for tool in ("ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl"):
            if shutil.which(tool) is None:
                raise NotAvailable(f"{tool} (openvswitch-switch)")
        if not os.path.exists(self.schema):
            raise NotAvailable(self.schema)
        # The userspace datapath's tap has one fixed name per network namespace: while
        # another ovs-vswitchd (the system's, someone else's private one) holds it, ours
        # cannot open its datapath and forwards nothing.
        others = _pids_named("ovs-vswitchd")
        if others and system.link_exists("ovs-netdev"):
            raise NotAvailable(f"another ovs-vswitchd (pid {', '.join(map(str, others))}) "
                               "holds the ovs-netdev tap")

    def start(self, ports, cleanup):
        rundir = tempfile.mkdtemp(prefix="sy-ovs-")
        cleanup.push(f"remove {rundir}", shutil.rmtree, rundir, True)
        # Every default path of OVS points into the private directory.
        env = dict(os.environ, OVS_RUNDIR=rundir, OVS_LOGDIR=rundir, OVS_DBDIR=rundir,
                   OVS_SYSCONFDIR=rundir)
        db = os.path.join(rundir, "conf.db")
        sock = os.path.join(rundir, "db.sock")
        taps_before = {t for t in (self.bridge, "ovs-netdev") if system.link_exists(t)}

        def vsctl(*args, wait=True):
            system.run(["ovs-vsctl", f"--db=unix:{sock}", "--timeout=15"]
                       + ([] if wait else ["--no-wait"]) + list(args), env=env, timeout=20)

        system.run(["ovsdb-tool", "create", db, self.schema], env=env)
        self._daemon(cleanup, env, rundir, "ovsdb-server",
                     [db, f"--remote=punix:{sock}"])
        vsctl("init", wait=False)
        if self.tso:  # read once at start-up, so it goes in before ovs-vswitchd starts
            vsctl("set", "Open_vSwitch", ".", "other_config:userspace-tso-enable=true",
                  wait=False)
        self._vswitchd_pid = self._daemon(cleanup, env, rundir, "ovs-vswitchd",
                                          [f"unix:{sock}"])
        for tap in (self.bridge, "ovs-netdev"):
            if tap not in taps_before:
                cleanup.push(f"delete {tap}", system.delete_link, tap)
        vsctl("add-br", self.bridge, "--", "set", "bridge", self.bridge,
              "datapath_type=netdev")
        # One transaction for all ports: one reconfiguration of ovs-vswitchd, not one each.
        adds = [w for port in ports for w in ("--", "add-port", self.bridge, port)]
        vsctl(*adds[1:])

    @staticmethod
    def _daemon(cleanup, env, rundir, program, args):
        pidfile = os.path.join(rundir, f"{program}.pid")
        system.run([program] + args + [
            f"--pidfile={pidfile}", f"--unixctl={os.path.join(rundir, program + '.ctl')}",
            f"--log-file={os.path.join(rundir, program + '.log')}", "--detach",
            "--no-chdir"], env=env, timeout=30)
        with open(pidfile) as f:
            pid = int(f.read().strip())
        cleanup.push(f"kill {program} (pid {pid})", system.kill_pid, pid)
        return pid

    def pids(self):
        return [self._vswitchd_pid] if self._vswitchd_pid else []


class Switchyard:
    """Our switch: its daemon in the foreground of a background process, configured with the
    CLI. `offload` is every port's add-port --offload value (None: the default);
    `port_options` maps a port to extra add-port arguments (the veth-lesson options);
    `kernel_fastpath`: None runs the daemon's default (the kernel fast path where eligible),
    True passes --kernel-fastpath, False --no-kernel-fastpath (the userspace datapath only);
    `daemon_args` are more options (each `--option` must be in `daemon --help`, else the
    switch is not available)."""

    bridge = "br0"

    def __init__(self, binary=None, offload=None, port_options=None, kernel_fastpath=None,
                 daemon_args=(), flows=None, label=None):
        self.binary = binary or os.environ.get("SWITCHYARD_BIN") or DEFAULT_SWITCHYARD
        self.offload = offload
        self.port_options = port_options or {}
        self.kernel_fastpath = kernel_fastpath
        self.daemon_args = list(daemon_args)
        datapath = {None: "", True: "-fastpath", False: "-userspace"}[kernel_fastpath]
        self.name = "switchyard" + (f"-{offload}" if offload else "") + datapath
        self.label = "Switchyard" + (f", offload={offload}" if offload else "") + {
            None: "" if offload else ", default", True: ", kernel fast path",
            False: ", userspace datapath"}[kernel_fastpath]
        self.flows = list(flows or [])  # ovs-ofctl flow lines installed after the ports
        # Port -> bridge for ports not on `bridge` (one bridge per pair: bridges are what the
        # daemon spreads over its poll threads). Flows go to `bridge` only.
        self.port_bridge = {}
        if flows:
            self.name += "-flows"
        if label:
            self.label = label
        self._daemon = None
        self.dir = None

    def _fastpath_args(self):
        return {None: [], True: ["--kernel-fastpath"],
                False: ["--no-kernel-fastpath"]}[self.kernel_fastpath]

    def check_available(self):
        if not os.access(self.binary, os.X_OK):
            raise NotAvailable(f"switchyard binary ({self.binary})")
        for verb in ("daemon", "add-br", "add-port", "stats") + (("add-flows",) if self.flows else ()):
            if not switchyard_has_verb(self.binary, verb):
                raise NotAvailable(f"switchyard {verb}")
        daemon_options = self._fastpath_args() + [
            a.partition("=")[0] for a in self.daemon_args if a.startswith("--")]
        if daemon_options:
            r = subprocess.run([self.binary, "daemon", "--help"], capture_output=True, text=True,
                               timeout=10)
            for option in daemon_options:
                # CLI11 lists a flag and its negation as "--flag,--no-flag{false}".
                if not re.search(rf"(^|[\s,]){re.escape(option)}($|[\s=,{{])", r.stdout,
                                 re.M):
                    raise NotAvailable(f"switchyard daemon {option}")
        r = subprocess.run([self.binary, "add-port", "--help"], capture_output=True, text=True,
                           timeout=10)
        wanted = ["--offload", self.offload] if self.offload else []
        for args in self.port_options.values():
            wanted += [a for a in args if a.startswith("--")]
        for word in wanted:
            if word not in r.stdout:
                raise NotAvailable(f"switchyard add-port {word}")

    def cli(self, *args, check=True, timeout=15):
        return system.run([self.binary, "--dir", self.dir] + list(args), check=check,
                          timeout=timeout)

    def start(self, ports, cleanup):
        self.dir = tempfile.mkdtemp(prefix="sy-lab-")
        cleanup.push(f"remove {self.dir}", shutil.rmtree, self.dir, True)
        log_path = os.path.join(self.dir, "daemon.log")
        log_file = open(log_path, "w")
        cleanup.push("close daemon log", log_file.close)
        daemon = [self.binary, "--dir", self.dir, "daemon"] + self._fastpath_args() + \
            self.daemon_args
        self._daemon = system.start_process(daemon,
                                            cleanup, stdout=log_file, stderr=log_file,
                                            name="switchyard daemon")

        def ready():
            if self._daemon.poll() is not None:
                raise LabError(f"switchyard daemon exited ({self._daemon.returncode}): "
                               + open(log_path).read().strip()[-500:])
            return self.cli("stats", "--json", check=False).returncode == 0
        if not system.wait_until(ready, 10):
            raise LabError("switchyard daemon did not answer `stats` within 10s")
        for bridge in dict.fromkeys([self.bridge] + list(self.port_bridge.values())):
            self.cli("add-br", bridge)
        for port in ports:
            args = ["add-port", self.port_bridge.get(port, self.bridge), port]
            if self.offload:
                args += ["--offload", self.offload]
            self.cli(*args, *self.port_options.get(port, []))
        if self.flows:
            path = os.path.join(self.dir, "lab.flows")
            with open(path, "w") as f:
                f.write("\n".join(self.flows) + "\n")
            self.cli("add-flows", self.bridge, path)

    def stats(self):
        r = self.cli("stats", "--json", check=False)
        try:
            return json.loads(r.stdout) if r.returncode == 0 else None
        except ValueError:
            return None

    def pids(self):
        return [self._daemon.pid] if self._daemon else []


def _pids_named(comm):
    """The pids of the processes whose command name is `comm`."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/comm") as f:
                if entry.isdigit() and f.read().strip() == comm:
                    pids.append(int(entry))
        except OSError:  # not a process, or gone meanwhile
            continue
    return pids


def switchyard_has_verb(binary, verb):
    """Whether the switchyard binary at `binary` offers `verb` (features land over time)."""
    if not os.access(binary, os.X_OK):
        return False
    r = subprocess.run([binary, verb, "--help"], capture_output=True, text=True, timeout=10)
    # CLI11 answers an unknown verb's --help with the top-level help: look at its usage line.
    usage = next((line for line in r.stdout.splitlines() if line.startswith("Usage:")), "")
    return r.returncode == 0 and f" {verb} " in usage + " "
