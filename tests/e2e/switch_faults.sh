#!/usr/bin/env bash
# Faults: the control socket fed garbage, oversized and unknown requests answers each with a
# JSON-RPC error and the daemon keeps running; a container deleted in the middle of a
# transfer takes its port down while the daemon keeps switching for the others.
# Usage: switch_faults.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
sock=$work/switchyard.sock
/usr/bin/python3 - "$sock" <<'PY' || fail "control socket fuzzing"
import json, os, socket, sys
path = sys.argv[1]
def exchange(data, expect_reply=True):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.shutdown(socket.SHUT_WR)
    reply = b""
    try:
        while not reply.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    except ConnectionResetError:
        pass
    s.close()
    return reply
cases = [b"garbage\n", os.urandom(3000) + b"\n", b"{\n", b"[]\n", b'{"jsonrpc":"2.0","id":1}\n',
         b'{"jsonrpc":"2.0","id":1,"method":"no.such"}\n',
         b'{"jsonrpc":"2.0","id":1,"method":"bridge.add","params":{"bridge":7}}\n',
         b'{"jsonrpc":"2.0","id":1,"method":"port.add","params":{"bridge":"br0","port":"x","vlan":99999}}\n',
         b"x" * 300000, b"[" * 60000 + b"\n"]
for data in cases:
    reply = exchange(data)
    msg = json.loads(reply.split(b"\n")[0])
    assert msg["jsonrpc"] == "2.0" and "error" in msg, (data[:40], reply[:200])
    print("error", msg["error"]["code"], msg["error"]["message"][:60])
# A client that connects and leaves without a word, and one that sends half a line.
exchange(b"")
exchange(b'{"jsonrpc":"2.0","id":1,"meth')
ok = json.loads(exchange(b'{"jsonrpc":"2.0","id":9,"method":"show"}\n'))
assert ok["id"] == 9 and "result" in ok
PY
daemon_alive || fail "daemon died from garbage"
sy show >/dev/null || fail "daemon does not answer after garbage"
echo "garbage ok"

# A container deleted mid-transfer.
for n in a b c; do make_ns $n; done
sy attach br0 "$(ns_name a)" --ip 10.200.5.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.200.5.2/24 >/dev/null || fail "attach b"
out=$(sy attach br0 "$(ns_name c)" --ip 10.200.5.3/24) || fail "attach c"
port_c=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
in_ns a iperf3 -s -1 -B 10.200.5.1 >/dev/null 2>&1 &
sleep 0.5
in_ns c iperf3 -c 10.200.5.1 -t 10 >/dev/null 2>&1 &
sleep 1.5
ip netns pids "$(ns_name c)" | xargs -r kill -9
ip netns del "$(ns_name c)"
sleep 1
daemon_alive || fail "daemon died when a container vanished"
in_ns a ping -c 2 -i 0.2 -W 2 10.200.5.2 >/dev/null || fail "switching for the others stopped"
http_server b 10.200.5.2
in_ns a curl -sS --max-time 5 http://10.200.5.2:8080/ >/dev/null || fail "HTTP for the others"
sy show | grep "$port_c" | grep -q "down" || fail "show does not mark $port_c down: $(sy show)"
sy detach br0 "$(ns_name c)" >/dev/null || fail "detach of a deleted container"
sy show | grep -q "$port_c" && fail "detach left $port_c in show"
echo "container deleted mid-transfer ok"
echo "PASS"
