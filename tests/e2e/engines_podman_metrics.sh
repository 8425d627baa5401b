#!/usr/bin/env bash
# A Docker container (our Docker driver) and a podman container (our CNI plugin, podman's CNI
# backend, host-local IPAM) on the same Switchyard bridge, both with offloads on: ping, HTTP
# (busybox httpd) both ways, 16 MiB over TCP both ways with matching SHA-256 and no checksum
# errors at the receivers. The CNI plugin also answers VERSION, CHECK (against podman's cached
# result), a repeated DEL and a bad configuration as the spec says. The real Prometheus scrapes
# the daemon's /metrics on loopback; rate() over a port's packet counter matches the rate the
# kernel counted on that veth within 10 % (steady one-way UDP from the podman container).
# Usage: engines_podman_metrics.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/engines_lib.sh"
need_engines docker podman prometheus

metrics_port=$(free_port)
# The userspace datapath: Prometheus' rates of the switch's own port counters are checked
# against the kernel's, so every frame must cross userspace.
start_daemon --no-kernel-fastpath --docker-plugin ${plugin_name:+--docker-plugin-name "$plugin_name"} --metrics "$metrics_port"
grep -q "metrics on http://127.0.0.1:$metrics_port/metrics" "$work/daemon.log" || fail "no metrics endpoint"
start_dockerd
docker_image
setup_podman

sy add-br sybr >/dev/null || fail "add-br"
# Docker's IPAM hands out the lower half, host-local the upper half of one subnet.
docker network create -d "$plugin_name" --subnet 10.204.0.0/24 --ip-range 10.204.0.0/25 \
    -o switchyard.bridge=sybr mixnet >/dev/null || fail "docker network create"
cat >"$work/cni/conf/synet.conflist" <<CONF
{"cniVersion": "1.0.0", "name": "synet",
 "plugins": [{"type": "switchyard", "bridge": "sybr", "socket": "$work/switchyard.sock",
              "ipam": {"type": "host-local", "dataDir": "$work/cni/ipam",
                       "ranges": [[{"subnet": "10.204.0.0/24", "rangeStart": "10.204.0.130",
                                    "rangeEnd": "10.204.0.250"}]]}}]}
CONF

for side in d p; do
    mkdir -p "$work/www-$side" "$work/dl-$side"
    echo "hello from $side" >"$work/www-$side/index.html"
    head -c $((16 << 20)) /dev/urandom >"$work/www-$side/big.bin"
done
docker run -d --name dweb --network mixnet -v "$work/www-d:/www" -v "$work/dl-d:/dl" \
    sy-busybox:e2e httpd -f -p 80 -h /www >/dev/null || fail "docker run"
out=$(podman_run pweb synet -v "$work/www-p:/www" -v "$work/dl-p:/dl" -- httpd -f -p 80 -h /www 2>&1) ||
    fail "podman run: $out"
