#!/usr/bin/env bash
# Builds everything and runs every test: unit, oracle (scapy/tshark), end-to-end
# (network namespaces, needs root), the ASan/UBSan build, and bounded fuzzing.
# Exits non-zero if anything fails. Usage: scripts/test.sh [--quick]  (--quick: release build only)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash scripts/setup.sh || { echo "test: setup failed"; exit 1; }

failed=()
stage() {  # stage NAME COMMAND...: run, remember failures, keep going
    local name=$1; shift
    echo "=== $name"
    if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; failed+=("$name"); fi
}

build() {  # build DIR [cmake args...] [-- ninja targets...]
    local dir=$1; shift
    local args=() targets=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
    [ $# -gt 0 ] && { shift; targets=("$@"); }
    cmake -S "$root" -B "$dir" -G Ninja -DSY_WERROR=ON "${args[@]}" >/dev/null &&
        ninja -C "$dir" -j "$jobs" "${targets[@]}"
}

# Every build here is warning-clean (-DSY_WERROR=ON); users' builds only warn.
# The tests run once, on the Release build packagers and benchmarkers use.
stage "build (release)" build build -DCMAKE_BUILD_TYPE=Release
stage "tests (release)" ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

if [ $quick = 0 ]; then
    # What scripts/lab.sh builds: the binary, with the default build type (RelWithDebInfo).
    stage "build (default type)" build build-default -DSY_BENCH=OFF -- switchyard
    stage "build (asan+ubsan)" build build-asan -DSY_SANITIZE=ON -DSY_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
    # Namespace tests run once (release); the sanitizer pass covers the code paths in-process.
    stage "tests (asan+ubsan)" ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE e2e --timeout 900
    stage "fuzz (bounded)" bash scripts/fuzz.sh "${SY_FUZZ_SECONDS:-30}"
fi

if [ ${#failed[@]} -gt 0 ]; then
    echo "test: FAILED stages: ${failed[*]}"
    exit 1
fi
echo "test: all stages passed"
