# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own timer selftests (tools/testing/selftests/timers: nanosleep,
# nsleep-lat, posix_timers, set-timer-lat, mqueue-lat; built by `make
# ktimers` into build/ktimers/ from Debian's linux-source tarball) under
# `fluxctl run --mode $MODE`: the cases tests/host/kernel_timers.sh (ptrace)
# and tests/vm/kernel_timers.sh (kernel) share. Sourced after tests/lib/tap.sh
# with MODE, build and fluxctl set; ktimer_cases LIMIT runs them all.
#
# One case per program: it passes when the program exits 0, prints its own
# totals line with fail:0, no "not ok" / "[FAIL" line, and at least as many
# pass lines ("ok N ..." without SKIP, or "[OK]") as it prints natively
# (KTIMER_MIN_PASS; the alarm clocks add some where /dev/rtc0 exists). Each
# run is bounded by timeout -k 5 $KTIMER_TIMEOUT (default 120 s): a hang is a
# failure, not a hang. A run still going 3 s before its limit has its
# processes' syscalls, wait channels and kernel stacks printed first, so the
# log says where it sat. Every run prints what it took as a "# took" comment
# (real time, measured out here). A note at the end compares the total with
# the acceptance target (LIMIT s real in all).
# shellcheck disable=SC2154 # tap.sh and the script set them

KTIMERS=(nanosleep nsleep-lat posix_timers set-timer-lat mqueue-lat)
KTIMER_TIMEOUT=${FLUXCAP_KTIMER_TIMEOUT:-120}
# Pass lines of a native run without an RTC (the alarm clocks skip):
# nanosleep 4 clocks, nsleep-lat 4, posix_timers 3 itimers + 2 timer_create,
# set-timer-lat 4 clocks x 10 lines, mqueue-lat 1 (193 s in all on the host).
declare -A KTIMER_MIN_PASS=([nanosleep]=4 [nsleep-lat]=4 [posix_timers]=5
	[set-timer-lat]=40 [mqueue-lat]=1)
declare -A ktimer_took=() ktimer_verdict=()

# ktimer_syscall_name NR: the x86-64 name of syscall NR, from the uapi header.
ktimer_syscall_name() {
	local h
	for h in /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm/unistd_64.h; do
		[ -r "$h" ] || continue
		awk -v n="$1" '$1 == "#define" && $3 == n { sub(/^__NR_/, "", $2); print $2; exit }' "$h"
		return
	done
}

# ktimer_descendants PID: PID and every process below it.
ktimer_descendants() {
	local p
	echo "$1"
	for p in $(pgrep -P "$1"); do ktimer_descendants "$p"; done
}

# ktimer_dump PID: where the processes of the tree under PID (timeout(1),
# fluxctl, the program and its threads) are waiting, as comments.
ktimer_dump() {
	local p t nr rest name
	note "still running after $((KTIMER_TIMEOUT - 3)) s: where its tasks wait"
	for p in $(ktimer_descendants "$1"); do
		for t in /proc/"$p"/task/*; do
			[ -r "$t/stat" ] || continue
			read -r nr rest <"$t/syscall" 2>/dev/null || nr='?'
			name=
			case "$nr" in [0-9]*) name=$(ktimer_syscall_name "$nr") ;; esac
			# state, and CPU time (utime + stime, ticks): busy or asleep
			note "  pid $p tid ${t##*/} ($(cat "$t/comm" 2>/dev/null)," \
				"$(sed 's/.*) //' "$t/stat" 2>/dev/null |
					awk '{ printf "state %s, cpu %d ticks", $1, $12 + $13 }')):" \
				"syscall $nr${name:+ ($name)}, wchan $(cat "$t/wchan" 2>/dev/null)"
			sed 's/^/#       /' "$t/stack" 2>/dev/null | head -n 12
		done
	done
}

# ktimer_watch PID: the dump, if PID still runs.
ktimer_watch() {
	kill -0 "$1" 2>/dev/null || return 0
	touch "$tmp/dumping"
	ktimer_dump "$1" >"$tmp/dump"
}

