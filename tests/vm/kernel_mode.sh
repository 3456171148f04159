#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `fluxctl run --mode kernel` end to end, inside the VM (root, fluxcap.ko
# loaded, cgroup2 at /sys/fs/cgroup): the user-level cases of
# tests/host/ptrace_mode.sh with the module's per-cgroup clock instead of
# ptrace. sleep, bash and date, python3, perl, node and java (when the
# machine has them) jump; sleep sorts come out sorted; a TCP server's delayed
# reply arrives after the delay on the virtual clock; several commands share
# one clock; exit statuses are a shell's; a static binary's nanosleep jumps
# and its raw clock syscalls are virtual; programs no preload reaches (static
# glibc and musl, Go, LD_PRELOAD removed) and processes attached by pid read
# the group's time through the vDSO too (issue 13); a process outside the
# group keeps real time while the group jumps; nothing of a run is left
# behind (groups, cgroups, fds). Real time is measured out here (outside every group) with
# date(1), with generous bounds (the guest is emulated, slow); each case
# prints what it took as a "# took" comment. TAP output; exits non-zero if a
# case failed. Run by tests/vm/guest-suite, or by hand:
#   tests/vm/run --kernel all -- bash tests/vm/kernel_mode.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
MODE=kernel
fluxctl=$build/fluxctl
progs=$build/tests/progs
export TZ=UTC LC_ALL=C
. tests/lib/tap.sh
. tests/lib/user_cases.sh

# A fluxctl killed with SIGKILL cannot delete its group: drop_group does it
# once the members are gone.
drop_group() { # drop_group PID: the group of the killed fluxctl run PID
	"$fluxctl" delete "run-$1" >/dev/null 2>&1
}

