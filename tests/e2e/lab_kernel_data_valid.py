#!/usr/bin/python3
"""A kernel fact the veth lesson depends on, checked on this kernel: a packet sent through an
AF_PACKET socket with PACKET_VNET_HDR is checked by its local receiver unless it carries
NEEDS_CSUM. The kernel ignores DATA_VALID on transmit (virtio_net_hdr_to_skb only reads
NEEDS_CSUM and GSO), while a CHECKSUM_PARTIAL packet is trusted as is.

So a switch port can make a receiver accept an unchecked packet (the pre-3.14 veth bug that
--unsafe-mark-verified demonstrates) only with NEEDS_CSUM, not with DATA_VALID.

Sends a TCP SYN with a wrong checksum to a closed port of the lab's client three ways and
watches the client's counters: dropped (TcpInCsumErrors) or answered (TcpOutRsts).
"""

import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from lab import system, topology  # noqa: E402
from lab.capture import ones_complement_sum  # noqa: E402
from lab.topology import CLIENT, CONTAINER  # noqa: E402

SOL_PACKET, PACKET_VNET_HDR = 263, 15
VNET_NEEDS_CSUM, VNET_DATA_VALID = 1, 2
WRONG_CSUM = 0x1234


def syn_frame(dst_mac):
    tcp = struct.pack("!HHIIBBHHH", 40000, 9, 1, 0, 5 << 4, 0x02, 65535, WRONG_CSUM, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, socket.IPPROTO_TCP, 0,
                     socket.inet_aton(CONTAINER.ip), socket.inet_aton(CLIENT.ip))
    ip = ip[:10] + struct.pack("!H", 0xFFFF - ones_complement_sum(ip)) + ip[12:]
    return dst_mac + b"\x02\x00\x00\x00\x00\x02" + b"\x08\x00" + ip + tcp


def vnet_hdr(flags):
    start, offset = (14 + 20, 16) if flags & VNET_NEEDS_CSUM else (0, 0)
    return struct.pack("<BBHHHH", flags, 0, 0, 0, start, offset)


def main():
    outcomes = {}
    with system.Cleanup() as cleanup:
        system.take_lab_lock(cleanup)
        topology.build(cleanup)
        mac = system.run(["cat", f"/sys/class/net/{CLIENT.ifname}/address"],
                         netns=CLIENT.netns).stdout.strip()
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        cleanup.push("close packet socket", sock.close)
        sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        sock.bind((CLIENT.root_ifname, 0))
        for name, flags in (("no flag", 0), ("DATA_VALID", VNET_DATA_VALID),
                            ("NEEDS_CSUM", VNET_NEEDS_CSUM)):
            before = [system.snmp_counter(CLIENT.netns, "Tcp", f)
                      for f in ("InCsumErrors", "OutRsts")]
            sock.send(vnet_hdr(flags) + syn_frame(bytes.fromhex(mac.replace(":", ""))))
            time.sleep(0.3)
            after = [system.snmp_counter(CLIENT.netns, "Tcp", f)
                     for f in ("InCsumErrors", "OutRsts")]
            dropped, answered = after[0] - before[0], after[1] - before[1]
            outcomes[name] = "dropped" if dropped and not answered else (
                "trusted" if answered and not dropped else f"unclear ({dropped}/{answered})")
            print(f"{name:10}: {outcomes[name]}")
    expected = {"no flag": "dropped", "DATA_VALID": "dropped", "NEEDS_CSUM": "trusted"}
    if outcomes != expected:
        print(f"FAILED: expected {expected}")
        return 1
    print("kernel: DATA_VALID is ignored on AF_PACKET transmit; NEEDS_CSUM is trusted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
