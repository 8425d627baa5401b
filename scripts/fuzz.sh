#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time,
# starting from its seed corpus in tests/fuzz/corpus/<target>/. Usage: scripts/fuzz.sh [SECONDS]
# Every target runs even when one fails; a failure prints the failed invariant or sanitizer
# report and the crashing input as hex (add it to the corpus as a regression seed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSY_FUZZ=ON -DSY_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-fuzz -j "$(nproc)" fuzz_targets
shopt -s nullglob
targets=(build-fuzz/tests/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then echo "fuzz: no targets built"; exit 1; fi
failed=()
for t in "${targets[@]}"; do
    name=$(basename "$t")
    corpus=tests/fuzz/corpus/${name#fuzz_}
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
    echo "fuzz: $name for ${seconds}s"
    log=$work.log
    if "$t" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$work.crash-" "$work" >"$log" 2>&1; then
        tail -4 "$log"
    else
        failed+=("$name")
        grep -E -A12 "fuzz invariant failed|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehavior)|runtime error:" "$log" | head -40 || tail -40 "$log"
        for c in "$work".crash-*; do
            echo "fuzz: $name crashing input $(basename "$c"): $(od -An -tx1 -v "$c" | tr -d ' \n' | head -c 2000)"
        done
    fi
    rm -rf "$work" "$work".crash-* "$log"
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzz: FAILED: ${failed[*]}"; exit 1; fi