# A runtime the host has must be in the guest too: the guest sees the host's
# root, so a program missing from PATH here but present in the usual
# directories is a failure; one that is nowhere is only a comment.
# have NAME: true when NAME runs here.
have() {
	local d
	command -v "$1" >/dev/null && return 0
	for d in /usr/local/bin /usr/bin /bin /usr/lib/jvm/*/bin /opt/*/bin /usr/local/*/bin; do
		if [ -x "$d/$1" ]; then
			check "$1 is on PATH in the guest (the machine has $d/$1)" false
			return 1
		fi
	done
	note "$1 is not installed on this machine: not tested"
	return 1
}

# --- prerequisites ---------------------------------------------------------

for f in "$fluxctl" "$build/libfluxcap-preload.so" "$progs/timeouts" "$progs/timeouts.static" \
	"$progs/clocks" "$progs/clocks.static" "$progs/tcp_delay" "$progs/threads" \
	"$progs/huge" "$progs/fdcheck" "$progs/fdcheck.static" "$progs/noclone3" \
	"$progs/wakeorder"; do
	if [ ! -x "$f" ] && [ ! -f "$f" ]; then
		echo "not ok 1 - $f is built"
		echo "1..1"
		exit 1
	fi
done
if ! grep -q '^fluxcap ' /proc/modules; then
	echo "not ok 1 - fluxcap.ko is loaded (kernel mode needs it)"
	echo "1..1"
	exit 1
fi
py=$(command -v python3) || py=
case_start=$(now)
note "kernel $(uname -r)"

# --- basics ---------------------------------------------------------------

note "--- basics"
t_mode() {
	fc 0 10 -v -- true || return 1
	cat "$tmp/err"
	grep -q 'mode kernel' "$tmp/err" || { note "-v does not say 'mode kernel'"; return 1; }
}
check "-v says mode kernel (group and cgroup named)" t_mode
check "true exits 0" fc 0 10 -- true
check "false exits 1" fc 1 10 -- false

# fluxctl starts each command in the cgroup with clone3(CLONE_INTO_CGROUP);
# where clone3 is refused (a container runtime's seccomp says ENOSYS), by
# fork() and a move: a member from its first instruction either way.
t_spawn() { # t_spawn WAY [WRAPPER]: -v says WAY; the command's cgroup; its sleep jumps
	local way=$1
	shift
	timed 0 10 "$@" "$fluxctl" run --mode kernel -v -- \
		sh -c 'cat /proc/self/cgroup; sleep 3600; echo slept' || return 1
	grep -q '^0::/fluxcap/run-[0-9]*$' "$tmp/out" ||
		{ note "not in its run's cgroup: $(head -n 1 "$tmp/out")"; return 1; }
	out_has '^slept$' && err_has "$way"
}
check "a command starts in its run's cgroup (clone3 into it) and its sleep jumps" \
	t_spawn 'commands started in the cgroup \(clone3\)'
check "so too where clone3 is refused (ENOSYS, a container's seccomp): fork and a move" \
	t_spawn 'clone3 into the cgroup refused \(Function not implemented\): commands forked, then moved in' \
	"$progs/noclone3"

sleep_took=()
t_sleep() {
	local i all=""
	for i in 1 2 3 4 5; do
		fc 0 5 -- sleep 3600 || return 1
		sleep_took+=("$took")
		all="$all $took"
	done
	note "sleep 3600 under fluxctl run --mode kernel, 5 runs, real s:$all"
	note "acceptance goal: under 0.5 s (best $(printf '%s\n' "${sleep_took[@]}" | sort -n | head -n 1) s, worst $(printf '%s\n' "${sleep_took[@]}" | sort -n | tail -n 1) s)"
}
check "sleep 3600 returns in under 5 s real (5 runs)" t_sleep

t_bash_day() {
	local a b
	fc 0 10 -- bash -c 'date +%s; sleep 86400; date +%s' || return 1
	a=$(line 1) b=$(line 2)
	expect_range "first date - real time at start" "$(minus "$a" "$t_start")" -2 5 &&
		expect_virtual "second date - first" "$((b - a))" 86400
}
check "bash 'date; sleep 86400; date' prints times 86400 s apart (plus the run's real time)" t_bash_day

t_date_ahead() {
	local d host
	fc 0 10 -- bash -c 'sleep 86400; date +%s' || return 1
	host=$(date +%s)
	d=$(line 1)
	note "host date after the run: $host"
	expect_range "member's date after sleep 86400 - host's date" "$((d - host))" 86390 86402
}
check "date inside after sleep 86400 is a day ahead of the host's date" t_date_ahead

user_sleep_sort

t_sleep_sort10() {
	fc 0 30 -- bash -c 'for n in 70 20 100 40 10 90 30 60 50 80; do
		(sleep "$n"; echo "$n") & done; wait' &&
		out_is "$(seq 10 10 100)"
}
check "sleep sort: 10 processes sleeping 10..100 s print in order" t_sleep_sort10

user_sleep_sort20

check "bash: 24 sleep 3600 in a row are fast" \
	fc 0 20 -- bash -c 'for i in $(seq 24); do sleep 3600; done'
check "sh -c 'sleep 3600 & wait' (a background child) is fast" \
	fc 0 10 -- sh -c 'sleep 3600 & wait'

# --- every timed wait -------------------------------------------------------

note "--- timeouts: a 3600 s wait of each kind, dynamic binary (preload)"
user_every_wait

note "--- static binaries: waits and raw clock syscalls"
for w in nanosleep clock_nanosleep_monotonic clock_nanosleep_realtime_abs poll futex_wait; do
	check "timeouts.static --raw $w: 3600 virtual s on raw clock_gettime, at once" \
		fc_prog 10 -- "$progs/timeouts.static" --raw "$w"
done
check "clocks.static --only=sys: raw syscall clocks move by 3600 s over nanosleep(3600)" \
	fc_prog 10 -- "$progs/clocks.static" --only=sys --sleep=3600
check "huge.static --raw: 10 x 100-year sleeps, year past 2500 on raw syscall clocks" \
	fc_prog 10 -- "$progs/huge.static" --raw

# --- timers ----------------------------------------------------------------

user_timers

# --- clocks ----------------------------------------------------------------

note "--- clocks"
user_clocks_start
check "clocks: every clock, both ways, moves by 86400 s over sleep 86400" \
	fc_prog 10 -- "$progs/clocks" --sleep=86400
user_clocks_later

# Issue 13: programs no preload reaches, and a process attached by pid,
# read the group's time through the vDSO as well as by system call.
user_no_preload

note "--- a process attached by pid (issue 13)"
# clocks --lines, started natively (outside every group, no preload), reads
# every clock at start and again at each line written to it. Then the group
# is created with --start=2000-01-01, the process attached and the clock
# advanced 1000 s: its next read shows 2000-01-01 + 1000 s, MONOTONIC and
# BOOTTIME 1000 s on; then a member's sleep 500 jumps: 500 s more. The
# program itself checks that gettimeofday, time and the coarse clocks agree
# with clock_gettime in each read.

# round_value ROUND KEY: KEY in the ROUND'th set of readings (from 0).
round_value() {
	awk -v r="$1" -v k="$2" '$1 == "read" { i++; next } i == r && $1 == k { print $2; exit }' "$tmp/out"
}

# moved_between KEY FROM TO WANT REAL-SECONDS: KEY moved by WANT s between
# reads FROM and TO, plus at most the REAL-SECONDS that passed meanwhile.
moved_between() {
	expect_range "$1 moved from read $2 to read $3" \
		"$(minus "$(round_value "$3" "$1")" "$(round_value "$2" "$1")")" \
		"$(minus "$4" 0.02)" "$(minus "$(minus "$5" -0.5)" "-$4")"
}

# next_read ROUND: a line to the program (none for read 0), then wait for
# its "read ROUND".
next_read() {
	local i
	[ "$1" = 0 ] || (echo >&"$attach_fd") 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		grep -qx "read $1" "$tmp/out" && return 0
		kill -0 "$bg_pid" 2>/dev/null || break
		sleep 0.1
	done
	note "no 'read $1' from the program"
	return 1
}

# fluxctl_ok ARGS: fluxctl ARGS, its stderr shown when it fails.
fluxctl_ok() {
	"$fluxctl" "$@" >/dev/null 2>"$tmp/fluxctl.err" && return 0
	note "fluxctl $* failed:"
	sed 's/^/#   /' "$tmp/fluxctl.err"
	return 1
}

# attach_steps SRC GROUP T0: the reads of the started program (at T0).
attach_steps() {
	local src=$1 g=$2 t0=$3 t1 t2 t3 k
	next_read 0 || return 1
	expect_range "$src.realtime before attach - real time" \
		"$(minus "$(round_value 0 "$src.realtime")" "$t0")" -1 5 || return 1
	t1=$(now)
	fluxctl_ok create "$g" --start=@$start2000 && fluxctl_ok attach "$g" "$bg_pid" &&
		fluxctl_ok set "$g" advance 1000s && next_read 1 || return 1
	t2=$(now)
	expect_range "$src.realtime after attach and advance - 2000-01-01" \
		"$(minus "$(round_value 1 "$src.realtime")" "$start2000")" \
		999.98 "$(minus "$(minus "$t2" "$t1")" -1000.5)" || return 1
	for k in monotonic boottime; do
		moved_between "$src.$k" 0 1 1000 "$(minus "$t2" "$t0")" || return 1
	done
	# not timed: the program's output is $tmp/out
	timeout -k 5 "$case_timeout" "$fluxctl" exec "$g" -- sleep 500 </dev/null >/dev/null \
		2>"$tmp/fluxctl.err" || { note "fluxctl exec $g -- sleep 500 failed"; return 1; }
	expect_range "real s of fluxctl exec $g -- sleep 500" "$(minus "$(now)" "$t2")" 0 $((5 * slow)) &&
		next_read 2 || return 1
	t3=$(now)
	for k in realtime monotonic boottime tai; do
		moved_between "$src.$k" 1 2 500 "$(minus "$t3" "$t1")" || return 1
	done
}

# t_attach PROG libc|sys: PROG --only=SRC --lines, attached by pid.
t_attach() {
	local bin=$1 src=$2 g="attach-$$-$n" fifo="$tmp/attach-$n.fifo" t0 ok=0
	mkfifo "$fifo" || return 1
	t0=$(now)
	"$bin" --only="$src" --lines <"$fifo" >"$tmp/out" 2>"$tmp/err" &
	bg_pid=$!
	bg_pids+=("$bg_pid")
	# read-write: does not block, and the program sees EOF when it is closed
	exec {attach_fd}<>"$fifo"
	attach_steps "$src" "$g" "$t0" && ok=1
	exec {attach_fd}>&-
	if ! wait_exit "$bg_pid" 10 2>/dev/null; then
		note "the program is still running after the end of its input"
		kill_bg
		ok=0
	elif [ "$bg_rc" != 0 ]; then
		note "the program exited with status $bg_rc"
		ok=0
	fi
	if "$fluxctl" show "$g" >/dev/null 2>&1; then
		fluxctl_ok delete "$g" || ok=0
	fi
	[ "$ok" = 1 ]
}

attach_what="--start=2000-01-01, advance 1000s, a member's sleep 500"
for p in clocks clocks.static clocks.musl; do
	what="$p"
	[ "$p" = clocks ] && what="clocks (dynamic, no preload)"
	[ "$p" = clocks.musl ] && what="clocks.musl (static musl)"
	check "attached by pid: $what, raw syscalls read the group's time ($attach_what)" \
		t_attach "$progs/$p" sys
	check "attached by pid: $what, libc/vDSO reads (clock_gettime, gettimeofday, time) read the group's time" \
		t_attach "$progs/$p" libc
done

# --- python3, perl, node, java -----------------------------------------------

if have python3; then
	note "--- python3 ($py)"
	python_prelude
	pycase "time.sleep(3600): time.time() and time.monotonic() advance 3600 s" \
		'expect(timed(3600, lambda: time.sleep(3600)), None)'
	pycase "time.time() advances by 86400 s over time.sleep(86400), os.times() fine" \
		't0 = time.time()
c0 = os.times()
time.sleep(86400)
d = time.time() - t0
c1 = os.times()
if not (86400 <= d < 86405):
    print("FAIL: time.time() moved %.3f s" % d); sys.exit(1)
print("ok time.time() moved %.3f s; os.times elapsed %.2f" % (d, c1.elapsed - c0.elapsed))'
	user_py_select
	user_py_event
	user_py_threads_asyncio
	user_py_timers
	pycase "subprocess.run(['sleep', '3600'])" \
		'import subprocess
expect(timed(3600, lambda: subprocess.run(["sleep", "3600"]).returncode), 0)'
	pycase "TCP delayed echo in one process: the server thread replies after sleep(30)" \
		'srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
def serve():
    c, _ = srv.accept()
    data = c.recv(100)
    time.sleep(30)
    c.sendall(b"echo " + data)
    c.close()
threading.Thread(target=serve, daemon=True).start()
def ask():
    s = socket.create_connection(srv.getsockname())
    s.sendall(b"hello")
    return s.recv(100)
expect(timed(30, ask), b"echo hello")'

	# The server and the client as two commands of one run, sharing the clock.
	cat >"$tmp/tcp_server.py" <<'EOF'
import os, socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = srv.accept()
data = c.recv(100)
time.sleep(30)
c.sendall(b"echo " + data)
c.close()
print("server done")
EOF
	cat >"$tmp/tcp_client.py" <<'EOF'
import os, socket, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
port = int(open(sys.argv[1]).read())
s = socket.create_connection(("127.0.0.1", port))
m0, r0 = time.monotonic(), time.time()
s.sendall(b"hello")
got = s.recv(100)
m, r = time.monotonic() - m0, time.time() - r0
ok = got == b"echo hello" and 30 <= m < 35 and 29.99 <= r < 35
print("%s client got %r after monotonic %.3f s, realtime %.3f s" % ("ok" if ok else "FAIL", got, m, r))
sys.exit(0 if ok else 1)
EOF
	t_tcp_two() {
		fc 0 30 -- "$py" "$tmp/tcp_server.py" "$tmp/tcp.port" \
			-- "$py" "$tmp/tcp_client.py" "$tmp/tcp.port" || return 1
		show_ok
		grep -q '^ok client' "$tmp/out" && grep -q '^server done' "$tmp/out"
	}
	check "TCP delayed echo, server and client as two commands: reply after 30 virtual s" t_tcp_two
fi

note "--- TCP (C program)"
check "tcp_delay thread: replies delayed by the server's sleeps (3600 1 60 0 s)" \
	fc_prog 20 -- "$progs/tcp_delay" thread
check "tcp_delay fork: 10 requests, up to a day each, server in another process" \
	fc_prog 30 -- "$progs/tcp_delay" fork 10 20 30 40 50 1 2 3 4 86400

note "--- threads, far future"
check "threads: 5 threads sleeping 100..500 s: in order, 500 s in all" \
	fc_prog 20 -- "$progs/threads"
check "threads --mix: 8 threads, 8 kinds of wait, in order" \
	fc_prog 20 -- "$progs/threads" --mix 800 100 700 200 600 300 500 400
check "huge: 10 x 100-year sleeps, the virtual year is past 2500" \
	fc_prog 20 -- "$progs/huge"
# tests/host/progs/wakeorder.c: wake-ups around a jump, as natively
check "wakeorder queued: a futex wait begun before a jump is asleep when woken: 100 rounds" \
	fc_prog 60 -- "$progs/wakeorder" queued 100
check "wakeorder chain: a thread woken by the one a jump ended runs before the next jump: 300 rounds" \
	fc_prog 60 -- "$progs/wakeorder" chain 300
check "wakeorder signal: a signal sent as a sleep begins ends it (EINTR), no jump: 100 rounds" \
	fc_prog 60 -- "$progs/wakeorder" signal 100

if have perl; then
	user_perl
fi

if have node; then
	user_node
fi

if have java && have javac; then
	user_java
fi

# --- several commands, one clock --------------------------------------------

note "--- several commands"
check "fluxctl run --mode kernel -- sleep 100 -- sleep 200: both finish, at once" \
	fc 0 10 -- sleep 100 -- sleep 200
t_parallel() {
	local a b c
	fc 0 10 -- sh -c 'sleep 100; date +%s >"$1"' sh "$tmp/p.100" \
		-- sh -c 'date +%s >"$1"; sleep 200; date +%s >"$2"' sh "$tmp/p.0" "$tmp/p.200" ||
		return 1
	a=$(cat "$tmp/p.0") b=$(cat "$tmp/p.100") c=$(cat "$tmp/p.200")
	expect_virtual "first command's end - start (virtual s)" "$((b - a))" 100 &&
		expect_virtual "total virtual s (second command's end - start)" "$((c - a))" 200
}
check "sleep 100 and sleep 200 side by side: 100 and 200 virtual s, 200 in all" t_parallel

user_several

# --- exit statuses -------------------------------------------------------------

note "--- exit statuses (as ptrace mode and a shell: 128+N for signal N)"
user_exit_statuses
user_signal_dispositions
user_blockers
user_restarts
user_sigcont
user_badargs

# ptrace mode's ia32/x32 cases: the host may run no 32-bit code at all
# (IA-32 emulation off), Debian's kernels do.
note "--- ptrace mode in the guest: ia32 and x32"
MODE=ptrace FOREIGN_REQUIRED=1
user_foreign
MODE=kernel FOREIGN_REQUIRED=0

# Kernel mode runs 32-bit code in virtual time: a 64-bit program's own
# ia32 and x32 time reads (their syscall entries are probed too), and a
# -m32 program's sleep.
note "--- kernel mode: ia32 and x32"
t_m32_kernel() {
	fc_prog 10 -- "$progs/m32/sleep3" || return 1
	out_has "ok slept 3 s" && expect_range "real seconds" "$took" 0 2.5
}
for abi in ia32 x32; do
	check "kernel mode, $abi: time reads after a 1000 s sleep are virtual" \
		fc_prog 5 -- "$progs/foreign" "$abi" read
done
check "kernel mode: a -m32 program's 3 s sleep ends at once" t_m32_kernel

# --- --start ----------------------------------------------------------------------

note "--- --start"
user_start

# --- file descriptors --------------------------------------------------------------

user_fd_leaks

# --- real time outside ------------------------------------------------------------

note "--- a non-member keeps real time"
t_nonmember() {
	local stop="$tmp/nonmember.stop" count="$tmp/nonmember.count" t0 d loops
	"$fluxctl" run --mode kernel -- bash -c 'i=0; while [ ! -e "$1" ]; do sleep 3600; i=$((i + 1)); echo "$i" >"$2"; done' \
		bash "$stop" "$count" </dev/null >"$tmp/out" 2>"$tmp/err" &
	bg_pid=$!
	bg_pids+=("$bg_pid")
	# Wait until the member is jumping.
	for ((d = 0; d < 100; d++)); do
		[ -s "$count" ] && break
		sleep 0.1
	done
	[ -s "$count" ] || {
		note "the member never got through a sleep 3600"
		touch "$stop"
		wait_exit "$bg_pid" 10 2>/dev/null || { kill_bg; drop_group "$bg_pid"; }
		return 1
	}
	loops=$(cat "$count")
	t0=$(now)
	sleep 1
	d=$(minus "$(now)" "$t0")
	expect_range "member loops of sleep 3600 so far" "$loops" 1 1000000000
	note "member loops done during the non-member's sleep: $(($(cat "$count") - loops))"
	touch "$stop"
	wait_exit "$bg_pid" 20 2>/dev/null || { note "fluxctl did not exit"; kill_bg; drop_group "$bg_pid"; return 1; }
	[ "$bg_rc" = 0 ] || { note "fluxctl exit $bg_rc"; return 1; }
	expect_range "a non-member's sleep 1 meanwhile, real s" "$d" 1 10 || return 1
	if [ -n "$py" ]; then
		# The same from a non-member python: monotonic and wall clock real.
		"$fluxctl" run --mode kernel -- bash -c 'while [ ! -e "$1" ]; do sleep 3600; done' \
			bash "$stop.2" </dev/null >/dev/null 2>&1 &
		bg_pid=$!
		bg_pids+=("$bg_pid")
		sleep 0.5
		d=$("$py" -c 'import time
m, r = time.monotonic(), time.time()
time.sleep(1)
print("%.3f %.3f" % (time.monotonic() - m, time.time() - r))')
		touch "$stop.2"
		wait_exit "$bg_pid" 20 2>/dev/null || { note "fluxctl did not exit"; kill_bg; drop_group "$bg_pid"; return 1; }
		expect_range "non-member python monotonic over time.sleep(1)" "${d% *}" 1 10 &&
			expect_range "non-member python time.time over time.sleep(1)" "${d#* }" 0.99 10
	fi
}
check "a non-member sleeping 1 s while a group jumps takes >= 1 s real" t_nonmember

# --- signals to fluxctl ------------------------------------------------------------

note "--- signals to fluxctl"
# t_signal SIGNAL: a tree of bash and two cats blocked on a FIFO (after a
# sleep 3600); SIGNAL to fluxctl ends it and leaves no process behind.
t_signal() {
	local sig=$1 marker="$tmp/sig-$1.fifo" i left
	mkfifo "$marker" || return 1
	env --default-signal=INT "$fluxctl" run --mode kernel -- \
		bash -c 'cat "$1" & sleep 3600; cat "$1"; wait' bash "$marker" \
		</dev/null >"$tmp/out" 2>"$tmp/err" &
	bg_pid=$!
	bg_pids+=("$bg_pid")
	for ((i = 0; i < 150; i++)); do
		[ "$(pgrep -c -f -- "cat $marker")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(pgrep -c -f -- "cat $marker")" -ge 2 ] || {
		note "the two cats never ran"
		kill_bg
		gone "$marker" 5
		drop_group "$bg_pid"
		return 1
	}
	kill -"$sig" "$bg_pid"
	wait_exit "$bg_pid" 10 2>/dev/null || {
		note "fluxctl still running 10 s after SIG$sig"
		left=$(tree_pids "$marker")
		left=${left% }
		ps -o pid,ppid,stat,wchan:20,args -p "${left// /,}" 2>&1 | sed 's/^/#   /'
		kill_bg
		gone "$marker" 5
		drop_group "$bg_pid"
		return 1
	}
	note "fluxctl exited with status $bg_rc"
	gone "$marker" 5
}
check "SIGTERM to fluxctl: it exits and no process of the tree is left" t_signal TERM
check "SIGINT to fluxctl: it exits and no process of the tree is left" t_signal INT

# --- nothing left behind ----------------------------------------------------------

note "--- nothing left behind"
t_no_groups() {
	local left
	sleep 1
	"$fluxctl" list >"$tmp/out" 2>"$tmp/err" || { note "fluxctl list failed"; return 1; }
	sed 's/^/#   /' "$tmp/out"
	left=$(grep -c '^run-' "$tmp/out")
	expect_range "run-* groups left" "$left" 0 0 || return 1
	left=$(find /sys/fs/cgroup/fluxcap -mindepth 1 -maxdepth 1 -type d -name 'run-*' 2>/dev/null | wc -l)
	expect_range "run-* cgroups left under /sys/fs/cgroup/fluxcap" "$left" 0 0
}
check "every run's group and cgroup are gone afterwards" t_no_groups

note "all cases took $(minus "$(now)" "$case_start") s real"
echo "1..$n"
[ "$failed" -eq 0 ]
