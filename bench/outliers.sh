#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): how often does a kernel-mode run lose its speed?
# One VM boot per kernel; in it, RUNS back-to-back runs (hooks stay
# installed between them, as in a test suite) of each workload:
#   workload   `fluxctl run --mode kernel -v -- workload sleeps 2000 1000`
#   python     `fluxctl run --mode kernel -v -- python3 -c` 2000 x
#              time.sleep(0.001)
# each run's whole command timed as a user times it, with its -v summary
# (jumps made, time jumped, held, instant sleeps, checks and the last
# verdict). A run 0 first installs the hooks: the cold start, shown apart.
# Prints per kernel and workload: min / median / p90 / max of runs 1..RUNS,
# max / median, run 0, and the runs over 3x the median.
#
#   bench/outliers.sh [--kernel K]... [--runs N]   (default: every kernel
#                                                   with a build/K/fluxcap.ko,
#                                                   50 runs)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
runs=50
bench_args --runs runs "$@"

# ---------------------------------------------------------------- in the guest
if [ -n "$guest" ]; then
	exec 3>"$guest"
	py='import time
for i in range(2000):
    time.sleep(0.001)'
	v=$(mktemp)
	# Run 0 installs the hooks (no group since the boot): the cold start,
	# reported apart. They then stay (hooks_linger, 60 s by default).
	for kind in workload python; do
		for ((i = 0; i <= runs; i++)); do
			t0=$EPOCHREALTIME
			case $kind in
			workload) "$fluxctl" run --mode kernel -v -- "$w" sleeps 2000 1000 >/dev/null 2>"$v" ;;
			python) "$fluxctl" run --mode kernel -v -- python3 -c "$py" >/dev/null 2>"$v" ;;
			esac
			t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
			echo "$kind $i $t $(grep -h 'jumps\|held\|ended at once' "$v" | sed 's/^fluxctl: //' | tr '\n' ' ')" >&3
		done
	done
	rm -f "$v"
	exit 0
fi

# ---------------------------------------------------------------- on the host
make -s userspace build/bench/workload >/dev/null
bench_kernels
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for k in "${kernels[@]}"; do
	echo "== $k, $runs runs a workload" >&2
	tests/vm/run --kernel "$k" --timeout 3000 --share "$out" -- \
		bench/outliers.sh --runs "$runs" --guest "$out/raw"
	echo "kernel $k: whole command, s (min / median / p90 / max; max / median); run 0 (cold)"
	for kind in workload python; do
		awk -v k=$kind '$1 == k && $2 > 0 { print $3 }' "$out/raw" | sort -n |
			awk -v k=$kind '{ a[NR] = $1 } END {
				p90 = a[int((9 * NR + 9) / 10)]; med = a[int((NR + 1) / 2)]
				printf "  %-8s %7.3f %7.3f %7.3f %7.3f   %.1fx (%d runs)",
					k, a[1], med, p90, a[NR], a[NR] / med, NR
				print med > "/dev/stderr" }' 2>"$out/med"
		awk -v k=$kind '$1 == k && $2 == 0 { printf "; run 0 (cold) %s s\n", $3 }' "$out/raw"
		awk -v k=$kind -v m="$(cat "$out/med")" '$1 == k && $2 > 0 && $3 > 3 * m {
			printf "    over 3x the median: run %s, %s s: %s\n", $2, $3, substr($0, index($0, $4)) }' "$out/raw"
	done
	cp "$out/raw" "build/outliers-$k.raw" 2>/dev/null || true
done
