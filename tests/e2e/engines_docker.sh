#!/usr/bin/env bash
# The Docker network driver with the real dockerd (private, see engines_lib.sh):
# `docker network create -d switchyard` makes a bridge, `docker run --network` attaches with
# offloads on and no docker_gwbridge; ping and HTTP work (the kernel fast path delivering to
# each container directly once Docker moved its end in); `docker restart` keeps IP and MAC;
# disconnect/connect, container removal and network removal clean up; restarting the switch
# daemon (TERM and KILL) and dockerd (TERM and KILL) reconciles: no leaked or duplicate ports.
# Usage: engines_docker.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/engines_lib.sh"
need_engines docker

ports_on() {  # ports_on BRIDGE: number of ports the switch has on it
    sy show --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(len(b["ports"]) for b in d["bridges"] if b["name"] == sys.argv[1]))' "$1"
}
docker_ports_up() {  # every port on BRIDGE is up and its interface exists
    sy show --json | /usr/bin/python3 -c '
import json, os, sys
d = json.load(sys.stdin)
for b in d["bridges"]:
    if b["name"] != sys.argv[1]: continue
    for p in b["ports"]:
        assert p["status"] == "up", p
        assert os.path.exists("/sys/class/net/" + p["name"]), p
        assert "docker.endpoint" in p.get("external_ids", {}), p' "$1"
}
veths_left() { ip -o link show | grep -c -E ": d[kc][0-9a-f]{12}[@:]" || true; }

start_daemon --docker-plugin ${plugin_name:+--docker-plugin-name "$plugin_name"}
[ -S "$plugin_socket" ] || fail "no plugin socket $plugin_socket"
start_dockerd
docker_image

out=$(docker network create -d "$plugin_name" --subnet 10.203.0.0/24 synet 2>&1) || fail "network create: $out"
nid=$(docker network inspect -f '{{.Id}}' synet)
bridge=dk-${nid:0:12}
sy show | grep -q "bridge $bridge" || fail "no bridge $bridge after docker network create"
# A bad driver option: Docker reports our message, nothing is made.
err=$(docker network create -d "$plugin_name" --subnet 10.209.0.0/24 -o switchyard.vlan=5000 bad 2>&1) &&
    fail "vlan 5000 accepted"
echo "$err" | grep -q "switchyard.vlan=5000: expected a VLAN id in 1..4094" || fail "unclear error: $err"
[ "$(sy show --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["bridges"]))')" = 1 ] ||
    fail "a refused network left a bridge"
echo "network ok: $bridge"

mkdir -p "$work/www"
echo "hello from docker" >"$work/www/index.html"
docker run -d --name web --network synet -v "$work/www:/www" sy-busybox:e2e httpd -f -p 80 -h /www >/dev/null ||
    fail "docker run web"
docker run -d --name cli --network synet sy-busybox:e2e sleep 600 >/dev/null || fail "docker run cli"
web_ip=$(ct_ip web synet); web_mac=$(ct_mac web synet)
[ -n "$web_ip" ] && [ -n "$web_mac" ] || fail "web has no address"
[ "$(ports_on "$bridge")" = 2 ] || fail "expected 2 ports, have $(ports_on "$bridge")"
docker_ports_up "$bridge" || fail "ports not up"
pid_offloads_on "$(ct_pid web)" web
pid_offloads_on "$(ct_pid cli)" cli
docker exec web ip link show eth0 | grep -q "$web_mac" || fail "web's eth0 lacks MAC $web_mac"
ip link show docker_gwbridge >/dev/null 2>&1 && fail "Docker made docker_gwbridge"
[ "$(docker exec web ip -o link show | grep -c ': eth')" = 1 ] || fail "web has more than one interface"
docker exec cli ping -c 2 -W 2 "$web_ip" >/dev/null || fail "ping cli->web"
body=$(docker exec cli wget -q -O - "http://$web_ip/index.html") || fail "HTTP cli->web"
[ "$body" = "hello from docker" ] || fail "HTTP body '$body'"
# Docker moves each veth's container end into its container after the plugin made the host
# end a port: within a second or two the kernel fast path delivers to it directly.
to_peer=0
for _ in $(seq 50); do
    to_peer=$(sy show --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for b in d["bridges"] if b["name"] == sys.argv[1]
          for p in b["ports"] if p.get("kernel_fastpath_to_peer")))' "$bridge")
    [ "$to_peer" = 2 ] && break
    sleep 0.1
done
[ "$to_peer" = 2 ] || fail "$to_peer of 2 Docker ports deliver to their container directly"
docker exec cli wget -q -O - "http://$web_ip/index.html" >/dev/null || fail "HTTP cli->web (to peer)"
echo "containers ok: ping, HTTP, offloads on, no docker_gwbridge"

