# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The user-level cases that tests/host/ptrace_mode.sh and
# tests/vm/kernel_mode.sh share, under `fluxctl run --mode $MODE` (ptrace or
# kernel): one function a group of cases, which each script calls where its
# own list has them, so both keep their order, numbering and descriptions.
# Also fc and fc_prog, which run fluxctl. Needs tap.sh, and from the script
# $fluxctl, $progs and $py (empty without python3).
# shellcheck disable=SC2154 # tap.sh and the script set them

# The bounds are ptrace mode's on the host, times $slow: the VM emulates its
# CPU (TCG), so kernel mode gets twice as long.
case ${MODE:-} in
ptrace) slow=1 ;;
kernel) slow=2 ;;
*)
	echo "tests/lib/user_cases.sh: MODE must be ptrace or kernel, not '${MODE:-}'" >&2
	exit 2
	;;
esac

# Kernel mode: a run past its bound shows its groups and every member
# thread's state, wait channel and system call (timed's slow_hook).
kernel_slow_snapshot() {
	local f tid
	echo "still running after $1 s:"
	"$fluxctl" list
	for f in $("$fluxctl" list -q); do "$fluxctl" show "$f"; done
	find /sys/fs/cgroup/fluxcap -name cgroup.threads 2>/dev/null | while read -r f; do
		for tid in $(cat "$f"); do
			printf '%s %s state %s wchan %s syscall %s\n' "$tid" \
				"$(cat "/proc/$tid/comm")" \
				"$(awk '{ print $3 }' "/proc/$tid/stat")" \
				"$(cat "/proc/$tid/wchan")" \
				"$(cut -d' ' -f1-3 "/proc/$tid/syscall")"
		done 2>/dev/null
	done
}
# shellcheck disable=SC2034 # tap.sh's timed calls it
[ "$MODE" != kernel ] || slow_hook=kernel_slow_snapshot

# fc WANT MAX [RUN-OPTIONS] -- CMD...: fluxctl run --mode $MODE.
fc() {
	local want=$1 max=$2
	shift 2
	timed "$want" "$max" "$fluxctl" run --mode "$MODE" "$@"
}

# fc_prog MAX [RUN-OPTIONS] -- PROG ARGS...: exit 0 and an "ok" line.
fc_prog() {
	fc 0 "$@" || return 1
	show_ok
	grep -q '^ok ' "$tmp/out" || { note "no 'ok' line from the program"; return 1; }
}

# --- sleep sorts ------------------------------------------------------------

t_sleep_sort() {
	fc 0 $((10 * slow)) -- bash -c 'for n in 5 3 9 1 7; do (sleep "$n"; echo "$n") & done; wait' &&
		out_is "$(printf '%s\n' 1 3 5 7 9)"
}
user_sleep_sort() { check "sleep sort of 5 3 9 1 7 comes out sorted" t_sleep_sort; }

# In kernel mode 10 s apart, not 1 s as on the host: under TCG, 20 forks and
# execs spread the sleeps' starts over 0.7-1.4 s of virtual time (the group
# is busy meanwhile, so its clock runs at the real rate), which reorders a
# 1 s sleep sort as it would in real time (3 of 15 runs, with either module).
t_sleep_sort20() { # t_sleep_sort20 SPACING-SECONDS
	fc 0 $((15 * slow)) -- bash -c 'for n in 14 3 19 8 1 12 20 6 17 10 2 15 9 18 4 11 7 16 5 13; do
		(sleep $((n * $1)); echo "$n") & done; wait' bash "$1" &&
		out_is "$(seq 20)"
}
user_sleep_sort20() {
	if [ "$MODE" = kernel ]; then
		check "sleep sort of 20 numbers (10 s apart) comes out sorted" t_sleep_sort20 10
	else
		check "sleep sort of 20 numbers comes out sorted" t_sleep_sort20 1
	fi
}

# --- every timed wait ---------------------------------------------------------

# user_every_wait: a 3600 s wait of each kind that tests/host/progs/timeouts
# knows, each its own run; sets $waits, their names.
user_every_wait() {
	local w
	waits=$("$progs/timeouts" --list)
	for w in $waits; do
		check "timeouts $w: returns as a real timeout, 3600 virtual s, at once" \
			fc_prog $((5 * slow)) -- "$progs/timeouts" "$w"
	done
}

# --- timers -----------------------------------------------------------------