# ktimer_run NAME: run build/ktimers/NAME under fluxctl, like tap.sh's timed
# (output in $tmp/out and $tmp/err; $rc, $took), with the dump before the
# limit (3 s before it).
ktimer_run() {
	local name=$1 pid dog t0 t1
	rc=0
	t0=$(now)
	timeout -k 5 "$KTIMER_TIMEOUT" "$fluxctl" run --mode "$MODE" -- "$build/ktimers/$name" \
		</dev/null >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	rm -f "$tmp/dumping"
	after $((KTIMER_TIMEOUT - 3)) ktimer_watch "$pid"
	dog=$after_pid
	wait "$pid" || rc=$?
	t1=$(now)
	# A dump under way (slow in an emulated guest) is let finish.
	[ -e "$tmp/dumping" ] || kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	took=$(minus "$t1" "$t0")
	note "took $took s, exit $rc: fluxctl run --mode $MODE -- ktimers/$name"
}

# ktimer_cpu_time_only OUT: every failed check of posix_timers' output OUT is
# a CPU-time timer (ITIMER_PROF, ITIMER_VIRTUAL, timer_create on
# CLOCK_THREAD_CPUTIME_ID or CLOCK_PROCESS_CPUTIME_ID) whose expiry it
# compares with wall time: fluxcap never touches CPU time, so that fails natively too
# when the (emulated) CPU is starved by other guests (three guests on two
# cores: 9 of 12 native runs on 6.1 and 6.12 failed so, by 2.5-3.1 s, as
# did 10 of 12 under fluxcap). Such a run is rerun, up to three times; the
# case passes if a rerun passes whole, or, failing that, if a native run at
# once fails CPU-time checks too: then those checks count on neither side
# (which of the two happens to fail more of them is chance), and fluxcap
# must pass every other check native passed.
KTIMER_CPU_CHECKS='ITIMER_(PROF|VIRTUAL)$|Check itimer (prof|virtual)\.\.\. |Check timer_create\(\) per (thread|process)\.\.\. '
KTIMER_CPU_RE="^not ok [0-9]+ ($KTIMER_CPU_CHECKS)|^($KTIMER_CPU_CHECKS).*\\[FAIL\\]"
KTIMER_CPU_PASS_RE="^ok [0-9]+ ($KTIMER_CPU_CHECKS)|^($KTIMER_CPU_CHECKS).*\\[OK\\]"
KTIMER_PASS_RE='^ok [0-9]+ [^#]*$|\[OK\]'

# ktimer_verdicts OUT: how many of OUT's checks finished, passed or failed.
ktimer_verdicts() { grep -Ec '\[OK\]|\[FAIL\]|^(not )?ok [0-9]' "$1"; }

# ktimer_pass OUT [all|not-cpu]: OUT's pass lines, or those that are not
# CPU-time checks.
ktimer_pass() {
	if [ "${2:-all}" = all ]; then
		grep -Ec "$KTIMER_PASS_RE" "$1"
	else
		grep -E "$KTIMER_PASS_RE" "$1" | grep -Evc "$KTIMER_CPU_PASS_RE"
	fi
}
ktimer_cpu_time_only() {
	grep -Eq "$KTIMER_CPU_RE" "$1" && ! grep -E '^not ok|\[FAIL' "$1" | grep -Evq "$KTIMER_CPU_RE"
}

