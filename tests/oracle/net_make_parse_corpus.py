#!/usr/bin/python3
"""Writes the seed corpus of the parser fuzz target (tests/fuzz/corpus/parse/): valid frames
of every kind the parser knows, built with scapy by the same generators as the checksum
oracle, plus ARP and a few non-IP frames. Usage: net_make_parse_corpus.py OUTDIR [PER_KIND]"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checksum_oracle as gen  # noqa: E402
from scapy.all import ARP, Ether, raw  # noqa: E402


def main():
    out = sys.argv[1]
    per_kind = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    os.makedirs(out, exist_ok=True)
    rng = random.Random(4242)
    kinds = {
        "ipv4": lambda: gen.l2_layer(rng) / gen.ip_and_l4(rng, False),
        "ipv6": lambda: gen.l2_layer(rng) / gen.ip_and_l4(rng, True),
        "tunnel": lambda: gen.tunnel_frame(rng),
        "fragment": lambda: gen.fragment_frame(rng),
        "arp": lambda: gen.l2_layer(rng) / ARP(op=rng.choice([1, 2]), psrc=gen.rand_ip4(rng),
                                               pdst=gen.rand_ip4(rng)),
        "other": lambda: Ether(type=rng.choice([0x88CC, 0x8847, 0x0042])) / gen.rand_bytes(
            rng, rng.randrange(0, 64)),
    }
    for kind, make in kinds.items():
        for i in range(per_kind):
            with open(os.path.join(out, "%s-%02d" % (kind, i)), "wb") as f:
                f.write(raw(make()))


if __name__ == "__main__":
    main()
