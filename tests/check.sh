#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: installs what is missing, builds everything, runs the host
# tests, the VM suite on every target kernel and the style checks, and ends
# with one "N passed, N failed" line. Every test speaks TAP/KTAP; this script
# counts the top-level "ok"/"not ok" lines of each and adds a failure for a
# program that exits non-zero without saying why, or that runs no test.
#
# usage: tests/check.sh [--no-deps] [--no-host] [--no-vm] [--no-style] [--kernel KVER]...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

do_deps=1 do_host=1 do_vm=1 do_style=1 kernels=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-deps) do_deps=0 ;;
	--no-host) do_host=0 ;;
	--no-vm) do_vm=0 ;;
	--no-style) do_style=0 ;;
	--kernel) kernels+=("$2"); shift ;;
	-h | --help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "check: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done

passed=0 failed=0 failures=() failed_logs=()
log=build/check-logs
start=$SECONDS

section() { printf '\n=== %s ===\n' "$*"; }

# run_tap NAME CMD...: run one TAP-speaking program and count its results.
run_tap() {
	local name=$1 out rc p f t0=$SECONDS
	shift
	mkdir -p "$log"
	out="$log/$(echo "$name" | tr -c 'A-Za-z0-9_.\n-' '_').log"
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -Ec '^ok ' "$out")
	f=$(grep -Ec '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc" | tee -a "$out"
		f=1
	elif [ $((p + f)) -eq 0 ]; then
		echo "not ok - $name ran no test" | tee -a "$out"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures+=("$name ($f failed; log: $out)")
		failed_logs+=("$out")
	fi
	echo "# $name: $p passed, $f failed ($((SECONDS - t0)) s; at $((SECONDS - start)) s)"
}

# replay OUTPUT-FILE STATUS-FILE: what a finished background run printed,
# and its exit status.
replay() {
	cat "$1"
	return "$(cat "$2" 2>/dev/null || echo 125)"
}

# One failed step that is not a TAP program (deps, build).
step() {
	local name=$1 t0=$SECONDS
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok - $name ($((SECONDS - t0)) s; at $((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		failed_logs+=("")
		echo "not ok - $name"
		return 1
	fi
}

finish() {
	local i
	section "summary ($((SECONDS - start)) s)"
	# A CI shows only the last lines of this output: each failure's cases
	# and the lines before them that say why (a TAP test's notes come
	# first) go here, before the count.
	for i in "${!failures[@]}"; do
		echo "FAILED: ${failures[$i]}"
		grep -E -B3 '^(# )*not ok ' "${failed_logs[$i]:-/dev/null}" | grep -v '^--$' | head -n 12 | sed 's/^/  /'
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

if [ "$do_deps" = 1 ]; then
	section "dependencies (scripts/deps.sh)"
	step "install dependencies" scripts/deps.sh || finish
fi

section "build"
step "make (userspace, module for each kernel, selftests)" make -s -j"$(nproc)" all host-tests || finish

if [ "$do_host" = 1 ]; then
	section "host tests"
	# The kernel's timer selftests first, alone: posix_timers compares
	# CPU-time timers with wall time, which a busy machine makes fail.
	quiet=(tests/host/kernel_timers.sh)
	for t in "${quiet[@]}"; do
		[ -x "$t" ] && run_tap "host ${t##*/}" "$t"
	done
	# The host tests that boot guests (one emulated core each, mostly
	# waiting on it) run one after another beside the others, which leave
	# the second core idle half the time: 285 s of them no longer add to
	# the rest. Their output is shown, and counted, once they are done.
	booting=(tests/host/vm_harness.sh tests/host/dkms.sh)
	mkdir -p "$log"
	{
		for t in "${booting[@]}"; do
			"$t" >"$log/boot-${t##*/}.raw" 2>&1
			echo $? >"$log/boot-${t##*/}.rc"
		done
	} &
	booting_pid=$!
	# Stopped (Ctrl-C, a failed step): so are they, guests and all.
	trap 'pkill -TERM -P "$booting_pid" 2>/dev/null; kill "$booting_pid" 2>/dev/null' EXIT
	for t in build/tests/*_test; do
		[ -x "$t" ] && run_tap "host ${t##*/}" "$t"
	done
	for t in tests/host/*.sh; do
		[[ " ${booting[*]} ${quiet[*]} " == *" $t "* ]] && continue
		[ -x "$t" ] && run_tap "host ${t##*/}" "$t"
	done
	wait "$booting_pid"
	trap - EXIT
	for t in "${booting[@]}"; do
		run_tap "host ${t##*/}" replay "$log/boot-${t##*/}.raw" "$log/boot-${t##*/}.rc"
	done
fi

if [ "$do_vm" = 1 ]; then
	if [ "${#kernels[@]}" -eq 0 ]; then
		for d in build/*/fluxcap.ko; do kernels+=("$(basename "$(dirname "$d")")"); done
	fi
	[ "${#kernels[@]}" -gt 0 ] || { step "a fluxcap.ko to test in the VM" false; finish; }
	# The kernels' suites run side by side ($FLUXCAP_VM_JOBS at a time, all
	# by default): much of a suite waits on real time (busy loops, bounded
	# waits, start-ups), so two guests on two cores take far less than
	# twice one. Each suite's output is shown, and counted, once it is done.
	jobs=${FLUXCAP_VM_JOBS:-${#kernels[@]}}
	running=0
	for k in "${kernels[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
		echo "# VM suite on kernel $k: started at $((SECONDS - start)) s"
		mkdir -p "$log"
		# 900 s for the suite, plus up to 680 s of kernel_timers.sh (five
		# programs of at most 125 s each while timers are not virtual).
		{
			tests/vm/run --kernel "$k" --timeout 2400 -- tests/vm/guest-suite >"$log/vm-$k.raw" 2>&1
			echo $? >"$log/vm-$k.rc"
		} &
		running=$((running + 1))
	done
	wait
	for k in "${kernels[@]}"; do
		section "VM suite on kernel $k"
		run_tap "vm $k" replay "$log/vm-$k.raw" "$log/vm-$k.rc"
	done
fi

if [ "$do_style" = 1 ]; then
	section "style"
	run_tap "style" tests/style.sh
fi

finish