# user_timers: every kind of tests/host/progs/timers (POSIX timers, alarm,
# setitimer, timerfd, waits the supervisor cannot see), each its own run and
# all of them statically linked from one shell; timeout(1), which arms a
# POSIX timer; timeouts past the kernel's KTIME_MAX, which never end.
user_timers() {
	local k
	note "--- timers"
	for k in $("$progs/timers" --list); do
		check "timers $k: the native result, on virtual time" \
			fc_prog $((5 * slow)) -- "$progs/timers" "$k"
	done
	check "timers.static --raw: every kind in turn, from one shell" \
		fc_prog $((20 * slow)) -- sh -c 'for k in $("$1" --list); do
			"$2" --raw "$k" >"$3" || { cat "$3"; exit 1; }; done
			echo "ok every kind"' sh "$progs/timers" "$progs/timers.static" "$tmp/one-timer.out"
	check "timers timerfd_closed_many under ulimit -n 1024: closed timerfds are let go, the last is on virtual time" \
		timed 0 $((5 * slow)) sh -c 'ulimit -n 1024 && exec "$@"' sh \
		"$fluxctl" run --mode "$MODE" -- "$progs/timers" timerfd_closed_many
	check "timeout 5 sleep 100: killed by its timer, exit 124, within $(per "$slow" 2) s real" \
		fc 124 "$(per "$slow" 2)" -- timeout 5 sleep 100
	check "timeout 100 sleep 5: the sleep wins, exit 0" fc 0 $((5 * slow)) -- timeout 100 sleep 5
	check "timeout 3600 with a sleep 30 in another command: both on virtual time" \
		fc 0 $((5 * slow)) -- timeout 3600 sleep 60 -- sleep 30
	check "a 1 s SO_RCVTIMEO recv beside a 100 s sleep in another command: its own 1 s" \
		fc_prog $((5 * slow)) -- "$progs/timers" so_rcvtimeo -- sleep 100
	check "a 1 s semtimedop beside a 100 s sleep in another command: its own 1 s" \
		fc_prog $((5 * slow)) -- "$progs/timers" semtimedop -- sleep 100
	check "mq_timedreceive 1 s ahead with --start=@1000000000 (a past date): ETIMEDOUT after 1 s" \
		fc_prog $((5 * slow)) --start=@1000000000 -- "$progs/timers" mq_timedreceive
	# killed by timeout(1) after 2 s real, or it returned
	check "a 1e10 s select is endless (past KTIME_MAX): still waiting after 2 s real" \
		timed 137 $((5 * slow)) timeout -s KILL 2 "$fluxctl" run --mode "$MODE" -- \
		perl -e 'select(undef, undef, undef, 1e10); print "returned\n"'
	check "sleep infinity is endless: still waiting after 2 s real" \
		timed 137 $((5 * slow)) timeout -s KILL 2 "$fluxctl" run --mode "$MODE" -- sleep infinity
}

# --- clocks -----------------------------------------------------------------

t_clocks_start() {
	local r s
	fc_prog $((5 * slow)) -- "$progs/clocks" || return 1
	r=$(value libc.realtime) s=$(value sys.realtime)
	expect_range "libc.realtime - real time at start" "$(minus "$r" "$t_start")" -1 5 &&
		expect_range "sys.realtime - real time at start" "$(minus "$s" "$t_start")" -1 5
}
user_clocks_start() {
	check "clocks: every clock agrees (libc/vDSO and syscall); virtual starts at real time" \
		t_clocks_start
	check "clocks: every clock, both ways, moves by 3600 s over sleep 3600" \
		fc_prog $((5 * slow)) -- "$progs/clocks" --sleep=3600
}

t_clocks_later() {
	local bin=$1 r k
	shift
	fc_prog $((5 * slow)) -- sh -c 'sleep 3600 && exec "$@"' sh "$bin" "$@" || return 1
	for k in libc.realtime sys.realtime; do
		r=$(value "$k")
		[ -z "$r" ] && continue
		expect_range "$k - real time at start" "$(minus "$r" "$t_start")" 3599 3610 ||
			return 1
	done
}
user_clocks_later() {
	check "clocks: a process exec'd after a sibling's sleep 3600 reads +3600 s" \
		t_clocks_later "$progs/clocks"
	check "clocks.static: exec'd after sleep 3600, raw syscall reads +3600 s" \
		t_clocks_later "$progs/clocks.static" --only=sys
}

# --- python3, perl, node, java ----------------------------------------------