# docker restart: back on the switch with the same IP and MAC, the old port gone.
docker restart -t 1 web >/dev/null || fail "docker restart"
[ "$(ct_ip web synet)" = "$web_ip" ] || fail "IP changed across restart: $(ct_ip web synet)"
[ "$(ct_mac web synet)" = "$web_mac" ] || fail "MAC changed across restart"
docker exec web ip link show eth0 | grep -q "$web_mac" || fail "web's eth0 lacks MAC after restart"
[ "$(ports_on "$bridge")" = 2 ] || fail "after restart: $(ports_on "$bridge") ports"
docker exec cli wget -q -O - "http://$web_ip/index.html" >/dev/null || fail "HTTP after docker restart"
echo "docker restart ok: $web_ip $web_mac"

# disconnect / connect
docker network disconnect synet cli || fail "disconnect"
[ "$(ports_on "$bridge")" = 1 ] || fail "disconnect left a port"
[ "$(veths_left)" = 1 ] || fail "disconnect left a veth ($(veths_left) left)"
docker network connect synet cli || fail "connect"
[ "$(ports_on "$bridge")" = 2 ] || fail "connect made no port"
docker exec cli ping -c 1 -W 2 "$web_ip" >/dev/null || fail "ping after reconnect"
echo "disconnect/connect ok"

# The switch daemon restarts under running containers: same ports, traffic flows again.
before=$(sy show --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(p["name"] for b in d["bridges"] for p in b["ports"]))')
for signal in TERM KILL; do
    stop_daemon $signal
    start_daemon --docker-plugin ${plugin_name:+--docker-plugin-name "$plugin_name"}
    after=$(sy show --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted(p["name"] for b in d["bridges"] for p in b["ports"]))')
    [ "$after" = "$before" ] || fail "after $signal: ports $after, expected $before"
    docker_ports_up "$bridge" || fail "ports not up after $signal"
    docker exec cli wget -q -O - "http://$web_ip/index.html" >/dev/null || fail "HTTP after daemon $signal"
done
grep -q "docker plugin '$plugin_name' listening on $plugin_socket (1 networks, 2 endpoints)" "$work/daemon.log" ||
    fail "the restarted daemon did not remember the network and endpoints"
docker restart -t 1 cli >/dev/null || fail "docker restart after daemon restarts"
[ "$(ports_on "$bridge")" = 2 ] || fail "docker restart after daemon restarts: $(ports_on "$bridge") ports"
echo "switch daemon restart ok (TERM, KILL)"

# dockerd restarts: `web` has a restart policy, `cli` not. TERM: Docker leaves its endpoints
# cleanly. KILL: it cannot; the containers die with their namespaces and Docker never tells
# the driver: reconciliation removes the dead ports.
docker update --restart always web >/dev/null || fail "docker update"
for signal in TERM KILL; do
    docker start cli >/dev/null 2>&1
    stop_dockerd $signal
    start_dockerd
    for _ in $(seq 50); do
        [ "$(docker inspect -f '{{.State.Running}}' web)" = true ] && [ "$(ports_on "$bridge")" = 1 ] && break
        sleep 0.2
    done
    [ "$(docker inspect -f '{{.State.Running}}' web)" = true ] || fail "web not restarted after dockerd $signal"
    [ "$(ports_on "$bridge")" = 1 ] || fail "after dockerd $signal: $(ports_on "$bridge") ports (expected web's only)"
    docker_ports_up "$bridge" || fail "web's port not up after dockerd $signal"
    [ "$(veths_left)" = 1 ] || fail "after dockerd $signal: $(veths_left) veths"
    [ "$(ct_mac web synet)" = "$(mac=$(ct_ip web synet); printf '02:53:%02x:%02x:%02x:%02x' ${mac//./ })" ] ||
        fail "web's MAC is not derived from its IP"
    docker start cli >/dev/null || fail "docker start cli after dockerd $signal"
    docker exec cli wget -q -O - "http://$(ct_ip web synet)/index.html" >/dev/null || fail "HTTP after dockerd $signal"
done
echo "dockerd restart ok (TERM, KILL)"

# Removal cleans up everything.
docker rm -f web cli >/dev/null || fail "docker rm"
[ "$(ports_on "$bridge")" = 0 ] || fail "docker rm left ports"
[ "$(veths_left)" = 0 ] || fail "docker rm left veths"
docker network rm synet >/dev/null || fail "network rm"
sy show | grep -q "$bridge" && fail "network rm left bridge $bridge"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
dk = d.get("engines", {}).get("docker", {})
assert not dk.get("networks") and not dk.get("endpoints"), dk' "$work/state.json" || fail "state keeps docker records"
daemon_alive || fail "daemon died"
echo "PASS"
