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
# and its raw clock syscalls are virtual; a process outside the group keeps
# real time while the group jumps; nothing of a run is left behind (groups,
# cgroups, fds). Real time is measured out here (outside every group) with
# date(1), with generous bounds (the guest is emulated, slow); each case
# prints what it took as a "# took" comment. TAP output; exits non-zero if a
# case failed. Run by tests/vm/guest-suite, or by hand:
#   tests/vm/run --kernel all -- bash tests/vm/kernel_mode.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
progs=$build/tests/progs
case_timeout=60
n=0 failed=0 took=0 rc=0
bg_pid='' bg_rc=0
bg_pids=()
tmp=$(mktemp -d)
export TZ=UTC LC_ALL=C

cleanup() {
	local p
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in $(pgrep -f -- "$tmp/"); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- TAP ------------------------------------------------------------------

# check DESCRIPTION TEST-COMMAND...: one numbered case; on failure, show the
# last run's output as comments.
check() {
	local desc=$1
	shift
	n=$((n + 1))
	: >"$tmp/out"
	: >"$tmp/err"
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		head -n 40 "$tmp/out" | sed 's/^/#   stdout: /'
		head -n 40 "$tmp/err" | sed 's/^/#   stderr: /'
		failed=$((failed + 1))
	fi
}

note() { echo "# $*"; }

# --- running things -------------------------------------------------------

now() { date +%s.%N; }
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# timed WANT-STATUS MAX-REAL-SECONDS CMD...: run CMD under timeout(1) with
# stdin from /dev/null, stdout and stderr into $tmp/out and $tmp/err; set
# $rc, $took, $t_start, $t_end; require the status and the real-time bound.
timed() {
	local want=$1 max=$2 cmd
	shift 2
	cmd="$*"
	cmd=${cmd//[$'\n\t']/ }
	while [ "$cmd" != "${cmd//  / }" ]; do cmd=${cmd//  / }; done
	[ "${#cmd}" -le 140 ] || cmd="${cmd:0:137}..."
	rc=0
	t_start=$(now)
	timeout -k 5 "$case_timeout" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
	t_end=$(now)
	took=$(minus "$t_end" "$t_start")
	note "took $took s, exit $rc: ${cmd#"$build"/}"
	if [ "$rc" = 124 ] || { [ "$rc" = 137 ] && [ "$want" != 137 ]; }; then
		note "killed by timeout(1) after $case_timeout s"
	fi
	[ "$rc" = "$want" ] || { note "expected exit $want"; return 1; }
	in_range "$took" 0 "$max" || { note "took longer than $max s"; return 1; }
}

# fc WANT MAX [RUN-OPTIONS] -- CMD...: fluxctl run --mode kernel.
fc() {
	local want=$1 max=$2
	shift 2
	timed "$want" "$max" "$fluxctl" run --mode kernel "$@"
}

show_ok() { sed -n 's/^ok /#   ok /p' "$tmp/out"; }

# fc_prog MAX [RUN-OPTIONS] -- PROG ARGS...: exit 0 and an "ok" line.
fc_prog() {
	fc 0 "$@" || return 1
	show_ok
	grep -q '^ok ' "$tmp/out" || { note "no 'ok' line from the program"; return 1; }
}

err_has() { grep -Eq -- "$1" "$tmp/err"; }
out_is() { [ "$(cat "$tmp/out")" = "$1" ] || { note "stdout is not '${1//$'\n'/ }'"; return 1; }; }
value() { awk -v k="$1" '$1 == k { print $2; exit }' "$tmp/out"; }
line() { sed -n "${1}p" "$tmp/out"; }

expect_range() {
	note "$1 = $2 (want [$3, $4])"
	in_range "$2" "$3" "$4"
}

tree_pids() { pgrep -f -- "$1" | tr '\n' ' '; }

# wait_exit PID SECONDS: true once the background PID has exited; sets bg_rc.
wait_exit() {
	local pid=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			bg_rc=$?
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# kill_bg: SIGKILL the background fluxctl and reap it. A fluxctl killed so
# cannot delete its group: drop_group does it once the members are gone.
kill_bg() {
	kill -9 "$bg_pid" 2>/dev/null
	wait "$bg_pid" 2>/dev/null
}
drop_group() { # drop_group PID: the group of the killed fluxctl run PID
	"$fluxctl" delete "run-$1" >/dev/null 2>&1
}

# gone MARKER SECONDS: no process with MARKER in its command line is left.
gone() {
	local i left p
	for ((i = 0; i < $2 * 10; i++)); do
		left=$(tree_pids "$1")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	note "left behind: $left"
	ps -o pid,stat,args -p "${left// /,}" 2>/dev/null | sed 's/^/#   /'
	for p in $left; do kill -9 "$p" 2>/dev/null; done
	return 1
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
	"$progs/huge" "$progs/fdcheck" "$progs/fdcheck.static"; do
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
		expect_range "second date - first" "$((b - a))" 86398 86402
}
check "bash 'date; sleep 86400; date' prints times 86400 +- 2 s apart" t_bash_day

t_date_ahead() {
	local d host
	fc 0 10 -- bash -c 'sleep 86400; date +%s' || return 1
	host=$(date +%s)
	d=$(line 1)
	note "host date after the run: $host"
	expect_range "member's date after sleep 86400 - host's date" "$((d - host))" 86390 86402
}
check "date inside after sleep 86400 is a day ahead of the host's date" t_date_ahead

t_sleep_sort() {
	fc 0 20 -- bash -c 'for n in 5 3 9 1 7; do (sleep "$n"; echo "$n") & done; wait' &&
		out_is "$(printf '%s\n' 1 3 5 7 9)"
}
check "sleep sort of 5 3 9 1 7 comes out sorted" t_sleep_sort

t_sleep_sort10() {
	fc 0 30 -- bash -c 'for n in 70 20 100 40 10 90 30 60 50 80; do
		(sleep "$n"; echo "$n") & done; wait' &&
		out_is "$(seq 10 10 100)"
}
check "sleep sort: 10 processes sleeping 10..100 s print in order" t_sleep_sort10

# 10 s apart, not 1 s as on the host: under TCG, 20 forks and execs spread
# the sleeps' starts over 0.7-1.4 s of virtual time (the group is busy
# meanwhile, so its clock runs at the real rate), which reorders a 1 s
# sleep sort as it would in real time (3 of 15 runs, with either module).
t_sleep_sort20() {
	fc 0 30 -- bash -c 'for n in 14 3 19 8 1 12 20 6 17 10 2 15 9 18 4 11 7 16 5 13; do
		(sleep "${n}0"; echo "$n") & done; wait' &&
		out_is "$(seq 20)"
}
check "sleep sort of 20 numbers (10 s apart) comes out sorted" t_sleep_sort20

check "bash: 24 sleep 3600 in a row are fast" \
	fc 0 20 -- bash -c 'for i in $(seq 24); do sleep 3600; done'
check "sh -c 'sleep 3600 & wait' (a background child) is fast" \
	fc 0 10 -- sh -c 'sleep 3600 & wait'

# --- every timed wait -------------------------------------------------------

note "--- timeouts: a 3600 s wait of each kind, dynamic binary (preload)"
waits=$("$progs/timeouts" --list)
for w in $waits; do
	check "timeouts $w: returns as a real timeout, 3600 virtual s, at once" \
		fc_prog 10 -- "$progs/timeouts" "$w"
done

note "--- static binaries (no preload: vDSO reads real, syscalls virtual)"
for w in nanosleep clock_nanosleep_monotonic clock_nanosleep_realtime_abs poll futex_wait; do
	check "timeouts.static --raw $w: 3600 virtual s on raw clock_gettime, at once" \
		fc_prog 10 -- "$progs/timeouts.static" --raw "$w"
done
check "clocks.static --only=sys: raw syscall clocks move by 3600 s over nanosleep(3600)" \
	fc_prog 10 -- "$progs/clocks.static" --only=sys --sleep=3600
check "huge.static --raw: 10 x 100-year sleeps, year past 2500 on raw syscall clocks" \
	fc_prog 10 -- "$progs/huge.static" --raw

# --- clocks ----------------------------------------------------------------

note "--- clocks"
t_clocks_start() {
	local r s
	fc_prog 10 -- "$progs/clocks" || return 1
	r=$(value libc.realtime) s=$(value sys.realtime)
	expect_range "libc.realtime - real time at start" "$(minus "$r" "$t_start")" -1 5 &&
		expect_range "sys.realtime - real time at start" "$(minus "$s" "$t_start")" -1 5
}
check "clocks: every clock agrees (libc/vDSO and syscall); virtual starts at real time" \
	t_clocks_start
check "clocks: every clock, both ways, moves by 3600 s over sleep 3600" \
	fc_prog 10 -- "$progs/clocks" --sleep=3600
check "clocks: every clock, both ways, moves by 86400 s over sleep 86400" \
	fc_prog 10 -- "$progs/clocks" --sleep=86400
t_clocks_later() {
	local bin=$1 r k
	shift
	fc_prog 10 -- sh -c 'sleep 3600 && exec "$@"' sh "$bin" "$@" || return 1
	for k in libc.realtime sys.realtime; do
		r=$(value "$k")
		[ -z "$r" ] && continue
		expect_range "$k - real time at start" "$(minus "$r" "$t_start")" 3599 3610 ||
			return 1
	done
}
check "clocks: a process exec'd after a sibling's sleep 3600 reads +3600 s" \
	t_clocks_later "$progs/clocks"
check "clocks.static: exec'd after sleep 3600, raw syscall reads +3600 s" \
	t_clocks_later "$progs/clocks.static" --only=sys

# --- python3, perl, node, java -----------------------------------------------

if have python3; then
	note "--- python3 ($py)"
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
	pycase() { # pycase DESCRIPTION CODE [MORE-COMMANDS...]
		local f="$tmp/py$((n + 1)).py" desc=$1 code=$2
		shift 2
		cat "$tmp/prelude.py" >"$f"
		printf '%s\n' "$code" >>"$f"
		check "python3: $desc" fc_prog 30 -- "$py" "$f" "$@"
	}
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
	pycase "select.select on an idle pipe, 3600 s" \
		'r, w = os.pipe()
expect(timed(3600, lambda: select.select([r], [], [], 3600)), ([], [], []))'
	pycase "threading.Event().wait(3600) returns False" \
		'expect(timed(3600, lambda: threading.Event().wait(3600)), False)'
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

if have perl; then
	note "--- perl"
	check "perl: sleep 3600 returns 3600 and time() moved 3600 s" \
		fc_prog 20 -- perl -e '$t = time; $s = sleep 3600; $d = time - $t;
			$ok = $s == 3600 && $d >= 3600 && $d <= 3602;
			print(($ok ? "ok" : "FAIL"), " slept=$s elapsed=$d\n"); exit !$ok'
	check "perl: Time::HiRes::sleep(1800.5) and 4-arg select 1800 s" \
		fc_prog 20 -- perl -MTime::HiRes=time,sleep -e '$t = time; sleep(1800.5);
			select(undef, undef, undef, 1800); $d = time - $t;
			$ok = $d >= 3600.5 && $d < 3605;
			print(($ok ? "ok" : "FAIL"), " elapsed=$d\n"); exit !$ok'
fi

if have node; then
	note "--- node"
	check "node: setTimeout 3600e3 ms fires after 3600 virtual s" \
		fc_prog 60 -- node -e '
			const t = Date.now(), h = process.hrtime.bigint();
			setTimeout(() => {
				const d = Date.now() - t, e = Number(process.hrtime.bigint() - h) / 1e6;
				const ok = d >= 3600e3 && d < 3605e3 && e >= 3600e3 - 5 && e < 3605e3;
				console.log((ok ? "ok" : "FAIL") + " date=" + d + " hrtime=" + e);
				process.exit(ok ? 0 : 1);
			}, 3600e3);'
fi

if have java && have javac; then
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
		check "java: Thread.sleep(3600 s) (120 s bound)" \
			fc_prog 120 -- java -cp "$tmp/java" Sleep
		case_timeout=60
	else
		check "javac compiles the test class" false
		sed 's/^/#   /' "$tmp/javac.err"
	fi
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
	expect_range "first command's end - start (virtual s)" "$((b - a))" 99 102 &&
		expect_range "total virtual s (second command's end - start)" "$((c - a))" 199 202
}
check "sleep 100 and sleep 200 side by side: 100 and 200 virtual s, 200 in all" t_parallel

t_three() {
	fc 0 10 -- sh -c 'sleep 300; echo c' -- sh -c 'sleep 100; echo a' -- sh -c 'sleep 200; echo b' &&
		out_is "$(printf '%s\n' a b c)"
}
check "three commands finish in order of their sleeps" t_three

t_fifo_pair() {
	local a b
	mkfifo "$tmp/pair.fifo" || return 1
	fc 0 10 -- sh -c 'read x <"$1"; echo "$x $(date +%s)"' sh "$tmp/pair.fifo" \
		-- sh -c 'date +%s; sleep 3600; echo woken >"$1"' sh "$tmp/pair.fifo" || return 1
	a=$(line 1) b=$(line 2)
	[ "${b% *}" = woken ] || { note "reader printed '$b'"; return 1; }
	expect_range "reader's date - writer's first date" "$((${b#* } - a))" 3599 3602
}
check "a command blocked on a FIFO (no timeout) is woken by another after its sleep 3600" \
	t_fifo_pair

t_busy() {
	fc 0 20 -- sh -c 'sleep 10; echo slept' \
		-- perl -e '$t = time; 1 while time - $t < 2; print "busy\n"' || return 1
	out_is "$(printf '%s\n' busy slept)" &&
		expect_range "real seconds (the busy loop runs in real time)" "$took" 1 20
}
check "no jump while a task runs: a 2 s busy loop ends before a sibling's sleep 10" t_busy

# --- exit statuses -------------------------------------------------------------

note "--- exit statuses (as ptrace mode and a shell: 128+N for signal N)"
check "exit 3 gives 3" fc 3 10 -- sh -c 'exit 3'
check "exit 3 after sleep 3600 gives 3" fc 3 10 -- sh -c 'sleep 3600; exit 3'
check "kill -9 \$\$ gives 137" fc 137 10 -- sh -c 'kill -9 $$'
check "kill -TERM \$\$ after a sleep gives 143" fc 143 10 -- sh -c 'sleep 60; kill -TERM $$'
check "a missing program gives 127 and a message naming it" \
	eval 'fc 127 10 -- "$tmp/no-such-program" && err_has "no-such-program"'
check "several: the first non-zero status in command-line order (4)" \
	fc 4 10 -- true -- sh -c 'exit 4' -- sh -c 'exit 5'
check "several: command-line order, not finishing order (6, not 7)" \
	fc 6 10 -- sh -c 'sleep 10; exit 6' -- sh -c 'exit 7'
check "several: all succeed gives 0" fc 0 10 -- true -- sh -c 'sleep 5' -- true
check "several: a killed second command gives 137" fc 137 10 -- true -- sh -c 'kill -9 $$'
check "several: a missing second program gives 127" fc 127 10 -- true -- "$tmp/no-such-program"

# --- --start ----------------------------------------------------------------------

note "--- --start"
check "--start=@0: date +%Y prints 1970" eval 'fc 0 10 --start=@0 -- date +%Y && out_is 1970'
check "--start=2000-01-01: date +%Y prints 2000" \
	eval 'fc 0 10 --start=2000-01-01 -- date +%Y && out_is 2000'
t_start_sleep() {
	fc 0 10 --start=@0 -- sh -c 'date +%s; sleep 3600; date +%s' || return 1
	expect_range "first date" "$(line 1)" 0 5 &&
		expect_range "second date" "$(line 2)" 3600 3606
}
check "--start=@0 then sleep 3600: dates 0.. and 3600.." t_start_sleep

# --- file descriptors --------------------------------------------------------------

note "--- file descriptors"
inherited=$("$progs/fdcheck" </dev/null 2>/dev/null | sed -n 's/^# fd \([0-9]*\) .*/\1/p' |
	awk '$1 > 2' | tr '\n' ' ')
[ -z "$inherited" ] || note "fds inherited from the caller, allowed: $inherited"
# shellcheck disable=SC2086 # $inherited is a list of numbers
{
	check "no fd leaks into the command (the preload keeps none open)" \
		fc_prog 10 -- "$progs/fdcheck" $inherited
	check "no fd leaks into a static command" fc_prog 10 -- "$progs/fdcheck.static" $inherited
	check "no fd leaks into either of two commands" \
		fc_prog 10 -- "$progs/fdcheck" $inherited -- "$progs/fdcheck" $inherited
}

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
