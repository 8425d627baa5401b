# Sourced by the dataplane_* e2e scripts: hosts (namespaces with an eth0 whose root-side veth
# end becomes a switch port), cleanup that runs on any exit, and the kernel's checksum-error
# counters. Callers set `work` (a temp dir) and `host_pid` (the switch host, once started).

sy_namespaces=()
sy_veths=()

cleanup() {
    set +e
    [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
    for ns in "${sy_namespaces[@]}"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    for v in "${sy_veths[@]}"; do ip link del "$v" 2>/dev/null; done
    rm -rf "${work:-}"
}

fail() {
    echo "FAIL: $*"
    [ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
    host_pid=
    echo "--- switch host output:"; cat "$work/host.out" "$work/host.err" 2>/dev/null
    exit 1
}

# add_host NS VETH IP: namespace NS with eth0 at IP/24, its peer VETH up in the root namespace.
add_host() {
    sy_namespaces+=("$1")
    sy_veths+=("$2")
    ip netns add "$1"
    ip link add "$2" type veth peer name eth0 netns "$1"
    ip netns exec "$1" ip link set lo up
    ip netns exec "$1" ip addr add "$3/24" dev eth0
    ip netns exec "$1" ip link set eth0 up
    ip link set "$2" up
}

# csum_errors NS [Tcp|Udp]: the InCsumErrors counter of that protocol (default Tcp) in NS.
csum_errors() {
    ip netns exec "$1" awk -v p="${2:-Tcp}:" '$1 == p { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InCsumErrors"] }' /proc/net/snmp
}
