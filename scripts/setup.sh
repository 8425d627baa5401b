#!/usr/bin/env bash
# Installs every Debian package Switchyard needs to build, test, benchmark and run the lab.
# Idempotent: re-running it only installs what is missing. Needs root (CI runs as root).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  clang-format clang-tidy
  # libraries
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev libpcap-dev libmnl-dev libbpf-dev libdpdk-dev
  # oracles and end-to-end tools
  python3 python3-scapy tshark tcpdump iperf3 iproute2 iputils-ping ethtool curl procps psmisc
  # the topology benchmark's --plot
  python3-matplotlib
  openvswitch-switch
  # DPDK peers: dpdk-testpmd (dpdk-dev) for the DPDK/vhost-user tests, OVS-DPDK for bench/dpdk
  dpdk dpdk-dev openvswitch-switch-dpdk
  # OpenFlow peers for the OpenFlow tests: OVS's learning-switch controller and os-ken
  openvswitch-testcontroller python3-os-ken
  # container engines and metrics (the Docker driver, the CNI plugin, Prometheus metrics),
  # tested against the real daemons; images are built from busybox-static (no registry)
  docker.io podman containernetworking-plugins busybox-static prometheus prometheus-cpp-dev
  libboost-dev  # Boost.Beast: HTTP of the Docker plugin socket (header-only)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
# Packaged services (openvswitch-switch) must not start here: the lab runs its own instances.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
fi
trap '[ $created_policy = 1 ] && rm -f "$policy"' EXIT
apt-get install -y -q --no-install-recommends "${missing[@]}"

# The tests start dockerd, containerd, podman and prometheus privately. The packages enable their
# services (policy-rc.d only stops them from starting now): undo that for the services this run
# installed, and stop any that did start, so nothing of theirs runs at the next boot either.
services=()
for p in "${missing[@]}"; do
  case $p in
    docker.io) services+=(docker.socket docker.service containerd.service) ;;
    prometheus) services+=(prometheus.service) ;;
    openvswitch-testcontroller) services+=(openvswitch-testcontroller.service) ;;
    podman) services+=(podman.socket podman.service podman-restart.service
                       podman-auto-update.timer podman-auto-update.service) ;;
  esac
done
if [ ${#services[@]} -gt 0 ] && command -v systemctl >/dev/null; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now "${services[@]}" >/dev/null 2>&1 || true
  else
    systemctl disable "${services[@]}" >/dev/null 2>&1 || true  # offline: only the links
  fi
fi