# python_prelude: $tmp/prelude.py, what every pycase script starts with.
python_prelude() {
	cat >"$tmp/prelude.py" <<'EOF'
import os, select, socket, sys, threading, time


def timed(want, fn):
    m0, r0 = time.monotonic(), time.time()
    res = fn()
    m, r = time.monotonic() - m0, time.time() - r0
    if not (want <= m < want + 5 and want - 0.01 <= r < want + 5):
        print("FAIL: waited monotonic %.6f s, realtime %.6f s for %s s" % (m, r, want))
        sys.exit(1)
    print("ok monotonic=%.6f realtime=%.6f" % (m, r))
    return res


def expect(got, want):
    if got != want:
        print("FAIL: got %r, want %r" % (got, want))
        sys.exit(1)
EOF
}

# pycase DESCRIPTION CODE [ARGS...]: the prelude, then CODE, in one script.
pycase() {
	local f="$tmp/py$((n + 1)).py" desc=$1 code=$2
	shift 2
	cat "$tmp/prelude.py" >"$f"
	printf '%s\n' "$code" >>"$f"
	check "python3: $desc" fc_prog $((15 * slow)) -- "$py" "$f" "$@"
}

user_py_select() {
	pycase "select.select on an idle pipe, 3600 s" \
		'r, w = os.pipe()
expect(timed(3600, lambda: select.select([r], [], [], 3600)), ([], [], []))'
}

user_py_timers() {
	pycase "signal.setitimer(ITIMER_REAL, 100, 10): SIGALRM at 100, 110, 120 s" \
		'import signal
ticks = []
signal.signal(signal.SIGALRM, lambda s, f: ticks.append(time.monotonic()))
def three():
    signal.setitimer(signal.ITIMER_REAL, 100, 10)
    while len(ticks) < 3:
        signal.pause()
    signal.setitimer(signal.ITIMER_REAL, 0)
t0 = time.monotonic()
timed(120, three)
expect([round(t - t0) for t in ticks], [100, 110, 120])'
	pycase "signal.alarm(3600) then signal.pause()" \
		'import signal
signal.signal(signal.SIGALRM, lambda s, f: None)
left = []
timed(3600, lambda: (left.append(signal.alarm(3600)), signal.pause()))
expect(left, [0])'
}

user_py_event() {
	pycase "threading.Event().wait(3600) returns False" \
		'expect(timed(3600, lambda: threading.Event().wait(3600)), False)'
}

user_py_threads_asyncio() {
	pycase "5 threads sleeping 100..500 s in parallel: sorted, 500 s in all" \
		'done, lock, ds = [], threading.Lock(), [500, 100, 400, 200, 300]
def sleeper(d):
    time.sleep(d)
    with lock:
        done.append(d)
def run():
    ts = [threading.Thread(target=sleeper, args=(d,)) for d in ds]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
timed(500, run)
expect(done, sorted(ds))'
	pycase "asyncio.sleep(3600)" \
		'import asyncio
timed(3600, lambda: asyncio.run(asyncio.sleep(3600)))'
}

user_perl() {
	note "--- perl"
	# perl's sleep returns time() - time(), and time() is the coarse
	# clock, up to a tick behind: 3599 comes natively too, now and then.
	check "perl: sleep 3600 returns 3600 (or 3599) and time() moved 3600 s" \
		fc_prog $((10 * slow)) -- perl -e '$t = time; $s = sleep 3600; $d = time - $t;
			$ok = $s >= 3599 && $s <= 3600 && $d >= 3599 && $d <= 3602;
			print(($ok ? "ok" : "FAIL"), " slept=$s elapsed=$d\n"); exit !$ok'
	check "perl: Time::HiRes::sleep(1800.5) and 4-arg select 1800 s" \
		fc_prog $((10 * slow)) -- perl -MTime::HiRes=time,sleep -e '$t = time; sleep(1800.5);
			select(undef, undef, undef, 1800); $d = time - $t;
			$ok = $d >= 3600.5 && $d < 3605;
			print(($ok ? "ok" : "FAIL"), " elapsed=$d\n"); exit !$ok'
}

