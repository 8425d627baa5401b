#!/usr/bin/env bash
# OpenFlow 1.3 conformance with a raw peer (openflow_probe.py) as the bridge's controller:
# HELLO with a version bitmap, ECHO, FEATURES, ROLE_REQUEST (stale generation ids), the ERROR
# type and code of malformed and unsupported requests, BARRIER, FLOW_REMOVED on a timeout,
# PORT_STATUS on a new port, and a message it cannot frame: BAD_LEN, disconnect, reconnect.
# The daemon keeps running throughout. Usage: switch_openflow_protocol.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/openflow_lib.sh"
probe_pid=
veth=of${id}x
finish() {
    [ -n "$probe_pid" ] && kill "$probe_pid" 2>/dev/null
    ip link del "$veth" 2>/dev/null || true
    cleanup
}
trap finish EXIT

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
wait_mgmt br0
/usr/bin/python3 "$(dirname "$0")/openflow_probe.py" "$work/ctl.sock" "$work/trigger" >"$work/probe.log" 2>&1 &
probe_pid=$!
for _ in $(seq 100); do [ -S "$work/ctl.sock" ] && break; sleep 0.05; done
sy set-controller br0 "unix:$work/ctl.sock" >/dev/null || fail "set-controller"
for _ in $(seq 200); do [ -e "$work/trigger" ] && break; kill -0 $probe_pid 2>/dev/null || break; sleep 0.1; done
if [ -e "$work/trigger" ]; then
    ip link add "$veth" type veth peer name "of${id}y"
    sy add-port br0 "$veth" >/dev/null || fail "add-port"
fi
wait $probe_pid || fail "probe: $(cat "$work/probe.log")"
probe_pid=
cat "$work/probe.log"
grep -q "PROBE PASS" "$work/probe.log" || fail "probe did not finish"
daemon_alive || fail "daemon died"
sy show >/dev/null || fail "daemon does not answer"
echo "PASS"