d_ip=$(ct_ip dweb mixnet)
p_ip=$(podman inspect -f '{{.NetworkSettings.Networks.synet.IPAddress}}' pweb)
p_mac=$(podman inspect -f '{{.NetworkSettings.Networks.synet.MacAddress}}' pweb)
d_pid=$(ct_pid dweb)
p_pid=$(podman inspect -f '{{.State.Pid}}' pweb)
p_id=$(podman inspect -f '{{.Id}}' pweb)
echo "docker $d_ip, podman $p_ip ($p_mac)"
case $p_ip in 10.204.0.1[3-9]?|10.204.0.2[0-5]?) ;; *) fail "podman's address $p_ip is not from host-local's range" ;; esac
in_pid "$p_pid" ip link show eth0 | grep -q "$p_mac" || fail "podman's eth0 lacks $p_mac"
p_port=$(sy show --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for b in d["bridges"]:
    for p in b["ports"]:
        if p.get("external_ids", {}).get("cni.container") == sys.argv[1]:
            assert b["name"] == "sybr" and p["status"] == "up", p
            assert p["external_ids"]["cni.network"] == "synet", p
            print(p["name"])' "$p_id") || fail "no up port for the podman container"
[ -n "$p_port" ] || fail "no port for the podman container"
pid_offloads_on "$d_pid" dweb
pid_offloads_on "$p_pid" pweb

docker exec dweb ping -c 2 -W 2 "$p_ip" >/dev/null || fail "ping docker->podman"
podman exec pweb ping -c 2 -W 2 "$d_ip" >/dev/null || fail "ping podman->docker"
[ "$(podman exec pweb wget -q -O - "http://$d_ip/index.html")" = "hello from d" ] || fail "HTTP podman->docker"
[ "$(docker exec dweb wget -q -O - "http://$p_ip/index.html")" = "hello from p" ] || fail "HTTP docker->podman"
echo "ping and HTTP ok, both ways"

podman exec pweb wget -q -O /dl/big.bin "http://$d_ip/big.bin" || fail "16 MiB docker->podman"
docker exec dweb wget -q -O /dl/big.bin "http://$p_ip/big.bin" || fail "16 MiB podman->docker"
for side in d p; do
    other=$([ $side = d ] && echo p || echo d)
    [ "$(sha256sum <"$work/www-$other/big.bin")" = "$(sha256sum <"$work/dl-$side/big.bin")" ] ||
        fail "SHA-256 differs at $side"
done
[ "$(pid_csum_errors "$d_pid")" = 0 ] || fail "TcpInCsumErrors at the docker container: $(pid_csum_errors "$d_pid")"
[ "$(pid_csum_errors "$p_pid")" = 0 ] || fail "TcpInCsumErrors at the podman container: $(pid_csum_errors "$p_pid")"
echo "TCP 16 MiB both ways ok: SHA-256 match, 0 TcpInCsumErrors at both receivers"

# The plugin by hand, as a runtime calls it: VERSION; CHECK against podman's cached result;
# DEL of something never added (idempotent); a broken configuration (CNI error JSON, code 7).
cni() {  # cni COMMAND CONTAINERID NETNS < config
    env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="$3" CNI_IFNAME=eth0 \
        CNI_PATH="$work/cni/bin" "$work/cni/bin/switchyard"
}
v=$(echo '{"cniVersion":"1.0.0"}' | cni VERSION x "") || fail "VERSION"
echo "$v" | grep -q '"supportedVersions":\[.*"1.0.0"' || fail "VERSION answer: $v"
cache=$(ls /var/lib/cni/results/synet-"$p_id"-eth0 2>/dev/null) || fail "no libcni cache for pweb"
netns=$(podman inspect -f '{{.NetworkSettings.SandboxKey}}' pweb)
/usr/bin/python3 - "$cache" "$work/cni/conf/synet.conflist" >"$work/check.json" <<'PY'
import json, sys
cached = json.load(open(sys.argv[1]))
conf = json.load(open(sys.argv[2]))
plugin = dict(conf["plugins"][0], name=conf["name"], cniVersion=conf["cniVersion"])
plugin["prevResult"] = cached["result"]
print(json.dumps(plugin))
PY
out=$(cni CHECK "$p_id" "$netns" <"$work/check.json") || fail "CHECK of a healthy attachment: $out"
out=$(cni CHECK "0123456789ab" "$netns" <"$work/check.json") && fail "CHECK of an unknown container passed"
echo "$out" | grep -q '"code":3' || fail "CHECK error: $out"
out=$(cni DEL "0123456789ab" "" <"$work/check.json") || fail "DEL of a container never added: $out"
rc=0; out=$(echo '{"cniVersion":"1.0.0","name":"synet","type":"switchyard"}' | cni ADD "0123456789ab" "$netns") || rc=$?
[ $rc != 0 ] && echo "$out" | grep -q '"code":7' && echo "$out" | grep -q 'ipam' || fail "ADD without ipam: rc=$rc $out"
echo "CNI VERSION/CHECK/DEL/errors ok"

# Prometheus scrapes the daemon; the rate it computes over our port counter matches the rate
# the kernel counted on the same veth (steady UDP, 125 datagrams per second, podman to docker).
prom_port=$(free_port)
start_prometheus "127.0.0.1:$metrics_port" "127.0.0.1:$prom_port"
query() {  # query PROMQL [TIME]: the first sample's value
    curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" \
        ${2:+--data-urlencode "time=$2"} | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "none")'
}
for _ in $(seq 50); do [ "$(query 'up{job="switchyard"}')" = 1 ] && break; sleep 0.2; done
[ "$(query 'up{job="switchyard"}')" = 1 ] || fail "prometheus does not scrape the daemon"
# One-way UDP (to the discard port; nothing answers but a rate-limited ICMP error), so the
# port's rx counter is not confused with its tx counter.
in_pid "$p_pid" /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.time()
for i in range(1500):
    s.sendto(b"x" * 100, (sys.argv[1], 9))
    time.sleep(max(0.0, start + i * 0.008 - time.time()))' "$d_ip" & pinger=$!
sleep 4
kernel() { cat "/sys/class/net/$p_port/statistics/rx_packets"; }
t1=$(date +%s.%N); n1=$(kernel)
sleep 6
t2=$(date +%s.%N); n2=$(kernel)
sleep 1.5  # the scrape that covers t2
expected=$(/usr/bin/python3 -c "print(($n2 - $n1) / ($t2 - $t1))")
measured=$(query "rate(switchyard_port_rx_packets_total{bridge=\"sybr\",port=\"$p_port\"}[6s])" "$t2")
wait $pinger || true
echo "rate(): prometheus $measured packets/s, kernel $expected packets/s"
/usr/bin/python3 -c "
m, e = float('$measured'), float('$expected')
assert e > 20, e
assert abs(m - e) <= 0.1 * e, (m, e)" || fail "prometheus rate $measured vs kernel $expected"
for series in 'switchyard_build_info' 'switchyard_port_csum_verified_total{result="good"}' \
    'switchyard_port_gso_superframes_total{decision="passed"}' 'switchyard_port_tx_bytes_total' \
    'switchyard_kernel_fastpath_info{state="off"}'; do
    [ "$(query "$series")" != none ] || fail "prometheus has no $series"
done
echo "prometheus ok"

podman rm -f -t 0 pweb >/dev/null || fail "podman rm"
sy show --json | grep -q "$p_port" && fail "podman rm left port $p_port"
ls "$work/cni/ipam/synet/$p_ip" >/dev/null 2>&1 && fail "podman rm left the address $p_ip allocated"
docker rm -f dweb >/dev/null || fail "docker rm"
docker network rm mixnet >/dev/null || fail "docker network rm"
sy show | grep -q "bridge sybr" || fail "docker network rm removed a bridge it did not make"
sy show | grep -q "(no ports)" || fail "ports left on sybr"
daemon_alive || fail "daemon died"
echo "PASS"
