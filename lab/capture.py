"""Captures at the lab's points: real tcpdump (bytes only) and `switchyard capture` (bytes plus
the kernel's per-packet checksum mark), a small pcap reader, and the TCP checksum check that
tells a complete checksum from a pseudo-header sum left for offload from a corrupt one.
"""

import os
import signal
import socket
import struct
import subprocess

from . import system
from .system import LabError

# --- running captures --------------------------------------------------------------------


class Capture:
    """A capture process at one point; `start()` returns once it is ready to record."""

    def __init__(self, point, path):
        self.point = point
        self.path = path
        self.proc = None

    def argv(self):
        raise NotImplementedError

    ready_text = ""

    def start(self, cleanup):
        self.proc = system.start_process(self.argv(), cleanup, netns=self.netns(),
                                         stderr=subprocess.PIPE, name=self.argv()[0])
        system.wait_for_stderr_line(self.proc, self.ready_text, timeout=10)

    def netns(self):
        return self.point.netns

    def stop(self):
        """Stops the capture (SIGINT, so the file is flushed) and returns the file path."""
        system.stop_process(self.proc, sig=signal.SIGINT)
        if not os.path.exists(self.path):
            raise LabError(f"{self.proc.args[0]} at point {self.point.number} wrote no file")
        return self.path


class Tcpdump(Capture):
    ready_text = "listening on"

    def argv(self):
        # -Z root: Debian's tcpdump otherwise drops to its own user and cannot write here.
        # --immediate-mode: TPACKET_V3 would otherwise hold a short handshake in its ring
        # until a block times out, after we have already stopped the capture.
        return ["tcpdump", "-i", self.point.ifname, "-w", self.path, "-U", "--immediate-mode",
                "-n", "-s", "262", "-Z", "root", "tcp", "port", "80"]


class SwitchyardCapture(Capture):
    ready_text = "capturing on"

    def __init__(self, point, path, binary):
        super().__init__(point, path)
        self.binary = binary

    def netns(self):
        return None  # the verb enters the namespace itself

    def argv(self):
        argv = [self.binary, "capture", "--iface", self.point.ifname, "-w", self.path]
        if self.point.netns:
            argv += ["--netns", self.point.netns]
        return argv


# --- reading pcap files ------------------------------------------------------------------

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
LINKTYPE_ETHERNET = 1


class TcpSegment:
    """One captured IPv4 TCP segment, with what is needed to check its checksum."""

    def __init__(self, time, src, dst, sport, dport, flags, csum, pseudo_sum, valid):
        self.kmark = None  # the kernel's checksum mark, from a `switchyard capture` file
        self.time, self.src, self.dst = time, src, dst
        self.sport, self.dport, self.flags = sport, dport, flags
        self.csum = csum              # the checksum field as captured
        self.pseudo_sum = pseudo_sum  # what a sender with TX offload leaves in it
        self.valid = valid            # the field is the correct complete checksum

    @property
    def is_syn(self):
        return self.flags & (TCP_SYN | TCP_ACK) == TCP_SYN

    @property
    def is_synack(self):
        return self.flags & (TCP_SYN | TCP_ACK) == TCP_SYN | TCP_ACK

    @property
    def csum_kind(self):
        """'ok' (complete and right), 'pseudo' (the pseudo-header sum a partial checksum
        holds), or 'bad' (neither: corrupt)."""
        if self.valid:
            return "ok"
        return "pseudo" if self.csum == self.pseudo_sum else "bad"


def ones_complement_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def read_tcp_segments(path):
    """IPv4 TCP segments of a pcap or pcapng file (Ethernet link type), in capture order.
    From pcapng files written by `switchyard capture`, each carries its kernel mark."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(path, data)
    return _read_pcap(path, data)


def _read_pcap(path, data):
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise LabError(f"{path}: not a pcap file")
    nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise LabError(f"{path}: link type {linktype}, expected Ethernet")
    segments, offset = [], 24
    while offset + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        seg = _parse_frame(frame, sec + frac / (1e9 if nanos else 1e6))
        if seg:
            segments.append(seg)
    return segments


PCAPNG_SHB, PCAPNG_IDB, PCAPNG_EPB = 0x0A0D0D0A, 1, 6
OPT_COMMENT = 1


def _read_pcapng(path, data):
    """Enhanced packet blocks of a pcapng file, with the `kmark=` of our "sy:" comment
    (docs/csum-trace.md, "Capture metadata"). Timestamps assume if_tsresol 9 (ns), which is
    what switchyard writes; the lab only orders packets by them."""
    segments, offset, endian, linktypes = [], 0, "<", []
    while offset + 12 <= len(data):
        if struct.unpack("<I", data[offset:offset + 4])[0] == PCAPNG_SHB:
            endian = "<" if data[offset + 8:offset + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            linktypes = []
        btype, blen = struct.unpack(endian + "II", data[offset:offset + 8])
        if blen < 12 or offset + blen > len(data):
            raise LabError(f"{path}: truncated pcapng block at offset {offset}")
        body = data[offset + 8:offset + blen - 4]
        offset += blen
        if btype == PCAPNG_IDB:
            linktypes.append(struct.unpack(endian + "H", body[:2])[0])
        elif btype == PCAPNG_EPB:
            iface, ts_hi, ts_lo, caplen, _ = struct.unpack(endian + "IIIII", body[:20])
            if iface >= len(linktypes) or linktypes[iface] != LINKTYPE_ETHERNET:
                continue
            seg = _parse_frame(body[20:20 + caplen], ((ts_hi << 32) | ts_lo) / 1e9)
            if seg:
                options = body[20 + caplen + (-caplen % 4):]
                seg.kmark = _kmark(_comments(options, endian))
                segments.append(seg)
    return segments


def _comments(options, endian):
    comments, offset = [], 0
    while offset + 4 <= len(options):
        code, length = struct.unpack(endian + "HH", options[offset:offset + 4])
        if code == 0:
            break
        if code == OPT_COMMENT:
            comments.append(options[offset + 4:offset + 4 + length].decode("utf-8", "replace"))
        offset += 4 + length + (-length % 4)
    return comments


def _kmark(comments):
    for comment in comments:
        if comment.startswith("sy:"):
            for item in comment[3:].split():
                key, _, value = item.partition("=")
                if key == "kmark":
                    return value
    return None


def _parse_frame(frame, time):
    if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != 0x0800:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    total_len = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != socket.IPPROTO_TCP or len(ip) < ihl + 20:
        return None
    tcp_len = total_len - ihl
    tcp = ip[ihl:ihl + tcp_len]
    pseudo = ip[12:20] + struct.pack("!HH", socket.IPPROTO_TCP, tcp_len)
    pseudo_sum = ones_complement_sum(pseudo)
    # Only a fully captured segment can be verified; a truncated one counts as not valid.
    valid = len(tcp) == tcp_len and ones_complement_sum(pseudo + tcp) == 0xFFFF
    sport, dport = struct.unpack("!HH", tcp[0:4])
    return TcpSegment(time, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), sport,
                      dport, tcp[13], struct.unpack("!H", tcp[16:18])[0], pseudo_sum, valid)
