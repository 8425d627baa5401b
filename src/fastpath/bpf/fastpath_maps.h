/* The kernel fast path's maps, shared by the BPF programs (fastpath.bpf.c, C) and the loader
 * (kernel_fast_path.cpp, C++). Plain C, fixed-width fields, no padding holes: both sides must
 * agree on every byte. */
#ifndef SY_FASTPATH_MAPS_H
#define SY_FASTPATH_MAPS_H

#include <linux/types.h>

#define SY_FASTPATH_MAX_MACS 8192
#define SY_FASTPATH_MAX_PORTS 256
/* sy_ports is an array indexed by ifindex (a lookup per frame costs an index, not a hash):
 * interfaces with a larger index stay in userspace. 16 bytes each: 1 MiB. */
#define SY_FASTPATH_MAX_IFINDEX 65536

/* sy_fdb: which kernel port a MAC lives behind, as learned by the userspace switch. */
struct sy_fdb_key {
    __u8 mac[6];
    __u16 vlan;   /* the bridge-internal VLAN of the port (0: untagged) */
    __u32 domain; /* the bridge: frames never cross from one bridge to another */
};
struct sy_fdb_value {
    __u32 ifindex;
    __u32 reserved;
    __u64 last_seen_ns; /* bpf_ktime_get_ns() of the last fast-path frame from this MAC */
};

/* sy_ports: the kernel ports that may take part, by ifindex (all zero: not a port). */
struct sy_port_value {
    __u32 domain; /* the port's bridge */
    __u16 vlan;   /* access VLAN (0: untagged) */
    __u8 enabled; /* 0 while the port needs every frame in userspace (capture, ...) */
    __u8 peer;    /* 1: a veth whose peer is in another namespace: frames for this port go
                   * straight to the peer's receive path (bpf_redirect_peer) */
    __u32 mtu;    /* largest L3 packet the port takes without GSO */
    __u32 slot;   /* the port's index in sy_stats */
};

/* sy_stats (per CPU array, indexed by sy_port_value.slot): what the fast path forwarded. */
struct sy_port_stats {
    __u64 rx_packets;
    __u64 rx_bytes;
    __u64 tx_packets;
    __u64 tx_bytes;
};

#endif
