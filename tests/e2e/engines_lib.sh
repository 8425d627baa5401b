# Shared by the engines_*.sh end-to-end tests (sourced after switch_lib.sh): the real container
# engines, each run privately under the test's directory, and everything they leave outside it
# put back as it was.
#   dockerd: --data-root/--exec-root/-H/--pidfile in $work, no iptables, no forwarding, no
#            default bridge, a cgroup parent of its own; images imported from busybox-static.
#   podman:  CONTAINERS_CONF / CONTAINERS_STORAGE_CONF of our own (CNI backend, our CNI config
#            directory and plugin directory), --rootfs of busybox-static.
# What these daemons write outside $work anyway, and we restore: /etc/docker/key.json,
# /run/docker (plugin sockets), /run/containerd (shim sockets), /var/lib/cni (libcni's result
# cache), cgroup folders (libpod_parent, ours).
# Usage: source switch_lib.sh "$BIN"; source engines_lib.sh; need_engines docker podman

engines_cgroup=sy-e2e-$id
docker_pid=
prom_pid=
declare -A preexisting=()
ip link show docker_gwbridge >/dev/null 2>&1 && preexisting[docker_gwbridge]=1
for path in /etc/docker /etc/docker/key.json /run/docker /run/docker/plugins /run/containerd \
    /var/lib/cni /sys/fs/cgroup/memory/libpod_parent /sys/fs/cgroup/memory/docker; do
    [ -e "$path" ] && preexisting[$path]=1
done

need_engines() {  # need_engines docker podman prometheus: the binaries must be there
    local tool
    for tool in "$@"; do
        case $tool in
            docker) command -v dockerd >/dev/null || fail "dockerd is not installed (scripts/setup.sh)" ;;
            podman) command -v podman >/dev/null || fail "podman is not installed (scripts/setup.sh)"
                    [ -x /usr/lib/cni/host-local ] || fail "/usr/lib/cni/host-local is missing (containernetworking-plugins)" ;;
            prometheus) command -v prometheus >/dev/null || fail "prometheus is not installed (scripts/setup.sh)" ;;
        esac
    done
    [ -x /bin/busybox ] || fail "/bin/busybox is missing (busybox-static)"
}

# The Docker driver's name is fixed by its socket's file name; use the default unless another
# driver (a real installation) serves it right now.
plugin_name=switchyard
if [ -S /run/docker/plugins/switchyard.sock ] &&
    /usr/bin/python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' \
        /run/docker/plugins/switchyard.sock 2>/dev/null; then
    plugin_name=switchyard-e2e$id
fi
plugin_socket=/run/docker/plugins/$plugin_name.sock

make_rootfs() {  # a busybox root file system in $work/rootfs, every applet linked
    mkdir -p "$work/rootfs/bin" "$work/rootfs/www" "$work/rootfs/tmp"
    cp /bin/busybox "$work/rootfs/bin/"
    local applet
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$work/rootfs/bin/$applet"
    done
}

export DOCKER_HOST=unix://$work/docker/docker.sock
docker_args=(--config-file "$work/docker/daemon.json" --data-root "$work/docker/data"
    --exec-root "$work/docker/exec" -H "$DOCKER_HOST" --pidfile "$work/docker/docker.pid"
    --iptables=false --ip6tables=false --bridge=none --ip-forward=false --ip-masq=false
    --cgroup-parent "/$engines_cgroup")

start_dockerd() {
    mkdir -p "$work/docker"
    [ -e "$work/docker/daemon.json" ] || echo '{}' >"$work/docker/daemon.json"
    dockerd "${docker_args[@]}" >>"$work/docker/dockerd.log" 2>&1 </dev/null &
    docker_pid=$!
    for _ in $(seq 150); do
        docker version >/dev/null 2>&1 && return 0
        kill -0 "$docker_pid" 2>/dev/null || fail "dockerd exited: $(tail -5 "$work/docker/dockerd.log")"
        sleep 0.1
    done
    fail "dockerd did not answer on $DOCKER_HOST"
}

stop_dockerd() {  # stop_dockerd [SIGNAL]
    [ -n "$docker_pid" ] || return 0
    local containerd_pid
    containerd_pid=$(cat "$work/docker/exec/containerd/containerd.pid" 2>/dev/null || true)
    kill -"${1:-TERM}" "$docker_pid" 2>/dev/null
    for _ in $(seq 200); do kill -0 "$docker_pid" 2>/dev/null || break; sleep 0.1; done
    wait "$docker_pid" 2>/dev/null || true
    docker_pid=
    # dockerd's own containerd outlives a killed dockerd for a moment, holding its database:
    # the next dockerd's containerd would time out on it.
    if [ -n "$containerd_pid" ]; then
        for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || return 0; sleep 0.1; done
        kill -9 "$containerd_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || return 0; sleep 0.1; done
    fi
}

docker_image() {  # imports $work/rootfs as sy-busybox:e2e
    make_rootfs
    tar -C "$work/rootfs" -cf "$work/rootfs.tar" . || fail "tar of the rootfs"
    docker import "$work/rootfs.tar" sy-busybox:e2e >/dev/null || fail "docker import"
}

