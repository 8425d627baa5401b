#!/usr/bin/env bash
# Ports and addresses that must be refused, with one precise line, exit 2 and nothing changed:
# loopback, non-Ethernet, enslaved (Linux bridge), already a port, bad trunk lists (CLI and
# socket), an empty MAC, network / unspecified addresses. Then a re-attach keeps the
# container's MAC, an attach with another MAC is announced (the peer's ARP entry changes
# without it asking), and the --json answers of add-br / add-port / attach / detach parse.
# Usage: switch_refused_ports.sh SWITCHYARD_BIN
SY_NS_TAG=hd
source "$(dirname "$0")/switch_lib.sh" "$1"
tun=sy-hd$id-tun; lbr=sy-hd$id-lb; va=sy-hd$id-a; vb=sy-hd$id-b
cleanup_links() { for l in "$tun" "$lbr" "$va"; do ip link del "$l" 2>/dev/null; done; }
trap 'cleanup_links; cleanup' EXIT

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
sy add-br br1 >/dev/null || fail "add-br br1"
ip tuntap add dev "$tun" mode tun || fail "tun"
ip link add "$lbr" type bridge || fail "linux bridge"
ip link add "$va" type veth peer name "$vb" || fail "veth"
ip link set "$va" master "$lbr"
ip link set "$vb" up
sy add-port br1 "$vb" >/dev/null || fail "add-port $vb"
make_ns a; make_ns b
sy show --json >"$work/before.json"

refused() {  # refused WHAT -- ARGS...: exit 2, one switchyard: line matching WHAT, no change
    local want=$1; shift 2
    local rc=0
    sy "$@" >"$work/out" 2>"$work/err" || rc=$?
    [ $rc = 2 ] || fail "switchyard $* exited $rc: $(cat "$work/err")"
    [ "$(wc -l <"$work/err")" = 1 ] && grep -q "^switchyard: .*$want" "$work/err" ||
        fail "switchyard $*: expected one line about '$want', got: $(cat "$work/err")"
    sy show --json >"$work/after.json"
    cmp -s "$work/before.json" "$work/after.json" || fail "switchyard $* changed the configuration"
    echo "refused: switchyard $* -> $(cat "$work/err")"
}
refused "loopback" -- add-port br0 lo
refused "not an Ethernet interface" -- add-port br0 "$tun"
refused "already a port of '$lbr'" -- add-port br0 "$va"
refused "already on bridge 'br1'" -- add-port br0 "$vb"
refused "already on bridge 'br1'" -- add-port br1 "$vb"
refused "not a VLAN number" -- add-port br0 "$tun" --trunk 10,,20
refused "listed twice" -- add-port br0 "$tun" --trunk 10,10
refused "must not be empty" -- attach br0 "$(ns_name a)" --ip 10.231.0.1/24 --mac ''
refused "network address" -- attach br0 "$(ns_name a)" --ip 10.231.0.0/24
refused "unspecified address" -- attach br0 "$(ns_name a)" --ip 0.0.0.0/0
refused "broadcast address" -- attach br0 "$(ns_name a)" --ip 10.231.0.255/24
ip netns exec "$(ns_name a)" ip link show eth0 >/dev/null 2>&1 && fail "a refused attach left eth0"

# Over the socket too: the control layer checks, not only the CLI.
rpc() {
    /usr/bin/python3 - "$work/switchyard.sock" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, **json.loads(sys.argv[2])}) + "\n").encode())
print(s.makefile().readline().strip())
PY
}
for params in '{"bridge":"br0","port":"'"$tun"'","trunk":[]}' '{"bridge":"br0","port":"'"$tun"'","trunk":[7,7]}'; do
    answer=$(rpc '{"method":"port.add","params":'"$params"'}')
    echo "$answer" | grep -q '"error"' || fail "port.add $params accepted: $answer"
done
answer=$(rpc '{"method":"container.attach","params":{"bridge":"br0","container":"'"$(ns_name a)"'","ip":"10.231.0.1/24","mac":""}}')
echo "$answer" | grep -q '"error"' || fail "attach with mac \"\" accepted: $answer"
sy show --json >"$work/after.json"
cmp -s "$work/before.json" "$work/after.json" || fail "a refused request changed the configuration"

# --json answers, and a re-attach that keeps the MAC.
sy add-br br2 --json | /usr/bin/python3 -c 'import json,sys; assert json.load(sys.stdin)["bridge"] == "br2"' ||
    fail "add-br --json"
sy del-br br2 >/dev/null
attach_json() { sy attach br0 "$(ns_name "$1")" --ip "$2" --json "${@:3}"; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
attach_json a 10.231.0.1/24 >"$work/a.json" || fail "attach a"
attach_json b 10.231.0.2/24 >"$work/b.json" || fail "attach b"
port_b=$(field port <"$work/b.json"); mac_b=$(field mac <"$work/b.json")
[ -n "$port_b" ] && [ -n "$mac_b" ] || fail "attach --json without port or mac: $(cat "$work/b.json")"
[ "$(in_ns b cat /sys/class/net/eth0/address)" = "$mac_b" ] || fail "attach --json mac is not eth0's"
in_ns a ping -c 1 -W 2 10.231.0.2 >/dev/null || fail "ping before re-attach"
sy detach br0 "$(ns_name b)" --json | field port | grep -qx "$port_b" || fail "detach --json"
attach_json b 10.231.0.2/24 >"$work/b2.json" || fail "re-attach b"
[ "$(field mac <"$work/b2.json")" = "$mac_b" ] || fail "re-attach changed the MAC: $mac_b -> $(field mac <"$work/b2.json")"
in_ns a ping -c 1 -W 1 10.231.0.2 >/dev/null || fail "first ping after the re-attach was lost"
echo "re-attach kept $mac_b; the first ping after it went through"

# A re-attach with another MAC is announced: a's cache changes without a asking.
sleep 1.2  # past the kernel's ARP locktime (1 s) since a last heard from b
sy detach br0 "$(ns_name b)" >/dev/null
attach_json b 10.231.0.2/24 --mac 06:00:00:00:00:b2 >/dev/null || fail "attach b with --mac"
for _ in $(seq 20); do
    in_ns a ip neigh show 10.231.0.2 | grep -q "06:00:00:00:00:b2" && break
    sleep 0.1
done
in_ns a ip neigh show 10.231.0.2 | grep -q "06:00:00:00:00:b2" ||
    fail "a's ARP cache was not updated by the announcement: $(in_ns a ip neigh show 10.231.0.2)"
echo "announced: a's ARP entry for 10.231.0.2 is now 06:00:00:00:00:b2"

# add-port --json names the port and its type.
sy del-port br1 "$vb" >/dev/null
sy add-port br1 "$vb" --json | field type | grep -qx system || fail "add-port --json"
sy del-port br1 "$vb" >/dev/null
echo "PASS"
