#!/usr/bin/env bash
# Real OpenFlow 1.3 controllers drive a bridge over set-controller: ovs-testcontroller (OVS's
# learning switch) and a small os-ken learning switch (openflow_learning_switch.py). Two
# containers with default offloads ping and download through the flows the controller
# installs (SHA-256 matches, no checksum errors). Without the controller: secure keeps the
# installed flows, standalone forwards as NORMAL; restarted, the controller gets the switch
# back. Usage: switch_openflow_controllers.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/openflow_lib.sh"
controller_pid=
stop_controller() {
    [ -n "$controller_pid" ] || return 0
    kill "$controller_pid" 2>/dev/null
    wait "$controller_pid" 2>/dev/null || true
    controller_pid=
}
trap 'stop_controller; cleanup' EXIT

start_testcontroller() {  # start_testcontroller PORT LOG
    ovs-testcontroller -O OpenFlow13 "ptcp:$1:127.0.0.1" --no-chdir --unixctl="$work/tc.ctl" \
        -vconsole:off -vfile:info --log-file="$2" &
    controller_pid=$!
}

wait_ping() {  # wait_ping SECONDS: a reaches b within that time
    for _ in $(seq "$1"); do
        in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null 2>&1 && return 0
    done
    return 1
}

download() {  # download WHAT: a fetches the blob from b, SHA-256 must match
    in_ns a curl -sS --max-time 30 -o "$work/got" http://10.201.1.2:8080/blob || fail "$1: download failed"
    [ "$(sha256sum <"$work/got")" = "$(sha256sum <"$work/www/blob")" ] || fail "$1: SHA-256 differs"
}

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
two_containers br0
wait_mgmt br0
m=unix:$work/br0.mgmt
offloads_on a
offloads_on b
mkdir -p "$work/www"
head -c 16M /dev/urandom >"$work/www/blob"
http_server b 10.201.1.2
port=$((20000 + $$ % 20000))

# --- ovs-testcontroller, secure bridge.
sy set-fail-mode br0 secure >/dev/null || fail "set-fail-mode"
of del-flows "$m" || fail "del-flows"
in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null && fail "secure bridge without flows forwarded"
start_testcontroller "$port" "$work/tc1.log"
sy set-controller br0 "tcp:127.0.0.1:$port" >/dev/null || fail "set-controller"
sy show | grep -q "openflow: controllers tcp:127.0.0.1:$port, fail mode secure" || fail "show: $(sy show)"
wait_ping 20 || fail "no ping through ovs-testcontroller: $(tail -5 "$work/tc1.log")"
download "ovs-testcontroller"
n=$(of dump-flows "$m" | grep -c "priority=")
[ "$n" -ge 2 ] || fail "ovs-testcontroller installed $n flows: $(of dump-flows "$m")"
echo "ovs-testcontroller ok: $n flows"

# Controller gone: secure keeps the flows (and they still forward).
stop_controller
sleep 1
[ "$(of dump-flows "$m" | grep -c "priority=")" -ge 2 ] || fail "secure lost its flows"
in_ns a ping -c 2 -i 0.2 -W 2 10.201.1.2 >/dev/null || fail "secure: installed flows stopped forwarding"
# ... but what they do not cover goes nowhere.
of del-flows "$m"
in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null && fail "secure without controller or flows forwarded"
echo "secure fail mode ok"

# Controller back: the switch reconnects (backoff at most 8 s).
start_testcontroller "$port" "$work/tc2.log"
wait_ping 30 || fail "no reconnect to the restarted controller: $(tail -5 "$work/tc2.log")"
echo "reconnect ok"

# Standalone: without a controller, NORMAL.
stop_controller
sy set-fail-mode br0 standalone >/dev/null || fail "set-fail-mode standalone"
of del-flows "$m"
wait_ping 5 || fail "standalone without controller did not forward as NORMAL"
download "standalone"
# No controller configured at all: the flows (none) rule again.
sy del-controller br0 >/dev/null || fail "del-controller"
sleep 0.5
in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null && fail "no controllers, no flows, yet forwarded"
echo "standalone fail mode ok"

# --- os-ken learning switch.
of del-flows "$m"
sy set-fail-mode br0 secure >/dev/null
osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port $((port + 1)) \
    "$(dirname "$0")/openflow_learning_switch.py" >"$work/osken.log" 2>&1 &
controller_pid=$!
sy set-controller br0 "tcp:127.0.0.1:$((port + 1))" >/dev/null || fail "set-controller os-ken"
wait_ping 30 || fail "no ping through os-ken: $(tail -20 "$work/osken.log")"
download "os-ken"
of dump-flows --no-names "$m" >"$work/dump"
grep -q "priority=0 actions=CONTROLLER:65535" "$work/dump" || fail "os-ken table-miss flow: $(cat "$work/dump")"
grep -q "priority=1,in_port=" "$work/dump" || fail "os-ken learned flows: $(cat "$work/dump")"
learned=$(grep "priority=1,in_port=" "$work/dump" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | sort -n | tail -1)
[ "${learned:-0}" -gt 100 ] || fail "learned flows carried ${learned:-0} packets: $(cat "$work/dump")"
stop_controller
echo "os-ken ok"

[ "$(csum_errors a)" = 0 ] && [ "$(csum_errors b)" = 0 ] || fail "checksum errors"
daemon_alive || fail "daemon died"
echo "PASS"
