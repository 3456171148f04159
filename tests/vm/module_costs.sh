#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What a member's calls cost fluxcap.ko, counted rather than timed, inside
# the VM (root, module loaded, tracefs):
#   - re-arming a timer the module already tracks allocates nothing: a
#     member's periodic ITIMER_REAL (10 ms, 500 ticks, each re-armed as its
#     signal is taken) makes a handful of registrations, not one per tick.
#     Allocations are counted by the kmem:kmem_cache_alloc tracepoint, whose
#     call site (%pS) names the module's function.
# TAP output. Run by tests/vm/guest-suite, or by hand:
#   tests/vm/run --kernel all -- bash tests/vm/module_costs.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
export LC_ALL=C
. tests/lib/tap.sh

tr_dir=''
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -e "$d/events/kmem/kmem_cache_alloc/enable" ] && tr_dir=$d && break
done
if [ -z "$tr_dir" ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	[ -e /sys/kernel/tracing/events/kmem/kmem_cache_alloc/enable ] && tr_dir=/sys/kernel/tracing
fi
ev=$tr_dir/events/kmem/kmem_cache_alloc

trace_off() {
	[ -n "$tr_dir" ] || return 0
	echo 0 >"$ev/enable"
	echo 0 >"$ev/filter"
}
trap 'trace_off; tap_cleanup' EXIT

# t_rearm_allocs TICKS: a member's ITIMER_REAL ticking TICKS times makes
# fewer than 20 registrations, with no trace event lost.
t_rearm_allocs() {
	local ticks=$1 allocs jumps lost
	[ -n "$tr_dir" ] || { note "no tracefs with kmem:kmem_cache_alloc"; return 1; }
	echo 8192 >"$tr_dir/buffer_size_kb"
	: >"$tr_dir/trace"
	# The module's allocations only: its fc_reg cache's object size.
	echo "bytes_req == $(cat /sys/kernel/slab/fc_reg/object_size)" >"$ev/filter"
	echo 1 >"$ev/enable"
	timed 0 60 "$fluxctl" run -v --mode kernel -- python3 -c '
import signal
signal.signal(signal.SIGALRM, lambda *a: None)
signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
for _ in range('"$ticks"'):
    signal.pause()
signal.setitimer(signal.ITIMER_REAL, 0)
print("ok ticks", '"$ticks"')'
	local st=$?
	echo 0 >"$ev/enable"
	[ "$st" = 0 ] || return 1
	allocs=$(grep -c 'call_site=fc_reg' "$tr_dir/trace")
	lost=$(awk '/^overrun:/ { s += $2 } END { print s + 0 }' "$tr_dir"/per_cpu/cpu*/stats)
	jumps=$(sed -n 's/^fluxctl: \([0-9]*\) jumps.*/\1/p' "$tmp/err")
	note "$ticks ticks: $jumps jumps, $allocs registrations allocated, $lost trace events lost"
	[ "$lost" = 0 ] || { note "trace events were lost: the count says nothing"; return 1; }
	# Each tick is a jump (the group waits in pause() between them).
	[ -n "$jumps" ] && [ "$jumps" -ge $((ticks * 9 / 10)) ] || { note "too few jumps"; return 1; }
	[ "$allocs" -lt 20 ]
}

check "500 re-arms of a member's periodic ITIMER_REAL allocate fewer than 20 registrations" \
	t_rearm_allocs 500

echo "1..$n"
[ "$failed" -eq 0 ]
