"""Host plumbing shared by the lab and the topology benchmark: commands, network namespaces,
veth pairs, background processes, sysctls, kernel counters and CPU time.

Everything that changes the machine registers its undo step on a `Cleanup` stack, so a run
leaves nothing behind whether it ends normally, fails, or is interrupted with Ctrl-C.
"""

import fcntl
import json
import os
import selectors
import signal
import subprocess
import sys
import time

LOCK_PATH = "/run/switchyard-lab.lock"


class LabError(Exception):
    """A step of the lab failed in a way the user should read (not a bug in the lab)."""


class NotAvailable(Exception):
    """A feature a scenario needs is not there (yet): the scenario reports it and moves on."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def in_netns(netns, argv):
    """The command line that runs `argv` inside network namespace `netns` (None: the root one)."""
    return list(argv) if netns is None else ["ip", "netns", "exec", netns] + list(argv)


def run(argv, netns=None, check=True, timeout=30, env=None, cwd=None):
    """Runs a command to completion and returns its CompletedProcess (text output captured)."""
    argv = in_netns(netns, argv)
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        raise LabError(f"`{' '.join(argv)}` did not finish within {timeout}s") from e
    except FileNotFoundError as e:
        raise LabError(f"`{argv[0]}` is not installed (run scripts/setup.sh)") from e
    if check and result.returncode != 0:
        raise LabError(f"`{' '.join(argv)}` failed ({result.returncode}): "
                       f"{(result.stderr or result.stdout).strip()}")
    return result


class Cleanup:
    """A stack of undo steps, run in reverse order on exit. A failing step is reported and
    the remaining steps still run. SIGTERM and SIGHUP are turned into KeyboardInterrupt so
    `with Cleanup()` blocks unwind on them as on Ctrl-C."""

    def __init__(self):
        self._steps = []

    def push(self, description, fn, *args, **kwargs):
        self._steps.append((description, fn, args, kwargs))

    def run_all(self):
        while self._steps:
            description, fn, args, kwargs = self._steps.pop()
            try:
                fn(*args, **kwargs)
            except Exception as e:  # keep undoing the rest
                log(f"cleanup: {description}: {e}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # A second Ctrl-C during cleanup must not leave half of it undone.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.run_all()
        finally:
            signal.signal(signal.SIGINT, old)
        return False


def _raise_interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def install_signal_handlers():
    # SIGINT explicitly too: a shell starts background jobs with SIGINT ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupt)


def require_root():
    if os.geteuid() != 0:
        raise LabError("the lab builds network namespaces: run it as root (bash scripts/lab.sh)")


def take_lab_lock(cleanup):
    """Only one lab or benchmark at a time: they use the same namespace and interface names.
    Holding the lock also makes it safe to remove leftovers of a run that was killed -9."""
    fd = os.open(LOCK_PATH, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + 600
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LabError(f"another lab or benchmark holds {LOCK_PATH}")
            time.sleep(1)
    cleanup.push("release lab lock", os.close, fd)


# --- namespaces and links --------------------------------------------------------------

def netns_exists(name):
    return os.path.exists(f"/run/netns/{name}")


def link_exists(ifname, netns=None):
    return run(["ip", "link", "show", "dev", ifname], netns=netns, check=False).returncode == 0


def link_mac(ifname, netns=None):
    """The link's MAC address, e.g. "02:00:00:00:00:02"."""
    out = run(["ip", "-j", "link", "show", "dev", ifname], netns=netns).stdout
    return json.loads(out)[0]["address"]


def delete_netns(name):
    if netns_exists(name):
        # Processes left in it would keep it alive; the caller kills its own by pid first.
        run(["ip", "netns", "delete", name])


def delete_link(ifname):
    if link_exists(ifname):
        run(["ip", "link", "delete", "dev", ifname])


def add_netns(name, cleanup):
    delete_netns(name)  # a leftover of a killed run (we hold the lab lock)
    run(["ip", "netns", "add", name])
    cleanup.push(f"delete netns {name}", delete_netns, name)
    run(["ip", "link", "set", "lo", "up"], netns=name)


