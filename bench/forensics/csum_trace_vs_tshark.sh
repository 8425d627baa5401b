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

# The machine is shared: wall time is noisy, so CPU time (user+sys) is reported too.
median3() {  # median3 CMD...: "wall cpu" seconds of the middle (by wall time) of three runs
    local runs=()
    for _ in 1 2 3; do
        local TIMEFORMAT='%R %U %S' t
        # csum-trace exits 1 when it finds problems: that is not a failure here.
        t=$( { time "$@" > /dev/null 2>&1 || true; } 2>&1 )
        runs+=("$(awk '{ printf "%.3f %.3f", $1, $2 + $3 }' <<< "$t")")
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}

read -r ours ours_cpu <<< "$(median3 "$build/apps/switchyard/switchyard" csum-trace "$file")"
read -r theirs theirs_cpu <<< "$(median3 tshark -o tcp.check_checksum:TRUE -r "$file")"
echo "capture: $file, $size bytes ($((size >> 20)) MiB)"
echo "switchyard csum-trace: wall ${ours} s, cpu ${ours_cpu} s (median of 3), $(awk -v s="$size" -v t="$ours" 'BEGIN { printf "%.1f", s / t / 1048576 }') MiB/s"
echo "tshark -o tcp.check_checksum:TRUE -r: wall ${theirs} s, cpu ${theirs_cpu} s (median of 3)"
echo "ratio tshark/csum-trace: wall $(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.2f", a / b }'), cpu $(awk -v a="$theirs_cpu" -v b="$ours_cpu" 'BEGIN { printf "%.2f", a / b }')"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
