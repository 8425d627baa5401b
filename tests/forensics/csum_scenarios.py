"""Capture files for csum-trace tests, built with scapy (an independent implementation of
IP/TCP/UDP checksums) and written by small writers here (pcap with any link type and caplen,
pcapng with per-packet comments and direction flags), so our reader is checked against files
it did not write.

Each scenario is a list of capture points; each point a list of records. A packet's checksum
is computed by scapy, then optionally replaced by the TX-offload seed (the folded
pseudo-header sum) or broken on purpose.
"""
import struct

from scapy.all import Ether, Dot1Q, IP, IPv6, TCP, UDP, Raw, raw
from scapy.layers.inet import in4_pseudoheader
from scapy.layers.inet6 import in6_pseudoheader
from scapy.utils import checksum

LINKTYPE = {"ether": 1, "raw": 101, "sll": 113, "sll2": 276}
CLIENT_MAC, SERVER_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02"


def l4_offsets(frame_ip):
    """(ip object, l4 layer, checksum offset inside the IP bytes)."""
    ip = frame_ip
    l4 = ip.payload
    ihl = ip.ihl * 4 if ip.version == 4 else 40
    off = 16 if isinstance(l4, TCP) else 6
    return ihl, off


def seed_of(ip):
    """The CHECKSUM_PARTIAL seed for this IP packet: folded pseudo-header sum, not complemented."""
    l4 = ip.payload
    length = len(raw(l4))
    proto = 6 if isinstance(l4, TCP) else 17
    if ip.version == 4:
        ph = in4_pseudoheader(proto, ip, length)
    else:
        ph = raw(in6_pseudoheader(proto, ip, length))
    return (~checksum(ph)) & 0xFFFF


def ip_bytes(ip, csum="good", flip_payload_at=None):
    """Serialise with scapy's checksums, then apply the requested checksum state."""
    data = bytearray(raw(ip))
    parsed = ip.__class__(bytes(data))
    ihl, off = l4_offsets(parsed)
    if csum == "partial":
        struct.pack_into("!H", data, ihl + off, seed_of(parsed))
    elif csum == "bad":
        good = struct.unpack_from("!H", data, ihl + off)[0]
        struct.pack_into("!H", data, ihl + off, (good + 0x1111) & 0xFFFF or 1)
    elif csum == "zero":
        struct.pack_into("!H", data, ihl + off, 0)
    if flip_payload_at is not None:
        hlen = (data[ihl + 12] >> 4) * 4 if isinstance(parsed.payload, TCP) else 8
        data[ihl + hlen + flip_payload_at] ^= 0xFF
    return bytes(data)


def frame(link, ipb, direction="in", vlans=()):
    """Wrap IP bytes into a link-layer frame."""
    ethertype = 0x0800 if ipb[0] >> 4 == 4 else 0x86DD
    if link == "raw":
        return ipb
    if vlans:
        # outermost TPID first, each tag followed by the next TPID/EtherType
        body = b""
        tpids = [0x88A8 if len(vlans) > 1 else 0x8100] + [0x8100] * (len(vlans) - 1)
        for j, vid in enumerate(vlans):
            nxt = tpids[j + 1] if j + 1 < len(vlans) else ethertype
            body += struct.pack("!HH", vid, nxt)
        first = tpids[0]
    else:
        body, first = b"", ethertype
    if link == "ether":
        mac = bytes.fromhex(SERVER_MAC.replace(":", "")) + bytes.fromhex(CLIENT_MAC.replace(":", ""))
        return mac + struct.pack("!H", first) + body + ipb
    pkttype = 4 if direction == "out" else 0
    if link == "sll":
        return struct.pack("!HHH8sH", pkttype, 1, 6, b"\x02" + b"\0" * 7, first) + body + ipb
    if link == "sll2":
        return struct.pack("!HHIHBB8s", first, 0, 2, 1, pkttype, 6, b"\x02" + b"\0" * 7) + body + ipb
    raise ValueError(link)


def write_pcap(path, link, records):
    """records: list of (time_ns, frame_bytes, caplen or None). Nanosecond pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, LINKTYPE[link]))
        for t, data, caplen in records:
            cap = len(data) if caplen is None else caplen
            f.write(struct.pack("<IIII", t // 10**9, t % 10**9, cap, len(data)))
            f.write(data[:cap])


def _opt(code, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def _block(btype, body):
    length = 12 + len(body)
    return struct.pack("<II", btype, length) + body + struct.pack("<I", length)


def write_pcapng(path, link, records):
    """records: list of (time_ns, frame_bytes, direction 'in'/'out'/None, comment or None)."""
    with open(path, "wb") as f:
        f.write(_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + _opt(0, b"")))
        f.write(_block(1, struct.pack("<HHI", LINKTYPE[link], 0, 0) + _opt(9, b"\x09") + _opt(0, b"")))
        for t, data, direction, comment in records:
            pad = b"\0" * ((4 - len(data) % 4) % 4)
            opts = b""
            if comment:
                opts += _opt(1, comment.encode())
            if direction:
                opts += _opt(2, struct.pack("<I", 1 if direction == "in" else 2))
            if opts:
                opts += _opt(0, b"")
            body = struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(data), len(data))
            f.write(_block(6, body + data + pad + opts))


T0 = 1_700_000_000_000_000_000


def tcp(src, dst, sport, dport, flags, seq, ack=0, payload=b"", v6=False, ipid=1, ttl=64):
    l4 = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240)
    if payload:
        l4 = l4 / Raw(payload)
    if v6:
        return IPv6(src=src, dst=dst, hlim=ttl) / l4
    return IP(src=src, dst=dst, id=ipid, ttl=ttl, flags="DF") / l4


def udp(src, dst, sport, dport, payload, v6=False, ipid=7, ttl=64):
    l4 = UDP(sport=sport, dport=dport) / Raw(payload)
    if v6:
        return IPv6(src=src, dst=dst, hlim=ttl) / l4
    return IP(src=src, dst=dst, id=ipid, ttl=ttl) / l4
