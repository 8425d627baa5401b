#!/usr/bin/env bash
# TAP ports: `add-port BR NAME --type tap` creates the TAP (vnet header on), the TAP is moved
# into a namespace (a VM or a container stand-in), and TCP runs through it with offloads on
# to an attached veth container; no checksum errors on either side.
# Usage: switch_tap.sh SWITCHYARD_BIN
SY_NS_TAG=hd
source "$(dirname "$0")/switch_lib.sh" "$1"
tap=sy-hd$id-tap

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
sy add-port br0 "$tap" --type tap --json >"$work/tap.json" || fail "add-port --type tap"
grep -q '"type": "tap"' "$work/tap.json" || fail "add-port --json: $(cat "$work/tap.json")"
sy show | grep "$tap" | grep -q "type tap" || fail "show does not say tap: $(sy show)"
make_ns t; make_ns b
ip link set "$tap" netns "$(ns_name t)" || fail "moving the TAP into a namespace"
in_ns t ip addr add 10.233.0.1/24 dev "$tap"
in_ns t ip link set "$tap" up
sy attach br0 "$(ns_name b)" --ip 10.233.0.2/24 >/dev/null || fail "attach b"
offloads_on t "$tap"
offloads_on b

in_ns t ping -c 1 -W 2 10.233.0.2 >/dev/null || in_ns t ping -c 2 -W 2 10.233.0.2 >/dev/null ||
    fail "ping through the TAP"
mkdir -p "$work/www"
head -c 4000000 /dev/urandom >"$work/www/big"
http_server b 10.233.0.2
in_ns t curl -sS --max-time 20 -o "$work/got" http://10.233.0.2:8080/big || fail "TCP from the TAP"
cmp -s "$work/got" "$work/www/big" || fail "the file arrived damaged"
# The other way: the TAP side sends (its TSO super-frames enter the switch through the TAP).
in_ns b /usr/bin/python3 -c '
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.233.0.2", 9000)); s.listen(1); s.settimeout(20)
c, _ = s.accept(); h = hashlib.sha256(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    h.update(d); n += len(d)
print(n, h.hexdigest())' >"$work/up" &
sink=$!
sleep 0.5
in_ns t /usr/bin/python3 -c '
import socket, sys
data = open(sys.argv[1], "rb").read()
s = socket.create_connection(("10.233.0.2", 9000), timeout=20); s.sendall(data); s.close()' \
    "$work/www/big" || fail "TCP into the container"
wait $sink
[ "$(cat "$work/up")" = "4000000 $(sha256sum <"$work/www/big" | cut -d" " -f1)" ] ||
    fail "upload arrived damaged: $(cat "$work/up")"
for n in t b; do
    [ "$(csum_errors $n)" = 0 ] || fail "checksum errors in $n: $(csum_errors $n)"
done
sy stats | tee "$work/stats" | sed -n "/$tap/,+3p"
echo "PASS: TCP both ways through a TAP port in a namespace, offloads on, no checksum errors"