user_node() {
	note "--- node"
	check "node: setTimeout 3600e3 ms fires after 3600 virtual s" \
		fc_prog $((30 * slow)) -- node -e '
			const t = Date.now(), h = process.hrtime.bigint();
			setTimeout(() => {
				const d = Date.now() - t, e = Number(process.hrtime.bigint() - h) / 1e6;
				// libuv runs timers on its millisecond loop clock, which
				// can trail the clocks read above by a few ms (it was
				// last read before this script ran): natively too, and
				// for Date.now as for hrtime (seen: 3599999 ms)
				const ok = d >= 3600e3 - 5 && d < 3605e3 && e >= 3600e3 - 5 && e < 3605e3;
				console.log((ok ? "ok" : "FAIL") + " date=" + d + " hrtime=" + e);
				process.exit(ok ? 0 : 1);
			}, 3600e3);'
}

user_java() {
	local t0 desc="java: Thread.sleep(3600 s) (120 s bound)"
	# The JVM's own threads wake every 50-250 ms: in ptrace mode 3600 virtual
	# s are some 100000 jumps, tens of real seconds (hence the bound).
	[ "$MODE" = ptrace ] && desc="java: Thread.sleep(3600 s) (some 100000 jumps: 120 s bound)"
	note "--- java"
	mkdir -p "$tmp/java"
	cat >"$tmp/java/Sleep.java" <<'EOF'
public class Sleep {
	public static void main(String[] args) throws Exception {
		long w = System.currentTimeMillis(), n = System.nanoTime();
		Thread.sleep(3600_000L);
		long dw = System.currentTimeMillis() - w, dn = (System.nanoTime() - n) / 1000000;
		boolean ok = dw >= 3600000 && dw < 3605000 && dn >= 3600000 && dn < 3605000;
		System.out.println((ok ? "ok" : "FAIL") + " currentTimeMillis=" + dw + " nanoTime=" + dn);
		System.exit(ok ? 0 : 1);
	}
}
EOF
	t0=$(now)
	if timeout 300 javac -d "$tmp/java" "$tmp/java/Sleep.java" 2>"$tmp/javac.err"; then
		note "javac took $(minus "$(now)" "$t0") s"
		case_timeout=180
		check "$desc" fc_prog 120 -- java -cp "$tmp/java" Sleep
		# shellcheck disable=SC2034 # timed's, in tap.sh
		case_timeout=60
	else
		check "javac compiles the test class" false
		sed 's/^/#   /' "$tmp/javac.err"
	fi
}

# --- several commands, one clock --------------------------------------------

t_three() {
	fc 0 $((5 * slow)) -- sh -c 'sleep 300; echo c' -- sh -c 'sleep 100; echo a' -- sh -c 'sleep 200; echo b' &&
		out_is "$(printf '%s\n' a b c)"
}

t_fifo_pair() {
	local a b
	mkfifo "$tmp/pair.fifo" || return 1
	fc 0 $((5 * slow)) -- sh -c 'read x <"$1"; echo "$x $(date +%s)"' sh "$tmp/pair.fifo" \
		-- sh -c 'date +%s; sleep 3600; echo woken >"$1"' sh "$tmp/pair.fifo" || return 1
	a=$(line 1) b=$(line 2)
	[ "${b% *}" = woken ] || { note "reader printed '$b'"; return 1; }
	expect_virtual "reader's date - writer's first date" "$((${b#* } - a))" 3600
}

t_busy() {
	fc 0 $((10 * slow)) -- sh -c 'sleep 10; echo slept' \
		-- perl -e '$t = time; 1 while time - $t < 2; print "busy\n"' || return 1
	out_is "$(printf '%s\n' busy slept)" &&
		expect_range "real seconds (the busy loop runs in real time)" "$took" 1 $((10 * slow))
}

user_several() {
	check "three commands finish in order of their sleeps" t_three
	check "a command blocked on a FIFO (no timeout) is woken by another after its sleep 3600" \
		t_fifo_pair
	check "no jump while a task runs: a 2 s busy loop ends before a sibling's sleep 10" t_busy
}

# --- file descriptors ---------------------------------------------------------

# user_fd_leaks: sets $inherited, the fds this script's children inherit
# anyway (from whatever ran the script): allowed, the test is that fluxctl
# adds none.
user_fd_leaks() {
	local b=$((5 * slow)) desc="no fd leaks into the command"
	[ "$MODE" = kernel ] && desc="$desc (the preload keeps none open)"
	note "--- file descriptors"
	inherited=$("$progs/fdcheck" </dev/null 2>/dev/null | sed -n 's/^# fd \([0-9]*\) .*/\1/p' |
		awk '$1 > 2' | tr '\n' ' ')
	[ -z "$inherited" ] || note "fds inherited from the caller, allowed: $inherited"
	# shellcheck disable=SC2086 # $inherited is a list of numbers
	{
		check "$desc" fc_prog "$b" -- "$progs/fdcheck" $inherited
		check "no fd leaks into a static command" fc_prog "$b" -- "$progs/fdcheck.static" $inherited
		check "no fd leaks into either of two commands" \
			fc_prog "$b" -- "$progs/fdcheck" $inherited -- "$progs/fdcheck" $inherited
	}
}

