#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the switchyard binary and runs
# the lab (lab/), which rebuilds the original checksum investigation with real namespaces,
# switches, curl and tcpdump, and prints one table. Needs root. Arguments go to the lab:
#   bash scripts/lab.sh                       # every scenario
#   bash scripts/lab.sh --scenario ovs --keep-captures /tmp/caps
#   bash scripts/lab.sh --json | --list | --help
# Exit status: the lab's (0 the story held, 1 a scenario failed or surprised, 2 bad
# arguments, 130 interrupted); 3 if setup or the build failed.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${SY_BUILD_DIR:-build}

if [ "$(id -u)" != 0 ]; then
    echo "lab: needs root (network namespaces): run it as root (or with sudo)" >&2
    exit 3
fi
bash scripts/setup.sh >&2 || { echo "lab: scripts/setup.sh failed" >&2; exit 3; }
{ cmake -S . -B "$build" -G Ninja >/dev/null && ninja -C "$build" switchyard; } >&2 \
    || { echo "lab: building switchyard failed" >&2; exit 3; }
SWITCHYARD_BIN="$PWD/$build/apps/switchyard/switchyard" exec /usr/bin/python3 -m lab "$@"
