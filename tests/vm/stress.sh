#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make stress`, in the guest (tests/vm/run --kernel K -- tests/vm/stress.sh):
# the reliability runs, longer than make check makes them. Prints TAP, and
# each run's own figures as comments:
#   - 100000 random generic netlink requests (group_fuzz, FXT_MSGS);
#   - 10000 sleeps of a member whose signals race its jumps (signals,
#     FXT_LOOPS): every sleep returns 0 or EINTR, nothing else;
#   - 10000 rounds of freeze, then delete or thaw, racing 4 sleeper threads
#     that arm again and again (freeze, FLUXCAP_RACE_ROUNDS): none sticks;
#   - 50 rmmod/insmod cycles under load, with no time budget (unload_stress).
# FLUXCAP_STRESS_SCALE=N divides every count by N (a quick try).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${FLUXCAP_BUILD:-$repo/build}
scale=${FLUXCAP_STRESS_SCALE:-1}
n=0 failed=0

result() { # result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# run NAME CMD...: CMD's output as comments; OK when it exits 0.
run() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s.%N)
	"$@" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	name="$name ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s)"
	if [ "$rc" = 0 ]; then result OK "$name"; else result FAIL "$name: exit $rc"; fi
}

echo "# kernel $(uname -r)"
grep -q '^fluxcap ' /proc/modules || insmod "$build/$(uname -r)/fluxcap.ko"
run "$((100000 / scale)) random netlink requests" \
	env FXT_MSGS=$((100000 / scale)) "$build/selftests/group_fuzz"
run "$((10000 / scale)) sleeps with signals racing jumps" \
	env FXT_LOOPS=$((10000 / scale)) "$build/selftests/signals"
run "$((10000 / scale)) rounds of freeze, delete or thaw racing arming sleepers" \
	env FLUXCAP_RACE_ROUNDS=$((10000 / scale)) "$build/selftests/freeze"
run "$((50 / scale)) unload cycles under load" \
	env FLUXCAP_BUILD="$build" FLUXCAP_UNLOAD_CYCLES=$((50 / scale)) FLUXCAP_UNLOAD_BUDGET=0 \
	bash "$repo/tests/vm/unload_stress.sh"
grep -q '^fluxcap ' /proc/modules || insmod "$build/$(uname -r)/fluxcap.ko"
echo "1..$n"
[ "$failed" = 0 ]
