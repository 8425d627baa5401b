/* Switchyard's kernel fast path for kernel ports (veth, physical NICs): known unicast frames
 * between two enabled ports of one bridge and VLAN are redirected inside the kernel, whole, with
 * their checksum and segmentation metadata untouched (the skb itself moves: a partial checksum
 * stays partial, a TSO super-frame stays one frame). Everything else goes to the userspace switch,
 * which learns, floods, captures, rewrites and fills sy_fdb.
 *
 * Two programs make one decision, in the order the kernel runs them on a received frame:
 *  1. sy_punt (socket filter on the port's AF_PACKET socket; packet taps run before tc):
 *     returns 0 (no copy to userspace) for frames the fast path will take;
 *  2. sy_ingress (tc ingress): redirects those frames to the egress port.
 * Both call the same decide(); the maps change only when userspace learns something, so the
 * two agree except in the instant an entry changes (a frame may then be seen twice or, when an
 * entry is removed, dropped once, as a bridge may while its table changes). */
// The kernel's types (linux/bpf.h) must come before libbpf's helpers.
// clang-format off
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "fastpath_maps.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SY_FASTPATH_MAX_MACS);
    __type(key, struct sy_fdb_key);
    __type(value, struct sy_fdb_value);
} sy_fdb SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SY_FASTPATH_MAX_IFINDEX);
    __type(key, __u32);
    __type(value, struct sy_port_value);
} sy_ports SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SY_FASTPATH_MAX_PORTS);
    __type(key, __u32);
    __type(value, struct sy_port_stats);
} sy_stats SEC(".maps");

/* How often at most a MAC's last-seen stamp is rewritten: userspace reads it once a second,
 * and a write per frame would bounce the entry's cache line between CPUs. */
#define SY_STAMP_INTERVAL_NS 100000000ull

struct verdict {
    struct sy_port_value* in;
    struct sy_port_value* out;
    __u32 out_ifindex;
};

/* Whether the fast path takes the frame (then `v` says where), or userspace must see it. */
static __always_inline int decide(struct __sk_buff* skb, int refresh, struct verdict* v) {
    __u32 in_ifindex = skb->ifindex;
    struct ethhdr eth;
    if (skb->vlan_present) return 0; /* tags are the userspace switch's business */
    if (bpf_skb_load_bytes(skb, 0, &eth, sizeof eth) < 0) return 0;
    if (eth.h_dest[0] & 1) return 0; /* broadcast/multicast: flooded by userspace */
    if (eth.h_proto == bpf_htons(ETH_P_8021Q) || eth.h_proto == bpf_htons(ETH_P_8021AD)) return 0;

    struct sy_port_value* in = bpf_map_lookup_elem(&sy_ports, &in_ifindex);
    if (!in || !in->enabled) return 0;

    struct sy_fdb_key key = {.vlan = in->vlan, .domain = in->domain};
    __builtin_memcpy(key.mac, eth.h_source, 6);
    /* The source must already be known on this very port: otherwise userspace learns it (or
     * sees it move) first. */
    struct sy_fdb_value* src = bpf_map_lookup_elem(&sy_fdb, &key);
    if (!src || src->ifindex != in_ifindex) return 0;

    __builtin_memcpy(key.mac, eth.h_dest, 6);
    struct sy_fdb_value* dst = bpf_map_lookup_elem(&sy_fdb, &key);
    if (!dst || dst->ifindex == in_ifindex) return 0;
    __u32 out_ifindex = dst->ifindex;
    struct sy_port_value* out = bpf_map_lookup_elem(&sy_ports, &out_ifindex);
    if (!out || !out->enabled || out->vlan != in->vlan || out->domain != in->domain) return 0;
    /* Sizes. A super-frame's segments were sized for the ingress link: they fit the egress
     * only if its MTU is no smaller (else userspace re-segments them to fit). Any other frame
     * must fit the egress MTU (else userspace drops it by name). */
    if (skb->gso_segs > 1) {
        if (in->mtu > out->mtu) return 0;
    } else if (skb->len > out->mtu + ETH_HLEN) {
        return 0;
    }

    if (refresh) { /* keeps the MAC from aging out in userspace */
        __u64 now = bpf_ktime_get_ns();
        if (now - src->last_seen_ns > SY_STAMP_INTERVAL_NS) src->last_seen_ns = now;
    }
    v->in = in;
    v->out = out;
    v->out_ifindex = out_ifindex;
    return 1;
}

static __always_inline void count(__u32 slot, __u64 bytes, int tx) {
    struct sy_port_stats* s = bpf_map_lookup_elem(&sy_stats, &slot);
    if (!s) return;
    if (tx) {
        s->tx_packets++;
        s->tx_bytes += bytes;
    } else {
        s->rx_packets++;
        s->rx_bytes += bytes;
    }
}

SEC("socket")
int sy_punt(struct __sk_buff* skb) {
    struct verdict v;
    return decide(skb, 0, &v) ? 0 : skb->len;
}

SEC("tc")
int sy_ingress(struct __sk_buff* skb) {
    struct verdict v;
    if (!decide(skb, 1, &v)) return TC_ACT_OK;
    count(v.in->slot, skb->len, 0);
    count(v.out->slot, skb->len, 1);
    /* To a container's veth: into the container's interface directly, ingress to ingress
     * (no veth transmit, no second pass through the backlog queue; the skb and its checksum
     * and GSO state are the same either way). */
    if (v.out->peer) return bpf_redirect_peer(v.out_ifindex, 0);
    return bpf_redirect(v.out_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