# t_ktimer NAME: one program's case.
t_ktimer() {
	local name=$1 out="$tmp/ktimer-$1.out" pass why='' tries=0 starved='' failed_lines native_rc
	local done_here done_native
	local want=${KTIMER_MIN_PASS[$name]}
	: >"$tmp/dump"
	ktimer_run "$name"
	# (the kernel's older posix_timers exits 0 even then)
	while [ "$name" = posix_timers ] && [ "$tries" -lt 3 ] &&
		{ [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && ktimer_cpu_time_only "$tmp/out"; do
		tries=$((tries + 1))
		sed "s/^/#   run $tries | /" "$tmp/out"
		note "$name: only a CPU-time itimer was late against wall time (CPU starved): again"
		ktimer_run "$name"
	done
	# Still so: does the program fail the same way natively, here and now?
	# Then those checks say how starved the machine is, not what fluxcap
	# did: they do not count, and fluxcap must pass every other check
	# native passed, finish as many checks (a check that errs out prints
	# no verdict) and exit as native did.
	if [ "$tries" = 3 ] && { [ "$rc" = 0 ] || [ "$rc" = 1 ]; } &&
		ktimer_cpu_time_only "$tmp/out"; then
		native_rc=0
		timeout -k 5 "$KTIMER_TIMEOUT" "$build/ktimers/$name" </dev/null >"$tmp/native" 2>&1 ||
			native_rc=$?
		sed 's/^/#   native | /' "$tmp/native"
		if ktimer_cpu_time_only "$tmp/native"; then
			starved=$(ktimer_pass "$tmp/native" not-cpu)
			want=$starved
			note "$name: natively too (exit $native_rc): its CPU-time checks fail on this" \
				"starved machine, so they count on neither side"
		fi
	fi
	ktimer_took[$name]=$took
	cp "$tmp/out" "$out"
	# The program's own lines, as comments (its "ok" lines must not count);
	# a last line without its newline (killed mid-printf) gets one.
	sed 's/^/#   | /' "$out"
	[ ! -s "$out" ] || [ -z "$(tail -c 1 "$out")" ] || echo
	sed 's/^/#   stderr: /' "$tmp/err" | head -n 20
	cat "$tmp/dump"
	: >"$tmp/out"	# check() shows nothing twice
	: >"$tmp/err"
	if [ -n "$starved" ]; then
		pass=$(ktimer_pass "$out" not-cpu)
		note "$name: $pass pass lines besides the CPU-time checks (want >= $want)"
	else
		pass=$(ktimer_pass "$out")
		note "$name: $pass pass lines (want >= $want)"
	fi
	failed_lines=$(grep -E '^not ok|\[FAIL' "$out")
	done_here=0 done_native=0
	if [ -n "$starved" ]; then
		done_here=$(ktimer_verdicts "$out")
		done_native=$(ktimer_verdicts "$tmp/native")
	fi
	[ -z "$starved" ] || failed_lines=$(printf '%s\n' "$failed_lines" | grep -Ev "$KTIMER_CPU_RE")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="hang: killed by timeout(1) after $KTIMER_TIMEOUT s"
	elif [ "$rc" != 0 ] && [ -z "$starved" ]; then
		why="exit $rc"
	elif [ -n "$starved" ] && [ "$rc" != "$native_rc" ]; then
		why="exit $rc, natively $native_rc"
	elif [ -n "$starved" ] && [ "$done_here" -lt "$done_native" ]; then
		why="$done_here checks finished, natively $done_native"
	elif [ -n "$failed_lines" ]; then
		why="a failed check: $(printf '%s\n' "$failed_lines" | head -n 1 | tr -s ' ')"
	elif ! grep -Eq '^# Totals: pass:[0-9]+ fail:0 ' "$out" && [ -z "$starved" ]; then
		why="no '# Totals: ... fail:0' line"
	elif [ "$pass" -lt "$want" ]; then
		why="only $pass pass lines"
	fi
	ktimer_verdict[$name]=${why:-pass}
	[ -z "$why" ] || { note "$name failed: $why"; return 1; }
}

# ktimer_cases LIMIT: every program's case, then the time they took against
# the acceptance target (LIMIT s real in all), as a note: speed is for the
# bench and the issue's notes to judge, not a timed test that flakes.
ktimer_cases() {
	local limit=$1 name total=0 line=''
	for name in "${KTIMERS[@]}"; do
		check "ktimers/$name under fluxctl run --mode $MODE: exit 0, its pass lines" \
			t_ktimer "$name"
		total=$(awk -v a="$total" -v b="${ktimer_took[$name]}" 'BEGIN { printf "%.3f", a + b }')
		line="$line $name ${ktimer_verdict[$name]%%:*} ${ktimer_took[$name]} s;"
	done
	note "summary ($MODE):$line total $total s (target: under $limit s in all)"
}
