#!/usr/bin/env bash
# The original bug, reproduced on purpose: containers with default offloads attached through
# ports with `--offload legacy` (no vnet headers, as the old userspace datapath): ping works,
# TCP does not complete (curl times out), and the receiver's TcpInCsumErrors rises. The same
# containers on vnet ports (the default) work: the switch is the only difference.
# Usage: switch_legacy.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
make_ns a
make_ns b
sy attach br0 "$(ns_name a)" --ip 10.200.3.1/24 --offload legacy >/dev/null || fail "attach a legacy"
sy attach br0 "$(ns_name b)" --ip 10.200.3.2/24 --offload legacy >/dev/null || fail "attach b legacy"
offloads_on a
sy show | grep -q "offload legacy" || fail "show does not say legacy"

in_ns a ping -c 2 -i 0.2 -W 2 10.200.3.2 >/dev/null || fail "ping should work on legacy ports"
http_server b 10.200.3.2
before=$(csum_errors b)
if in_ns a curl -sS --max-time 3 http://10.200.3.2:8080/ >/dev/null 2>&1; then
    fail "HTTP GET completed through legacy ports: the bug did not reproduce"
fi
after=$(csum_errors b)
echo "legacy: curl failed as expected; receiver TcpInCsumErrors $before -> $after"
[ "$after" -gt "$before" ] || fail "TcpInCsumErrors did not rise at the receiver"

# Same containers, ports back to the default: TCP works.
sy detach br0 "$(ns_name a)" >/dev/null || fail "detach a"
sy detach br0 "$(ns_name b)" >/dev/null || fail "detach b"
sy attach br0 "$(ns_name a)" --ip 10.200.3.1/24 >/dev/null || fail "attach a vnet"
sy attach br0 "$(ns_name b)" --ip 10.200.3.2/24 >/dev/null || fail "attach b vnet"
body=$(in_ns a curl -sS --max-time 5 http://10.200.3.2:8080/) || fail "HTTP GET through vnet ports"
[ "$body" = "hello from b" ] || fail "HTTP body '$body'"
echo "vnet: HTTP GET ok"
daemon_alive || fail "daemon died"
echo "PASS"
