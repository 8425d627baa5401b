# Shared by the vhost-user benchmarks in bench/dpdk (sourced): each switch under test privately
# (own directory, sockets, pid files, EAL --file-prefix), one bridge br0 with two vhost-user
# server ports va (OpenFlow port 1) and vb (port 2), flows 1 -> 2 and 2 -> 1. The switch
# forwards on CPU 1; peers go on CPU 0. Every process is stopped by its PID.
# Needs: $work (a private directory), $tag (an EAL file-prefix stem), $sy_bin.
ovs_vswitchd=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk

stop_pid() {  # stop_pid PID SIGNAL: signal, wait up to 5 s, then SIGKILL
    kill -"$2" "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Switchyard: EAL -l 1 pins the daemon and its poll thread to CPU 1 (the EAL sets the main
# thread's affinity to its main lcore; threads started later inherit it). Sockets in DIR.
sy() { SWITCHYARD_DIR=$sy_dir "$sy_bin" "$@"; }
start_switchyard() {  # start_switchyard DIR: sets sy_dir and sy_pid
    sy_dir=$1
    mkdir -p "$sy_dir"
    SWITCHYARD_DIR=$sy_dir "$sy_bin" daemon --dpdk-args \
        "--no-huge -m 256 --no-pci -l 1 --file-prefix=$tag-sy --no-telemetry" \
        >"$sy_dir/daemon.log" 2>&1 &
    sy_pid=$!
    echo "$sy_pid" >>"$work/pids"
    for _ in $(seq 100); do sy show >/dev/null 2>&1 && break; sleep 0.05; done
    sy add-br br0 >/dev/null
    sy add-port br0 va --type dpdkvhostuser --socket "$sy_dir/va.sock" >/dev/null
    sy add-port br0 vb --type dpdkvhostuser --socket "$sy_dir/vb.sock" >/dev/null
    sy add-flow br0 "in_port=1,actions=output:2" >/dev/null
    sy add-flow br0 "in_port=2,actions=output:1" >/dev/null
}

# OVS-DPDK (Debian's openvswitch-switch-dpdk) run privately: its own ovsdb-server and
# database; one PMD thread on CPU 1 (pmd-cpu-mask=0x2), its other threads on CPU 0. Sockets
# DIR/va and DIR/vb. Extra other_config settings (e.g. userspace-tso-enable=true) may follow.
start_ovs() {  # start_ovs DIR [KEY=VALUE...]
    local d=$1
    shift
    mkdir -p "$d"
    export OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d
    ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" --pidfile="$d/ovsdb.pid" \
        --unixctl="$d/ovsdb.ctl" --log-file="$d/ovsdb.log" --detach
    local vs="ovs-vsctl --db=unix:$d/db.sock --no-wait" kv extra=()
    for kv in "$@"; do extra+=("other_config:$kv"); done
    $vs init
    # per-port-memory: the shared pool OVS asks for by default (262144 mbufs) does not fit.
    $vs set Open_vSwitch . other_config:dpdk-init=true \
        "other_config:dpdk-extra=--no-huge --legacy-mem -m 1024 --no-pci --file-prefix=$tag-ovs" \
        other_config:pmd-cpu-mask=0x2 other_config:dpdk-lcore-mask=0x1 \
        "other_config:vhost-sock-dir=." other_config:per-port-memory=true "${extra[@]}"
    "$ovs_vswitchd" unix:"$d/db.sock" --pidfile="$d/vswitchd.pid" --unixctl="$d/vswitchd.ctl" \
        --log-file="$d/vswitchd.log" --detach
    vs="ovs-vsctl --db=unix:$d/db.sock --timeout=30"
    $vs add-br br0 -- set bridge br0 datapath_type=netdev
    $vs add-port br0 va -- set Interface va type=dpdkvhostuser ofport_request=1
    $vs add-port br0 vb -- set Interface vb type=dpdkvhostuser ofport_request=2
    local br="unix:$d/br0.mgmt"
    ovs-ofctl del-flows "$br"
    ovs-ofctl add-flow "$br" "in_port=1,actions=output:2"
    ovs-ofctl add-flow "$br" "in_port=2,actions=output:1"
    for _ in $(seq 50); do [ -S "$d/va" ] && [ -S "$d/vb" ] && break; sleep 0.1; done
}

stop_ovs() {  # stop_ovs DIR: exit --cleanup (no DPDK state left), then the database server
    local d=$1 p
    p=$(cat "$d/vswitchd.pid" 2>/dev/null || true)
    ovs-appctl -t "$d/vswitchd.ctl" exit --cleanup >/dev/null 2>&1 || { [ -n "$p" ] && kill "$p"; }
    [ -n "$p" ] && for _ in $(seq 50); do [ -e "/proc/$p" ] || break; sleep 0.1; done
    ovs-appctl -t "$d/ovsdb.ctl" exit >/dev/null 2>&1 || kill "$(cat "$d/ovsdb.pid")" 2>/dev/null
    rm -f "$d/vswitchd.pid" "$d/ovsdb.pid"
}

cleanup_vhost_bench() {  # the EXIT trap: everything still running, by PID; then the files
    set +e
    if [ -f "$work/pids" ]; then for p in $(cat "$work/pids"); do stop_pid "$p" TERM; done; fi
    for d in "$work"/ovs*; do
        [ -f "$d/vswitchd.pid" ] && stop_pid "$(cat "$d/vswitchd.pid")" TERM
        [ -f "$d/ovsdb.pid" ] && stop_pid "$(cat "$d/ovsdb.pid")" TERM
    done
    [ -n "${SY_BENCH_KEEP:-}" ] && cp -r "$work" "$SY_BENCH_KEEP"
    rm -rf "$work" /var/run/dpdk/"$tag"-*
}
