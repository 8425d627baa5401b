#!/usr/bin/env bash
# Every usage error of every verb: exit 2, exactly one stderr line starting `switchyard: `,
# nothing on stdout; `--help` prints help and exits 0. No daemon is needed: these are refused
# before any connection (a private, empty --dir makes sure nothing else could answer).
# Usage: usage_errors.sh SWITCHYARD_BIN
set -u
bin=$1
dir=$(mktemp -d /tmp/sy-cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
export SWITCHYARD_DIR=$dir
failures=0

# One case per line: the arguments, as the shell splits them.
cases=$(cat <<'CASES'
--frob
nosuchverb
daemon --busy-poll-us 0
daemon --busy-poll-contended-us soon
daemon --busy-poll-max-us -1
daemon --af-packet-rx ring-v9
daemon --af-packet-ring-slots 33
daemon --af-packet-ring-slots 0
daemon stray-argument
add-br
add-br br0 extra
del-br
add-port br0
add-port br0 X --vlan 4095
add-port br0 X --vlan 0
add-port br0 X --trunk 10,4095
add-port br0 X --vlan 10 --trunk 10,20
add-port br0 X --offload magic
add-port br0 X --corrupt 2
add-port br0 X --type nosuchtype
add-port br0 X --frob
del-port br0
show --frob
show extra
stats --frob
fdb
fdb br0 --frob
attach br0 ns
attach br0
attach br0 ns --ip 10.0.0.1/24 --mtu 10
attach br0 ns --ip 10.0.0.1/24 --vlan 5000
attach br0 ns --ip 10.0.0.1/24 --offload magic
detach br0
detach br0 ns --frob
capture
capture br0 port
capture --iface lo
capture br0 port -w x.pcapng --direction sideways
csum-trace --frob
csum-trace --max-listed x a.pcap
add-flow br0
add-flow
add-flow br0 actions=drop --frob
add-flows br0
mod-flows br0
mod-flows br0 actions=drop --frob
del-flows
del-flows br0 --frob
replace-flows br0
dump-flows
dump-flows br0 --frob
trace
trace br0 --packet 3
trace br0 --csum sideways
trace br0 --tso 0
version --frob
CASES
)

while IFS= read -r line; do
    [ -n "$line" ] || continue
    # shellcheck disable=SC2086  # the case line is meant to be split
    out=$("$bin" $line 2>"$dir/err")
    rc=$?
    lines=$(wc -l <"$dir/err")
    if [ "$rc" != 2 ] || [ "$lines" != 1 ] || ! grep -q '^switchyard: ' "$dir/err" || [ -n "$out" ]; then
        echo "FAIL: switchyard $line -> exit $rc, $lines stderr lines, stdout '${out:0:60}':"
        sed 's/^/    /' "$dir/err"
        failures=$((failures + 1))
    else
        echo "ok: switchyard $line -> $(cat "$dir/err")"
    fi
done <<<"$cases"

# Bad capture files: one line naming the real problem, exit 2 (not "OK: all 0 packets").
# A classic pcap header and one record header promising 100 bytes that never come.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$dir/trunc.pcap"
printf '\x01\x00\x00\x00\x00\x00\x00\x00\x64\x00\x00\x00\x64\x00\x00\x00\x00\x01' >>"$dir/trunc.pcap"
mkdir -p "$dir/adir"
for spec in "$dir/trunc.pcap:no readable packet" "$dir/adir:is a directory" \
    "/proc/self/mem:cannot read"; do
    file=${spec%%:*} want=${spec#*:}
    out=$("$bin" csum-trace "$file" 2>"$dir/err")
    rc=$?
    if [ "$rc" != 2 ] || [ "$(wc -l <"$dir/err")" != 1 ] || ! grep -q "^switchyard: .*$want" "$dir/err" ||
        [ -n "$out" ]; then
        echo "FAIL: csum-trace $file -> exit $rc, stdout '${out:0:60}', stderr:"; sed 's/^/    /' "$dir/err"
        failures=$((failures + 1))
    else
        echo "ok: csum-trace $file -> $(cat "$dir/err")"
    fi
done

# --help still prints help, exit 0, for the root and for every verb.
for verb in "" daemon add-br del-br add-port del-port show stats fdb attach detach capture \
    csum-trace add-flow add-flows mod-flows del-flows replace-flows dump-flows trace; do
    # shellcheck disable=SC2086
    if ! "$bin" $verb --help >"$dir/out" 2>&1 || ! grep -qi "usage" "$dir/out"; then
        echo "FAIL: switchyard $verb --help"; failures=$((failures + 1))
    fi
done
[ $failures = 0 ] || { echo "FAIL: $failures cases"; exit 1; }
echo "PASS"