def add_veth_into_netns(root_ifname, netns, inner_ifname, cidr, cleanup):
    """A veth pair: `root_ifname` stays in the root namespace, its peer becomes
    `inner_ifname` with address `cidr` inside `netns`."""
    delete_link(root_ifname)
    temp = root_ifname + "p"
    run(["ip", "link", "add", root_ifname, "type", "veth", "peer", "name", temp])
    cleanup.push(f"delete veth {root_ifname}", delete_link, root_ifname)
    run(["ip", "link", "set", temp, "netns", netns])
    run(["ip", "link", "set", temp, "name", inner_ifname], netns=netns)
    run(["ip", "addr", "add", cidr, "dev", inner_ifname], netns=netns)
    run(["ip", "link", "set", inner_ifname, "up"], netns=netns)
    run(["ip", "link", "set", root_ifname, "up"])


def set_tx_offload(ifname, enabled, netns=None):
    """`ethtool -K IF tx on|off` (off also turns off TSO, as the kernel requires)."""
    run(["ethtool", "-K", ifname, "tx", "on" if enabled else "off"], netns=netns)


def sysctl_override(path, value, cleanup):
    """Writes `value` to /proc/sys/`path` if it exists, restoring the old value on cleanup."""
    full = os.path.join("/proc/sys", path)
    if not os.path.exists(full):
        return
    with open(full) as f:
        old = f.read().strip()
    if old == str(value):
        return
    with open(full, "w") as f:
        f.write(str(value))

    def restore():
        with open(full, "w") as f:
            f.write(old)
    cleanup.push(f"restore {path}={old}", restore)


# --- processes ---------------------------------------------------------------------------

def start_process(argv, cleanup, netns=None, stdout=None, stderr=None, cwd=None, env=None,
                  name=None):
    """Starts a background process (in `netns`) and registers killing it, by its pid."""
    full = in_netns(netns, argv)
    try:
        proc = subprocess.Popen(full, stdout=stdout or subprocess.DEVNULL,
                                stderr=stderr or subprocess.DEVNULL, cwd=cwd, env=env,
                                text=True, start_new_session=True)
    except FileNotFoundError as e:
        raise LabError(f"`{argv[0]}` is not installed (run scripts/setup.sh)") from e
    cleanup.push(f"stop {name or argv[0]} (pid {proc.pid})", stop_process, proc)
    return proc


def stop_process(proc, sig=signal.SIGTERM, grace=3.0):
    """Stops a process we started: `sig`, then SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        proc.send_signal(sig)
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=5)


def _alive(pid):
    """True while `pid` runs. A zombie counts as gone: a daemon that detached itself is
    reparented to PID 1, which may be slow (or never) to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def kill_pid(pid, grace=3.0):
    """Stops a daemon that detached itself (we know it only by its pid file)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if wait_until(lambda: not _alive(pid), grace, interval=0.05):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_for_stderr_line(proc, needle, timeout):
    """Reads the process's stderr (a pipe) until a line contains `needle`; returns the lines
    read. Raises LabError if the process exits or the time runs out first."""
    lines = []
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LabError(f"`{' '.join(proc.args)}` did not print '{needle}' "
                               f"within {timeout}s: {''.join(lines).strip()}")
            if not sel.select(left):
                continue
            line = proc.stderr.readline()
            if not line:
                raise LabError(f"`{' '.join(proc.args)}` exited: {''.join(lines).strip()}")
            lines.append(line)
            if needle in line:
                return lines
    finally:
        sel.close()


def wait_until(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def tcp_listening(netns, port):
    out = run(["ss", "-Hltn", f"sport = :{port}"], netns=netns, check=False).stdout
    return bool(out.strip())


# --- measurements ------------------------------------------------------------------------

def snmp_counter(netns, proto, field):
    """A counter of /proc/net/snmp as seen inside `netns` (e.g. Tcp InCsumErrors)."""
    text = run(["cat", "/proc/net/snmp"], netns=netns).stdout
    header = None
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name != proto:
            continue
        if header is None:
            header = rest.split()
        else:
            return int(dict(zip(header, rest.split())).get(field, 0))
    return 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU seconds used so far by process `pid`, all its threads included."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    # After the comm field: state is fields[0]; utime and stime are stat fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class CpuMeter:
    """Share of one core used by a set of processes between start() and stop()."""

    def __init__(self, pids):
        self.pids = list(pids)

    def start(self):
        self._t0 = time.monotonic()
        self._c0 = sum(cpu_seconds(p) for p in self.pids)

    def stop(self):
        elapsed = time.monotonic() - self._t0
        used = sum(cpu_seconds(p) for p in self.pids) - self._c0
        return 100.0 * used / elapsed if elapsed > 0 else 0.0
