#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): does an unprivileged user who loops GET_GROUP
# dumps slow the members? One VM boot per kernel, 51 groups (50 empty ones
# besides the member's). Each round measures, in three conditions:
#   idle   nothing else runs;
#   cpu    nobody runs a busy shell loop (the control: a loop takes a CPU);
#   dump   nobody runs bench/dumploop, dumps of all 51 groups back to back;
# two workloads:
#   (w) a member's 2000 real 1 us nanosleeps in a group with auto off (the
#       arm, block, check, fire and cancel paths), per sleep in us, from
#       the workload's rdtsc;
#   (a) `fluxctl run --mode kernel -- workload sleeps 2000 1000` (2000
#       jumps), the whole command in s, as a user times it.
# If dumps took a lock the members' paths take, dump would be slower than
# cpu; if they cost only a CPU, the two are alike.
#
#   bench/dump_load.sh [--kernel K]... [--rounds N]   (default: every kernel
#                                                     with a build/K/fluxcap.ko,
#                                                     10 rounds)
# Prints per kernel, workload and condition: min / median / max over the
# rounds, and how many dumps per second the loop made.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
loop=$repo/build/bench/dumploop
rounds=10
bench_args --rounds rounds "$@"

# ---------------------------------------------------------------- in the guest
if [ -n "$guest" ]; then
	exec 3>"$guest"
	hz=$("$w" tsc-hz)
	us() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.2f", t / n / hz * 1e6 }'; }
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	for i in $(seq 50); do "$fluxctl" create "dl-empty-$i" --no-auto >/dev/null; done
	"$fluxctl" create dl >/dev/null
	"$fluxctl" set dl auto off >/dev/null
	bg=''
	load() { # load idle|cpu|dump: start it in the background
		# setpriv execs: $! is the loop itself, which kill ends.
		case $1 in
		cpu) "${nobody[@]}" sh -c 'while :; do :; done' & bg=$! ;;
		dump) "${nobody[@]}" "$loop" 100000 >/dev/null & bg=$! ;;
		*) bg='' ;;
		esac
		sleep 0.2
	}
	unload() {
		[ -n "$bg" ] || return 0
		kill "$bg"
		wait "$bg" 2>/dev/null || true
		# Nothing of the load may outlive its condition.
		! pgrep -u 65534 >/dev/null || { echo "bench/dump_load.sh: load left running" >&2; exit 1; }
	}
	for ((r = 0; r < rounds; r++)); do
		for c in idle cpu dump; do
			load "$c"
			o=$("$fluxctl" exec dl -- "$w" sleeps 2000 1)
			echo "w $c $(us "${o##* }" 2000)" >&3
			t0=$EPOCHREALTIME
			"$fluxctl" run --mode kernel -- "$w" sleeps 2000 1000 >/dev/null
			echo "a $c $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')" >&3
			unload
		done
	done
	# The loop's own rate, for the record.
	"${nobody[@]}" "$loop" 5 | sed 's/^/rate /' >&3
	# The module must unload (guest-init's rmmod): no group may stay.
	for i in $(seq 50); do "$fluxctl" delete "dl-empty-$i"; done
	"$fluxctl" delete dl
	exit 0
fi

# ---------------------------------------------------------------- on the host
make -s userspace build/bench/workload build/bench/dumploop >/dev/null
bench_kernels
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for k in "${kernels[@]}"; do
	echo "== $k, $rounds rounds" >&2
	tests/vm/run --kernel "$k" --timeout 3000 --share "$out" -- \
		bench/dump_load.sh --rounds "$rounds" --guest "$out/raw"
	echo "kernel $k (min / median / max over $rounds rounds)"
	for x in w a; do
		for c in idle cpu dump; do
			awk -v x=$x -v c=$c '$1 == x && $2 == c { print $3 }' "$out/raw" | sort -n |
				awk -v x=$x -v c=$c '{ a[NR] = $1 } END {
					u = x == "w" ? "us per sleep" : "s per command"
					printf "  %s %-4s  %8.3f %8.3f %8.3f  %s (%d)\n", x, c, a[1], a[int((NR + 1) / 2)], a[NR], u, NR }'
		done
	done
	awk '$1 == "rate" { printf "  dumploop alone: %d dumps of %d groups in 5 s\n", $3, $5 }' "$out/raw"
	cp "$out/raw" "build/dump-load-$k.raw" 2>/dev/null || true
done