# --- threads blocked in other ways ---------------------------------------------

# A zombie thread-group leader and a vfork parent beside a 100 s sleep:
# both are blocked, so the sleep is jumped. (Kernel mode counts a vfork
# parent, in D, as running: design.md, known gaps.)
user_blockers() {
	local k kinds=(zombie_leader vfork_parent)
	[ "$MODE" = kernel ] && kinds=(zombie_leader)
	for k in "${kinds[@]}"; do
		check "blockers $k: a 100 s sleep beside it is virtual" \
			fc_prog $((5 * slow)) -- "$progs/blockers" "$k"
	done
}

# A stopped child continued by its parent, which then sleeps 10 s, runs
# before the sleep ends: 200 rounds (a race between reports), 100 in the VM.
user_sigcont() {
	local rounds=$((400 / (2 * slow)))
	check "sigcont: a continued child runs before its parent's sleep ends, $rounds rounds" \
		fc_prog $((20 * slow)) -- "$progs/sigcont" "$rounds"
}

# Waits cut short by signals: only the kernel's restart keeps the old
# deadline, never a fresh wait nor another wait's restart.
user_restarts() {
	local k
	for k in select_eintr_fresh poll_after_eintr restart_kept select_stop_fresh nanosleep_stop_rem \
		ignored_no_eintr; do
		# Ptrace mode only: kernel mode has an open bug here, found
		# 2026-12-05 (design.md, Known gaps): a select stopped and
		# continued returns 0 at the SIGCONT (at 5 s, not 13 s).
		[ "$k" != select_stop_fresh ] || [ "$MODE" != kernel ] || continue
		check "restarts $k: as natively" fc_prog $((5 * slow)) -- "$progs/restarts" "$k"
	done
}

# --- ia32 and x32 (ptrace mode) ----------------------------------------------

# A 32-bit program is refused at its exec, at once: exit 126 as a command,
# killed by SIGKILL as a child. A 64-bit program's own ia32 (int $0x80)
# and x32 calls hold time while they run, read virtual time, and once one
# arms a kernel timer, jumps stop. Each ABI runs where this kernel runs it
# (probed natively), else its cases are skipped; with FOREIGN_REQUIRED=1
# (the VM suite: Debian's kernels run ia32, and x32 with syscall.x32=y) a
# kernel that runs neither is a failure.
t_m32_refused() {
	fc 126 "$slow" -- "$progs/m32/sleep3" || return 1
	err_has '32-bit programs cannot run in ptrace mode' && err_has 'use --mode kernel'
}
t_m32_child() {
	fc 0 "$slow" -- sh -c '"$1"; echo "status $?"' sh "$progs/m32/sleep3" || return 1
	out_is "status 137" && err_has '32-bit programs cannot run in ptrace mode'
}
t_foreign_sleep() { # ABI
	fc_prog 10 -- "$progs/foreign" "$1" sleep || return 1
	expect_range "real seconds (time holds while the 3 s sleep runs)" "$took" 2.5 10
}
t_foreign_alarm() { # ABI
	fc_prog 10 -- "$progs/foreign" "$1" alarm || return 1
	expect_range "real seconds (no jumps after the alarm)" "$took" 2.5 10 &&
		err_has 'no more jumps'
}
t_x32_refused() {
	fc_prog 5 -v -- "$progs/foreign" x32 refused || return 1
	err_has 'time holds: thread [0-9]+ is in an x32 syscall'
}
user_foreign() {
	local abi why
	if [ ! -x "$progs/m32/sleep3" ]; then
		check "a -m32 program is built (gcc-multilib: make deps)" false
	elif "$progs/m32/sleep3" probe 2>/dev/null; then
		check "a 32-bit program is refused at exec: exit 126, a message, at once" t_m32_refused
		check "a 32-bit child is killed at exec: its parent sees 137" t_m32_child
	elif [ "${FOREIGN_REQUIRED:-0}" = 1 ]; then
		check "this kernel runs ia32 programs" false
	else
		why="this kernel runs no ia32 program (ia32_emulation off); the VM suite runs it"
		skip "a 32-bit program is refused at exec: exit 126, a message, at once" "$why"
		skip "a 32-bit child is killed at exec: its parent sees 137" "$why"
	fi
	for abi in ia32 x32; do
		if "$progs/foreign" "$abi" probe; then
			check "$abi: a 3 s sleep beside a 10 s one holds time: ends at 3 and 10 virtual s" \
				t_foreign_sleep "$abi"
			check "$abi: time reads after a 1000 s sleep are virtual" \
				fc_prog 5 -- "$progs/foreign" "$abi" read
			check "$abi: alarm(2), then a 100 s sleep: SIGALRM ends it at 2 s, no more jumps" \
				t_foreign_alarm "$abi"
		elif [ "${FOREIGN_REQUIRED:-0}" = 1 ]; then
			check "this kernel runs $abi syscalls" false
		else
			why="this kernel runs no $abi syscall; the VM suite runs it"
			skip "$abi: a 3 s sleep beside a 10 s one holds time" "$why"
			skip "$abi: time reads after a 1000 s sleep are virtual" "$why"
			skip "$abi: alarm(2), then a 100 s sleep: SIGALRM ends it at 2 s" "$why"
		fi
	done
	if ! "$progs/foreign" x32 probe; then
		check "x32 calls this kernel refuses: ENOSYS as natively, time holds (-v), jumps go on" \
			t_x32_refused
	fi
}

