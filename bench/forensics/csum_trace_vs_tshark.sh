#!/usr/bin/env bash
# csum-trace vs tshark reading the same large capture, median of 3 runs each.
# Usage: bench/forensics/csum_trace_vs_tshark.sh BUILD_DIR [MEGABYTES (default 1024)]
# Prints the file size, each median, and the ratio tshark/csum-trace (>1: csum-trace faster).
set -euo pipefail
build=$1
mb=${2:-1024}
work=$(mktemp -d /tmp/sy-csum-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
file=$work/bulk.pcap
"$build/bench/forensics/gen_bench_capture" "$file" "$mb"
size=$(stat -c %s "$file")
cat "$file" > /dev/null  # both tools then read from the page cache

median3() {  # median3 CMD...: seconds of the middle of three runs
    local times=()
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true  # csum-trace exits 1 when it finds problems
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

ours=$(median3 "$build/apps/switchyard/switchyard" csum-trace "$file")
theirs=$(median3 tshark -o tcp.check_checksum:TRUE -r "$file")
echo "capture: $file, $size bytes ($((size >> 20)) MiB)"
echo "switchyard csum-trace: ${ours} s (median of 3), $(awk -v s="$size" -v t="$ours" 'BEGIN { printf "%.1f", s / t / 1048576 }') MiB/s"
echo "tshark -o tcp.check_checksum:TRUE -r: ${theirs} s (median of 3)"
echo "ratio tshark/csum-trace: $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.2f", a / b }')"
