#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A/B benchmark of two builds of fluxcap.ko (not a test): does a change make
# the paths every member's wait goes through slower? One VM boot per kernel;
# inside it the two modules take turns (insmod, measure, rmmod), ROUNDS
# rounds each, so both see the same emulated machine and its drift.
#   (w) wait: 2000 real 1 us nanosleeps of a member of a group with auto
#       off: each arms a sleeper (the arm kprobe registers it), blocks,
#       fires and is cancelled (the cancel kprobe forgets it); the block
#       also queues a quiescence check. Per sleep, in us.
#   (j) jump: the (d') case of bench/run.sh: a lone member's poll() of
#       10 s under `fluxctl run --mode kernel`, which blocks, is checked,
#       jumped and aimed. Median per jump of a round's 30, in us.
#
#   bench/ab_module.sh [--kernel K]... [--rounds N] A B
#     A, B        build directories holding K/fluxcap.ko (e.g. the build/
#                 of a worktree at the old commit, and build/)
#     --kernel K  kernels (default: each with a fluxcap.ko in both)
#     --rounds N  rounds per module (default 12)
#
# Prints per kernel, module and case: min / median / max over the rounds.
# Durations come from the workload's rdtsc (see bench/workload.c).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
w=$repo/build/bench/workload
fluxctl=$repo/build/fluxctl

kernels=() rounds=12 guest='' dirs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernels+=("$2"); shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench/ab_module.sh: unknown option '$1' (--help)" >&2; exit 1 ;;
	*) dirs+=("$(realpath "$1")"); shift ;;
	esac
done
[ "${#dirs[@]}" -eq 2 ] || { echo "bench/ab_module.sh: give two build directories, A and B (--help)" >&2; exit 1; }

# ---------------------------------------------------------------- in the guest
if [ -n "$guest" ]; then
	exec 3>"$guest"
	hz=$("$w" tsc-hz)
	us() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.2f", t / n / hz * 1e6 }'; }
	for ((r = 0; r < rounds; r++)); do
		for m in A B; do
			d=${dirs[0]}
			[ $m = A ] || d=${dirs[1]}
			insmod "$d/$(uname -r)/fluxcap.ko"
			"$fluxctl" create ab >/dev/null
			"$fluxctl" set ab auto off >/dev/null
			o=$("$fluxctl" exec ab -- "$w" sleeps 2000 1)
			echo "w $m $(us "${o##* }" 2000)" >&3
			"$fluxctl" delete ab
			o=$("$fluxctl" run --mode kernel -- "$w" jumps 1 30 10000000 100000000000 3 poll |
				awk '/^ticks/ { $1 = ""; print }' | tr ' ' '\n' | sed '/^$/d' | sort -n |
				awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
			echo "j $m $(us "$o" 1)" >&3
			# rmmod refuses (EBUSY) while a process of the last run
			# still maps the clock page: retry a few times.
			for _ in 1 2 3 4 5 6 7 8 9 10; do rmmod fluxcap 2>/dev/null && break; sleep 0.5; done
		done
	done
	exit 0
fi

# ---------------------------------------------------------------- on the host
make -s userspace "$w" >/dev/null
if [ "${#kernels[@]}" -eq 0 ]; then
	for ko in "${dirs[0]}"/*/fluxcap.ko; do
		k=$(basename "$(dirname "$ko")")
		[ -f "${dirs[1]}/$k/fluxcap.ko" ] && kernels+=("$k")
	done
fi
[ "${#kernels[@]}" -gt 0 ] || { echo "bench/ab_module.sh: no kernel with a fluxcap.ko in both A and B" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for k in "${kernels[@]}"; do
	echo "== $k: A=${dirs[0]} B=${dirs[1]}, $rounds rounds" >&2
	tests/vm/run --kernel "$k" --no-module --timeout 3000 --share "$out" \
		--share "${dirs[0]}:ro" --share "${dirs[1]}:ro" -- \
		bench/ab_module.sh --rounds "$rounds" --guest "$out/raw" "${dirs[@]}"
	echo "kernel $k (us; min / median / max over $rounds rounds)"
	for c in w j; do
		for m in A B; do
			awk -v c=$c -v m=$m '$1 == c && $2 == m { print $3 }' "$out/raw" | sort -n |
				awk -v c=$c -v m=$m '{ a[NR] = $1 } END {
					printf "  %s %s  %8.2f %8.2f %8.2f  (%d)\n", c, m, a[1], a[int((NR + 1) / 2)], a[NR], NR }'
		done
	done
	cp "$out/raw" "build/ab-$k.raw" 2>/dev/null || true
done