# Timed waits the kernel refuses fail at once with its errno, never after
# their timeout (ptrace mode ends a lone futex wait without the kernel).
user_badargs() {
	local k
	for k in futex_misaligned futex_empty_bitset futex_wait_realtime select_negative \
		select_bad_usec nanosleep_bad_nsec nanosleep_negative clock_nanosleep_raw \
		clock_nanosleep_bad; do
		check "badargs $k: the kernel's errno, at once" \
			fc_prog $((5 * slow)) -- "$progs/badargs" "$k"
	done
	check "badargs select_usec_carry: 2000000 us carry into seconds, as the kernel does" \
		fc_prog $((5 * slow)) -- "$progs/badargs" select_usec_carry
	check "badargs highbit_read: (1 << 32 | clock_gettime) reads the plain call's clock" \
		fc_prog $((5 * slow)) -- sh -c 'sleep 500 && exec "$0" highbit_read' "$progs/badargs"
	check "badargs highbit_alarm: (1 << 32 | alarm) arms a timer no jump passes" \
		fc_prog $((5 * slow)) -- "$progs/badargs" highbit_alarm
}

# --- signal dispositions --------------------------------------------------------

# Started with SIGCHLD ignored (inherited over exec: nothing would report
# a stop or an exit to fluxctl) it still runs and waits; the commands get
# the caller's ignored signals, as exec would have passed them on.
# IGNORING SIGS CMD...: CMD with SIGS ignored, as `trap '' SIGS; exec` does.
ignoring=(bash -c 'trap "" $0; exec "$@"')
t_sigchld_ignored() {
	timed 0 $((5 * slow)) "${ignoring[@]}" CHLD \
		"$fluxctl" run --mode "$MODE" -- sh -c 'sleep 10; echo finished' && out_is finished
}
t_ignored_kept() {
	timed 0 $((5 * slow)) "${ignoring[@]}" "CHLD HUP" \
		"$fluxctl" run --mode "$MODE" -- grep SigIgn /proc/self/status &&
		out_is "$(timeout -k 5 "$case_timeout" "${ignoring[@]}" "CHLD HUP" \
			grep SigIgn /proc/self/status)"
}
user_signal_dispositions() {
	check "started with SIGCHLD ignored: runs, waits, exits 0" t_sigchld_ignored
	check "the caller's ignored SIGCHLD and SIGHUP stay ignored in the command" t_ignored_kept
}

# --- exit statuses, --start ---------------------------------------------------

# A command killed by a signal: fluxctl dies of the same signal, so that
# its parent sees what it would see natively (a shell stops a script whose
# command died of SIGINT; one that exited with 130 it does not).
t_dies_of_signal() {
	timed 0 $((5 * slow)) perl -e 'system(@ARGV); printf "signal %d status %d\n", $? & 127, $? >> 8' \
		"$fluxctl" run --mode "$MODE" -- sh -c 'sleep 60; kill -TERM $$' || return 1
	out_is "signal 15 status 0"
}

