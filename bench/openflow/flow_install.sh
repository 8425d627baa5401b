#!/usr/bin/env bash
# Control-plane speed over OpenFlow 1.3: the time `ovs-ofctl -O OpenFlow13 add-flows` takes to
# install N flows (default 10 000) into a bridge, and `dump-flows` to read them back, on
# Switchyard and on OVS's userspace datapath in the same run (OVS runs privately: its own
# database, sockets and pid files in a temp dir, stopped by PID). Alternates ROUNDS rounds
# (default 3) and prints every round and the medians. Needs root (OVS), no namespaces.
# Usage: bench/openflow/flow_install.sh SWITCHYARD_BIN [N] [ROUNDS]
set -eu
sy_bin=$1
n=${2:-10000}
rounds=${3:-3}
work=$(mktemp -d /tmp/sy-ofbench.XXXXXX)
sy_pid= ovsdb_pid= vswitchd_pid=
cleanup() {
    set +e
    [ -n "$sy_pid" ] && kill "$sy_pid" && wait "$sy_pid"
    [ -n "$vswitchd_pid" ] && kill "$vswitchd_pid"
    [ -n "$ovsdb_pid" ] && kill "$ovsdb_pid"
    sleep 0.2
    rm -rf "$work"
}
trap cleanup EXIT

# N distinct flows: exact IPv4 destinations over two tables, as a controller might install.
/usr/bin/python3 - "$n" >"$work/flows" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"table={i % 2},priority={100 + i % 7},tcp,nw_dst=10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255},"
          f"tp_dst={1 + i % 60000},actions=output:{1 + i % 2}")
PY

# Switchyard: a private daemon with one bridge (flows may name ports that do not exist yet,
# as in OVS).
SWITCHYARD_DIR=$work/sy "$sy_bin" daemon >"$work/sy.log" 2>&1 &
sy_pid=$!
for _ in $(seq 100); do [ -S "$work/sy/switchyard.sock" ] && break; sleep 0.05; done
SWITCHYARD_DIR=$work/sy "$sy_bin" add-br br0 >/dev/null
for _ in $(seq 100); do [ -S "$work/sy/br0.mgmt" ] && break; sleep 0.05; done
sy_target=unix:$work/sy/br0.mgmt

# OVS userspace datapath, private (OVS_RUNDIR: its sockets, br0.mgmt included, in the temp dir).
mkdir -p "$work/ovs"
export OVS_RUNDIR=$work/ovs OVS_LOGDIR=$work/ovs OVS_DBDIR=$work/ovs
ovsdb-tool create "$work/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server "$work/ovs/conf.db" --remote="punix:$work/ovs/db.sock" --pidfile="$work/ovs/ovsdb.pid" \
    --unixctl="$work/ovs/ovsdb.ctl" --no-chdir --log-file="$work/ovs/ovsdb.log" --detach
ovsdb_pid=$(cat "$work/ovs/ovsdb.pid")
ovs-vsctl --db="unix:$work/ovs/db.sock" --no-wait init
ovs-vswitchd "unix:$work/ovs/db.sock" --pidfile="$work/ovs/vswitchd.pid" --unixctl="$work/ovs/vswitchd.ctl" \
    --no-chdir --log-file="$work/ovs/vswitchd.log" --detach -vconsole:off
vswitchd_pid=$(cat "$work/ovs/vswitchd.pid")
ovs-vsctl --db="unix:$work/ovs/db.sock" add-br br0 -- set bridge br0 datapath_type=netdev \
    -- set bridge br0 protocols=OpenFlow13
ovs_sock=$work/ovs/br0.mgmt
for _ in $(seq 100); do [ -S "$ovs_sock" ] && break; sleep 0.05; done
[ -S "$ovs_sock" ] || { echo "no OVS management socket $ovs_sock"; exit 1; }
ovs_target=unix:$ovs_sock

secs() { /usr/bin/python3 -c "import time; print(time.monotonic())"; }
measure() {  # measure TARGET: "install_s dump_s flows_dumped"
    local t0 t1 t2 count
    ovs-ofctl -O OpenFlow13 del-flows "$1"
    t0=$(secs)
    ovs-ofctl -O OpenFlow13 --no-names add-flows "$1" "$work/flows"
    t1=$(secs)
    ovs-ofctl -O OpenFlow13 --no-names dump-flows "$1" >"$work/dump"
    t2=$(secs)
    count=$(grep -c "priority=" "$work/dump")
    /usr/bin/python3 -c "print(f'{$t1 - $t0:.3f} {$t2 - $t1:.3f} $count')"
}

echo "flows: $n (file $work/flows), rounds: $rounds, load: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/results"
for r in $(seq "$rounds"); do
    for sw in ovs switchyard; do
        target=$sy_target
        [ "$sw" = ovs ] && target=$ovs_target
        read -r inst dump count < <(measure "$target")
        [ "$count" = "$n" ] || { echo "$sw round $r: dumped $count flows, expected $n"; exit 1; }
        echo "round $r $sw: add-flows ${inst}s, dump-flows ${dump}s"
        echo "$sw $inst $dump" >>"$work/results"
    done
done
/usr/bin/python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for sw in ("ovs", "switchyard"):
    i = [float(r[1]) for r in rows if r[0] == sw]
    d = [float(r[2]) for r in rows if r[0] == sw]
    print(f"median {sw:10s}: add-flows {statistics.median(i):.3f}s  dump-flows {statistics.median(d):.3f}s")
PY
