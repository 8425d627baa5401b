# Shared by the switch_*.sh end-to-end tests (sourced): a private switchyard daemon (--dir in a
# temp dir) and namespaces standing in for containers. Everything is removed on exit.
# Usage in a test:  source switch_lib.sh "$SWITCHYARD_BIN"; start_daemon; make_ns a; ...
set -eu  # no pipefail: `cmd | grep -q` would fail on SIGPIPE
sy_bin=$1
id=$$
work=$(mktemp -d /tmp/sy-e2e.XXXXXX)
export SWITCHYARD_DIR=$work
daemon_pid=
namespaces=()

sy() { "$sy_bin" "$@"; }

# Namespace prefix: sy- plus the test family's own tag, so families running in parallel never
# collide (SY_NS_TAG before sourcing; default "ct").
ns_name() { echo "sy-${SY_NS_TAG:-ct}$id$1"; }

cleanup() {
    set +e
    stop_daemon KILL
    for ns in "${namespaces[@]}"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    # Host ends of attached containers vanish with their namespaces; ports added by name
    # (add-port tests) are removed by the test itself.
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    echo "--- daemon log:"
    cat "$work/daemon.log" 2>/dev/null | tail -40
    exit 1
}

start_daemon() {
    "$sy_bin" daemon "$@" >>"$work/daemon.log" 2>&1 &
    daemon_pid=$!
    for _ in $(seq 100); do
        [ -S "$work/switchyard.sock" ] && sy show >/dev/null 2>&1 && return 0
        kill -0 "$daemon_pid" 2>/dev/null || fail "daemon exited at start"
        sleep 0.05
    done
    fail "daemon did not start listening"
}

stop_daemon() {  # stop_daemon [SIGNAL]
    [ -n "$daemon_pid" ] || return 0
    kill -"${1:-TERM}" "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=
}

daemon_alive() { [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; }

make_ns() {  # make_ns SUFFIX: a namespace (a "container") with lo up; prints its name
    local ns
    ns=$(ns_name "$1")
    ip netns add "$ns"
    namespaces+=("$ns")
    ip netns exec "$ns" ip link set lo up
}

in_ns() { local ns; ns=$(ns_name "$1"); shift; ip netns exec "$ns" "$@"; }

csum_errors() {  # csum_errors SUFFIX [Tcp|Udp]: InCsumErrors in that namespace
    in_ns "$1" awk -v p="${2:-Tcp}:" '$1 == p { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InCsumErrors"] }' /proc/net/snmp
}

http_server() {  # http_server SUFFIX IP: python http.server in that namespace, serving $work/www
    mkdir -p "$work/www"
    echo "hello from $1" >"$work/www/index.html"
    in_ns "$1" /usr/bin/python3 -m http.server 8080 --bind "$2" --directory "$work/www" \
        >"$work/http-$1.log" 2>&1 &
    for _ in $(seq 100); do
        in_ns "$1" ss -ltn 2>/dev/null | grep -q ":8080 " && return 0
        sleep 0.1
    done
    fail "http server in $1 did not start: $(cat "$work/http-$1.log")"
}

offloads_on() {  # offloads_on SUFFIX [IFNAME]: the container's interface keeps TX csum and TSO on
    in_ns "$1" ethtool -k "${2:-eth0}" | grep -q "^tx-checksumming: on" || fail "tx checksumming off in $1"
    in_ns "$1" ethtool -k "${2:-eth0}" | grep -q "^tcp-segmentation-offload: on" || fail "TSO off in $1"
}
