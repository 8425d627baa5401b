# Shared by the tunnel_*.sh end-to-end tests (sourced after switch_lib.sh): "hosts" are
# namespaces (prefix sy-tn-) joined by an underlay veth; a Switchyard daemon runs inside a
# host namespace with its own --dir; containers are namespaces behind it. Addresses exist only
# inside these namespaces. Everything is removed on exit (switch_lib.sh's trap, extended).
ns_name() { echo "sy-tn-$id$1"; }

host_daemon_pids=()
tn_cleanup() {
    set +e
    for pid in "${host_daemon_pids[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    cleanup
}
trap tn_cleanup EXIT

# start_host_daemon HOST DIR: a daemon inside namespace HOST with state in DIR; sets
# last_daemon_pid. The CLI reaches it through DIR's socket from anywhere.
start_host_daemon() {
    local host=$1 dir=$2
    mkdir -p "$dir"
    SWITCHYARD_DIR=$dir ip netns exec "$(ns_name "$host")" "$sy_bin" daemon >>"$dir/daemon.log" 2>&1 &
    last_daemon_pid=$!
    host_daemon_pids+=("$last_daemon_pid")
    for _ in $(seq 100); do
        [ -S "$dir/switchyard.sock" ] && SWITCHYARD_DIR=$dir "$sy_bin" show >/dev/null 2>&1 && return 0
        kill -0 "$last_daemon_pid" 2>/dev/null || { cat "$dir/daemon.log"; fail "daemon in $host exited at start"; }
        sleep 0.05
    done
    fail "daemon in $host did not start listening"
}

# underlay HOST_A ADDR_A HOST_B ADDR_B [MTU]: a veth between the two host namespaces.
underlay() {
    ip link add u0 netns "$(ns_name "$1")" type veth peer name u0 netns "$(ns_name "$3")"
    in_ns "$1" ip addr add "$2" dev u0
    in_ns "$3" ip addr add "$4" dev u0
    if [ -n "${5:-}" ]; then in_ns "$1" ip link set u0 mtu "$5"; in_ns "$3" ip link set u0 mtu "$5"; fi
    in_ns "$1" ip link set u0 up
    in_ns "$3" ip link set u0 up
}

# make_file NAME MB: random content served by http_server, and its SHA-256.
make_file() {
    mkdir -p "$work/www"
    head -c "$(($2 * 1048576))" /dev/urandom >"$work/www/$1"
    sha256sum "$work/www/$1" | cut -d' ' -f1
}

# download FROM_NS URL EXPECTED_SHA: fetches with curl inside FROM_NS and compares.
download() {
    local got
    got=$(in_ns "$1" curl -sS --max-time 60 "$2" | sha256sum | cut -d' ' -f1) || fail "download $2 in $1"
    [ "$got" = "$3" ] || fail "download $2 in $1: SHA-256 $got, expected $3"
}

udp_csum_errors() { csum_errors "$1" Udp; }
