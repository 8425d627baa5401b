# Shared by the switch_openflow_*.sh tests (sourced after switch_lib.sh): namespaces tagged
# sy-of-, the bridge's management socket, and ovs-ofctl speaking OpenFlow 1.3 to it.
ns_name() { echo "sy-of$id$1"; }

of() { ovs-ofctl -O OpenFlow13 "$@"; }

wait_mgmt() {  # wait_mgmt BRIDGE: its BR.mgmt socket exists and answers
    local sock=$work/$1.mgmt
    for _ in $(seq 100); do
        [ -S "$sock" ] && of show "unix:$sock" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    fail "no management socket $sock"
}

two_containers() {  # two_containers BRIDGE: namespaces a (10.201.1.1) and b (10.201.1.2) on it
    make_ns a
    make_ns b
    sy attach "$1" "$(ns_name a)" --ip 10.201.1.1/24 --mac 02:00:00:00:02:01 >/dev/null || fail "attach a"
    sy attach "$1" "$(ns_name b)" --ip 10.201.1.2/24 --mac 02:00:00:00:02:02 >/dev/null || fail "attach b"
}

flow_packets() {  # flow_packets SOCK MATCH: n_packets of the flows dump-flows shows for MATCH
    of dump-flows --no-names "unix:$1" "$2" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | head -1
}

wait_packets() {  # wait_packets SOCK MATCH MIN: n_packets of MATCH's flow, once >= MIN (3 s at
    # most: OVS credits flows from its datapath in the background, Switchyard at once)
    local n=0
    for _ in $(seq 30); do
        n=$(flow_packets "$1" "$2")
        [ "${n:-0}" -ge "$3" ] && break
        sleep 0.1
    done
    echo "${n:-0}"
}
