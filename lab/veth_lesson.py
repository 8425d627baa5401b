"""The veth lesson made visible: a Switchyard port flips bits in a fraction of the payloads
it forwards (--corrupt), and the client downloads a random file from the container.

With the safe default the switch never marks a packet it did not verify, so the client's
kernel checks every TCP checksum, drops the corrupted segments and TCP retransmits them: the
SHA-256 matches. With --unsafe-mark-verified (pre-3.14 veth's behaviour) every packet arrives
marked verified, nothing is checked, and the corrupted bytes reach the file.
"""

import hashlib
import os
import shutil
import tempfile

from . import handshake, system, topology
from .switches import Switchyard
from .system import NotAvailable
from .topology import CLIENT, CONTAINER, Offloads

CORRUPT_FRACTION = 0.01
FILE_MB = 20
DOWNLOAD_MAX_TIME_S = 120
# The injector leaves super-frames alone, so the server sends MTU-sized segments: TSO off,
# TX checksum offload still on (each segment still leaves partial).
OFFLOADS = Offloads(container_tso=False)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_random_file(path, megabytes):
    with open(path, "wb") as f:
        for _ in range(megabytes):
            f.write(os.urandom(1 << 20))


def corrupted_count(stats):
    """The switch's count of corrupted packets, wherever `stats --json` puts it: the sum of
    every numeric field whose name mentions 'corrupt'."""
    total, found = 0, False
    stack = [stats]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if "corrupt" in str(key).lower() and isinstance(value, int):
                    total, found = total + value, True
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return total if found else None


def run(scenario, unsafe_mark_verified, opts, megabytes=None, fraction=CORRUPT_FRACTION):
    megabytes = megabytes or opts.corrupt_file_mb or FILE_MB
    # The container's port corrupts what it receives (the download's data); the client's
    # port is the one that would (unsafely) mark what it sends to the receiver as verified.
    options = {CONTAINER.root_ifname: ["--corrupt", str(fraction)]}
    if unsafe_mark_verified:
        options[CLIENT.root_ifname] = ["--unsafe-mark-verified"]
    switch = Switchyard(opts.switchyard_bin, port_options=options)
    row = {"scenario": scenario, "switch": switch.label, "offloads": OFFLOADS.describe(),
           "port_options": "; ".join(f"{port} {' '.join(args)}"
                                     for port, args in options.items()),
           "file_mb": megabytes}
    try:
        switch.check_available()
    except NotAvailable as e:
        return dict(row, available=False, note=f"not available yet: {e}")
    with system.Cleanup() as cleanup:
        workdir = tempfile.mkdtemp(prefix="sy-lab-veth-")
        cleanup.push(f"remove {workdir}", shutil.rmtree, workdir, True)
        served = os.path.join(workdir, "serve")
        os.mkdir(served)
        original = os.path.join(served, "random.bin")
        write_random_file(original, megabytes)
        received = os.path.join(workdir, "received.bin")

        ports = topology.build(cleanup, OFFLOADS)
        switch.start(ports, cleanup)
        topology.wait_for_forwarding()
        handshake.start_web_server(cleanup, served)
        before = handshake.csum_errors()
        complete = handshake.curl("/random.bin", output=received, max_time=DOWNLOAD_MAX_TIME_S)
        after = handshake.csum_errors()

        sent_sha = sha256_of(original)
        got_sha = sha256_of(received) if os.path.exists(received) else None
        row.update(available=True, download_complete=complete,
                   bytes_received=os.path.getsize(received) if got_sha else 0,
                   sha256_sent=sent_sha, sha256_received=got_sha,
                   sha256_match=got_sha == sent_sha,
                   csum_errors={k: after[k] - before[k] for k in after},
                   corrupted_packets=corrupted_count(switch.stats()))
    if unsafe_mark_verified and row["csum_errors"]["client"] > 0:
        # The kernel reads only NEEDS_CSUM from a packet socket's vnet header, not DATA_VALID
        # (tests/e2e/lab_kernel_data_valid.py): a "verified" mark sent that way is lost.
        row["diagnosis"] = ("the client's kernel still checked every checksum: the verified "
                            "mark did not reach it")
    return row
