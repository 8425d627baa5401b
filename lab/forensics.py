"""Runs `switchyard csum-trace` over the kernel-mark captures of the three points and pulls
out the verdict the table shows: which packet went wrong, at which hop, and why."""

import json

from . import system
from .capture import TCP_ACK, TCP_SYN


def _flags_value(flags):
    """csum-trace's tcp_flags as a number, whether it prints a number, 'SA', 'S.' or
    'SYN|ACK'."""
    if isinstance(flags, int):
        return flags
    text = str(flags).upper()
    if text.startswith("0X") or text.isdigit():
        return int(text, 0)
    if "SYN" in text or "ACK" in text:  # names: 'SYN|ACK', 'SYN,ACK'
        return (TCP_SYN if "SYN" in text else 0) | (TCP_ACK if "ACK" in text else 0)
    # tcpdump's letters: 'S', 'S.' or 'SA' ('.' is tcpdump's ACK)
    return (TCP_SYN if "S" in text else 0) | (TCP_ACK if "A" in text or "." in text else 0)


def _kind(flags):
    value = _flags_value(flags)
    if value & (TCP_SYN | TCP_ACK) == TCP_SYN | TCP_ACK:
        return "SYN/ACK"
    if value & (TCP_SYN | TCP_ACK) == TCP_SYN:
        return "SYN"
    return None


def run_csum_trace(binary, files_by_point):
    """csum-trace's JSON over NAME=FILE pairs, or raises LabError with its message."""
    args = [binary, "csum-trace", "--json"] + [f"{name}={path}"
                                                for name, path in files_by_point.items()]
    result = system.run(args, check=False, timeout=60)
    # Exit status 1 means "a problem was found", which is what a failing run should give.
    if result.returncode not in (0, 1):
        raise system.LabError(f"csum-trace failed ({result.returncode}): "
                              f"{result.stderr.strip()}")
    try:
        return json.loads(result.stdout)
    except ValueError as e:
        raise system.LabError(f"csum-trace printed no JSON: {result.stdout[:200]!r}") from e


def describe_verdict(packet):
    """'SYN/ACK status at hop: reason' for one csum-trace packet's verdict."""
    verdict = packet.get("verdict") or {}
    text = str(verdict.get("status", "?"))
    kind = _kind(packet.get("tcp_flags", 0))
    if kind:
        text = f"{kind} {text}"
    hop = verdict.get("hop")
    if hop:  # [from, to]; from is null when the packet was already wrong where first seen
        text += " at " + ("->".join(str(p) for p in hop if p) if isinstance(hop, list) else
                          str(hop))
    reason = verdict.get("reason") or verdict.get("detail")
    if reason:
        text += f": {reason}"
    return text


def first_failure(trace):
    """The first packet csum-trace found a problem with (docs/csum-trace.md: any status but
    ok and unverifiable), else the first packet."""
    packets = trace.get("packets", [])
    for packet in packets:
        status = str((packet.get("verdict") or {}).get("status", "")).lower()
        if status and status not in ("ok", "unverifiable"):
            return packet
    return packets[0] if packets else None