user_exit_statuses() {
	local b=$((5 * slow))
	check "a command killed by SIGTERM: fluxctl dies of SIGTERM too (its parent sees the signal)" \
		t_dies_of_signal
	check "exit 3 gives 3" fc 3 "$b" -- sh -c 'exit 3'
	check "exit 3 after sleep 3600 gives 3" fc 3 "$b" -- sh -c 'sleep 3600; exit 3'
	check "kill -9 \$\$ gives 137" fc 137 "$b" -- sh -c 'kill -9 $$'
	check "kill -TERM \$\$ after a sleep gives 143" fc 143 "$b" -- sh -c 'sleep 60; kill -TERM $$'
	check "a missing program gives 127 and a message naming it" \
		eval 'fc 127 "$b" -- "$tmp/no-such-program" && err_has "no-such-program"'
	check "several: the first non-zero status in command-line order (4)" \
		fc 4 "$b" -- true -- sh -c 'exit 4' -- sh -c 'exit 5'
	check "several: command-line order, not finishing order (6, not 7)" \
		fc 6 "$b" -- sh -c 'sleep 10; exit 6' -- sh -c 'exit 7'
	check "several: all succeed gives 0" fc 0 "$b" -- true -- sh -c 'sleep 5' -- true
	check "several: a killed second command gives 137" fc 137 "$b" -- true -- sh -c 'kill -9 $$'
	check "several: a missing second program gives 127" fc 127 "$b" -- true -- "$tmp/no-such-program"
}

t_start_sleep() {
	fc 0 $((5 * slow)) --start=@0 -- sh -c 'date +%s; sleep 3600; date +%s' || return 1
	expect_range "first date" "$(line 1)" 0 5 &&
		expect_range "second date" "$(line 2)" 3600 3606
}

user_start() {
	local b=$((5 * slow))
	check "--start=@0: date +%Y prints 1970" eval 'fc 0 "$b" --start=@0 -- date +%Y && out_is 1970'
	check "--start=2000-01-01: date +%Y prints 2000" \
		eval 'fc 0 "$b" --start=2000-01-01 -- date +%Y && out_is 2000'
	check "--start=@0 then sleep 3600: dates 0.. and 3600.." t_start_sleep
}

# --- programs no preload reaches (issue 13) -----------------------------------

# A static glibc binary, a static musl binary, a static Go binary and a
# dynamic binary with LD_PRELOAD removed read MONOTONIC, BOOTTIME, REALTIME
# and TAI, through libc (or Go's runtime) and by system call: a 100 s sleep
# moves each by 100 s, --start shifts REALTIME. Go's timers (time.After, a
# ticker, context.WithTimeout, I/O deadlines) are computed from its clock
# reads: they take their virtual time only when those reads move. Ptrace
# mode hides the vDSO at exec; kernel mode must make the vDSO virtual.

start2000=946684800 # 2000-01-01T00:00:00Z

# moved_by WANT LABEL...: each "moved LABEL SECONDS" line says WANT s, -0.02/+0.5.
moved_by() {
	local want=$1 l
	shift
	for l in "$@"; do
		expect_range "moved $l" "$(awk -v l="$l" '$1 == "moved" && $2 == l { print $3; exit }' "$tmp/out")" \
			"$(minus "$want" 0.02)" "$(minus "$want" -0.5)" || return 1
	done
}

# t_clocks_100 PROG [RUN-OPTIONS --] [ARGS]: clocks' four clocks, both ways
# (libc and system call), move by 100 s; the run takes under 20 s real.
t_clocks_100() {
	fc_prog 20 "$@" --sleep=100 || return 1
	moved_by 100 libc.monotonic libc.boottime libc.realtime libc.tai \
		sys.monotonic sys.boottime sys.realtime sys.tai
}

# t_clocks_2000 [RUN-OPTIONS --] PROG: REALTIME (libc and syscall) starts at 2000-01-01.
t_clocks_2000() {
	local k
	fc_prog 20 --start=2000-01-01 "$@" || return 1
	for k in libc.realtime sys.realtime libc.gettimeofday sys.time; do
		expect_range "$k" "$(value "$k")" "$start2000" $((start2000 + 5)) || return 1
	done
}