ct_pid() { docker inspect -f '{{.State.Pid}}' "$1"; }               # Docker container -> PID
ct_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"; }
ct_mac() { docker inspect -f "{{(index .NetworkSettings.Networks \"$2\").MacAddress}}" "$1"; }
in_pid() { local pid=$1; shift; nsenter --net=/proc/$pid/ns/net "$@"; }  # host tools, container netns
pid_csum_errors() {  # TcpInCsumErrors in the namespace of PID
    in_pid "$1" awk '$1 == "Tcp:" { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InCsumErrors"] }' /proc/net/snmp
}
pid_offloads_on() {  # the container's eth0 keeps TX checksum and TSO on
    in_pid "$1" ethtool -k eth0 | grep -q "^tx-checksumming: on" || fail "tx checksumming off in $2"
    in_pid "$1" ethtool -k eth0 | grep -q "^tcp-segmentation-offload: on" || fail "TSO off in $2"
}

# podman, private: CNI backend, our network configs, our plugin directory (the switchyard
# binary as plugin "switchyard", host-local for IPAM).
setup_podman() {
    mkdir -p "$work/podman/root" "$work/podman/runroot" "$work/podman/tmp" "$work/cni/conf" \
        "$work/cni/bin" "$work/cni/ipam"
    ln -sf "$(readlink -f "$sy_bin")" "$work/cni/bin/switchyard"
    ln -sf /usr/lib/cni/host-local "$work/cni/bin/host-local"
    cat >"$work/podman/containers.conf" <<CONF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/podman/events.log"
tmp_dir = "$work/podman/tmp"
[network]
network_backend = "cni"
cni_plugin_dirs = ["$work/cni/bin"]
network_config_dir = "$work/cni/conf"
CONF
    cat >"$work/podman/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$work/podman/root"
runroot = "$work/podman/runroot"
CONF
    export CONTAINERS_CONF=$work/podman/containers.conf
    export CONTAINERS_STORAGE_CONF=$work/podman/storage.conf
}

podman_run() {  # podman_run NAME NETWORK [podman run options...] -- COMMAND...
    local name=$1 network=$2; shift 2
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    # --rootfs takes the root directory as its first argument: options go before it.
    timeout 60 podman run -d --name "$name" --network "$network" \
        --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 \
        --cgroup-parent "/$engines_cgroup" "${opts[@]}" --rootfs "$work/rootfs" "$@"
}

start_prometheus() {  # start_prometheus TARGET(host:port) LISTEN(host:port)
    mkdir -p "$work/prometheus/data"
    cat >"$work/prometheus/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: switchyard
    static_configs:
      - targets: ['$1']
CONF
    prometheus --config.file="$work/prometheus/prometheus.yml" \
        --storage.tsdb.path="$work/prometheus/data" --web.listen-address="$2" \
        >"$work/prometheus/prometheus.log" 2>&1 </dev/null &
    prom_pid=$!
    for _ in $(seq 100); do
        curl -fsS "http://$2/-/ready" >/dev/null 2>&1 && return 0
        kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited: $(tail -5 "$work/prometheus/prometheus.log")"
        sleep 0.2
    done
    fail "prometheus did not become ready"
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rm_cgroup() {  # removes a cgroup folder tree in every v1 hierarchy (empty by now)
    local d
    for d in /sys/fs/cgroup/*/"$1"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
}

# Containers whose engine is gone (a dockerd the test killed, a failure half-way): their
# processes are in our cgroup, and their shims name our directories. Killed by PID.
kill_leftovers() {
    local f pid
    for f in /sys/fs/cgroup/pids/"$engines_cgroup"/*/cgroup.procs /sys/fs/cgroup/pids/"$engines_cgroup"/cgroup.procs; do
        [ -f "$f" ] && xargs -r kill -9 <"$f" 2>/dev/null
    done
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        [ "$pid" = $$ ] && continue
        tr '\0' ' ' 2>/dev/null <"$f" | grep -q -e "$work/docker" -e "$work/podman" && kill -9 "$pid" 2>/dev/null
    done
    sleep 0.5
}

engines_cleanup() {
    set +e
    if [ -n "$docker_pid" ] && kill -0 "$docker_pid" 2>/dev/null; then
        docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
        docker network ls -q --filter driver="$plugin_name" | xargs -r docker network rm >/dev/null 2>&1
    fi
    stop_dockerd TERM
    if [ -n "${CONTAINERS_CONF:-}" ]; then
        timeout 60 podman rm -f -a -t 0 >/dev/null 2>&1
    fi
    kill_leftovers
    if [ -n "$prom_pid" ]; then kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null; fi
    # dockerd bind-mounts its data root (and overlay mounts under it).
    grep " $work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm_cgroup "$engines_cgroup"
    [ -n "${preexisting[/sys/fs/cgroup/memory/libpod_parent]:-}" ] || rm_cgroup libpod_parent
    [ -n "${preexisting[/sys/fs/cgroup/memory/docker]:-}" ] || rm_cgroup docker
    [ -n "${preexisting[/etc/docker/key.json]:-}" ] || rm -f /etc/docker/key.json
    [ -n "${preexisting[/etc/docker]:-}" ] || rmdir /etc/docker 2>/dev/null
    rm -f "$plugin_socket"
    [ -n "${preexisting[/run/docker/plugins]:-}" ] || rmdir /run/docker/plugins 2>/dev/null
    [ -n "${preexisting[/run/docker]:-}" ] || rm -rf /run/docker
    [ -n "${preexisting[/run/containerd]:-}" ] || rm -rf /run/containerd
    [ -n "${preexisting[/var/lib/cni]:-}" ] || rm -rf /var/lib/cni
    # Made by dockerd (with its data root, now gone) only if a Join answer let it.
    [ -n "${preexisting[docker_gwbridge]:-}" ] || ip link del docker_gwbridge 2>/dev/null
}
trap 'engines_cleanup; cleanup' EXIT