user_clocks_no_preload() {
	local p
	for p in clocks.static clocks.musl; do
		if [ ! -x "$progs/$p" ]; then
			check "$p is built (make host-tests; .musl needs musl-tools: make deps)" false
			continue
		fi
		check "$p: MONOTONIC, BOOTTIME, REALTIME and TAI move by 100 s (libc and syscall)" \
			t_clocks_100 -- "$progs/$p"
		check "$p --start=2000-01-01: REALTIME reads 2000-01-01" t_clocks_2000 -- "$progs/$p"
	done
	check "clocks, LD_PRELOAD removed: MONOTONIC, BOOTTIME, REALTIME and TAI move by 100 s" \
		t_clocks_100 -- env -u LD_PRELOAD "$progs/clocks"
	check "clocks, LD_PRELOAD removed, --start=2000-01-01: REALTIME reads 2000-01-01" \
		t_clocks_2000 -- env -u LD_PRELOAD "$progs/clocks"
}

# The Go program (tests/host/progs/go), 20 s real at most each (issue 13
# wants under 1 s on the host, under 5 s in the VM). A run killed by
# timeout(1) hung (its clock reads did not move, so its timers never
# expire): the cases after it fail at once instead of hanging too.
gop=$progs/vtime.go.static
go_hung=

# go_runs: false, with a note, once a Go run has hung.
go_runs() {
	[ -z "$go_hung" ] && return 0
	note "not run: 'vtime$go_hung' hung, this run would hang too"
	return 1
}

# go_prog [RUN-OPTIONS --] ARGS: vtime ARGS says ok within 20 s real.
go_prog() {
	local args="$*"
	go_runs || return 1
	fc_prog 20 "$@" && return 0
	case $rc in 124 | 137) go_hung=${args##*"$gop"} ;; esac
	return 1
}

# t_go WANT-SECONDS LABEL-PREFIX ARGS: vtime ARGS says ok; its runtime clock
# (time.Since, the wall clock) and the raw MONOTONIC and REALTIME moved by
# WANT s.
t_go() {
	local want=$1 pre=$2
	shift 2
	go_prog -- "$gop" "$@" || return 1
	moved_by "$want" "$pre.since" "$pre.wall" "$pre.sys.monotonic" "$pre.sys.realtime"
}
t_go_clocks() {
	go_prog -- "$gop" clocks 100 || return 1
	moved_by 100 sys.monotonic sys.boottime sys.realtime sys.tai now.since now.wall
}
t_go_start() {
	go_prog --start=2000-01-01 -- "$gop" clocks 100 || return 1
	expect_range "sys.realtime" "$(value sys.realtime)" "$start2000" $((start2000 + 5)) &&
		expect_range "now.unix (time.Now)" "$(value now.unix)" "$start2000" $((start2000 + 5)) &&
		expect_range "after.year (time.Now after the sleep)" "$(value after.year)" 2000 2000
}
t_go_context() {
	t_go 100 context context 100 && out_has '^context.err context deadline exceeded$'
}
# The issue's bounds on real time, asserted (they are 10-20x what runs
# take: 0.05 s on the host, 0.3 s in the VM).
t_go_acceptance() {
	local limit=1 where=host
	[ "$MODE" = kernel ] && limit=5 where=VM
	t_go 230 total acceptance || return 1
	note "acceptance: under $limit s real ($where); this run: $took s"
	in_range "$took" 0 "$limit"
}

user_go() {
	# a hung run waits 30 s, not 60
	local case_timeout=30
	go_hung=
	if [ ! -x "$gop" ]; then
		check "the Go program is built (golang-go: make deps)" false
		return
	fi
	check "Go: MONOTONIC, BOOTTIME, REALTIME, TAI (syscall) and time.Now move by 100 s over time.Sleep" \
		t_go_clocks
	check "Go --start=2000-01-01: REALTIME and time.Now read 2000-01-01" t_go_start
	check "Go: <-time.After(100 s) takes 100 virtual s" t_go 100 after after 100
	check "Go: 10 ticks of a 10 s time.NewTicker take 100 virtual s" t_go 100 ticker ticker 10 10
	check "Go: context.WithTimeout(100 s) ends with DeadlineExceeded after 100 virtual s" t_go_context
	check "Go: net.DialTimeout on loopback, then a 100 s read deadline times out" \
		t_go 100 read deadline 100
	check "Go: net.DialTimeout(100 s) to a full loopback accept queue times out" \
		t_go 100 dial dial 100
	check "Go acceptance: sleep 100, After 50, 5 ticks of 10 s, a 30 s context: 230 s pass, in under 1 s real (host) or 5 s (VM)" \
		t_go_acceptance
}

user_no_preload() {
	note "--- no preload: static glibc, static musl, Go, dynamic without LD_PRELOAD"
	user_clocks_no_preload
	user_go
}
