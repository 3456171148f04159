# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# TAP and timing helpers of the test scripts, sourced once they have cd'd to
# the repository root: numbered cases (check, logged, skip, note), a command run
# under timeout(1) and timed with date(1) (timed), the last run's output
# (out_has, err_has, out_is, value, line), float bounds (in_range, minus,
# per, expect_range) and background processes (tree_pids, wait_exit,
# kill_bg, gone). Sourcing it zeroes the counters and makes $tmp, removed
# on exit with every process whose command line names it; the script ends
# with echo "1..$n" itself.

n=0 failed=0 took=0 rc=0
bg_pid='' bg_rc=0
bg_pids=()
case_timeout=60 # timed's limit on one run; a case may raise it
tmp=$(mktemp -d)

tap_cleanup() {
	local p
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	# Anything left of the trees started here carries $tmp in its argv.
	for p in $(pgrep -f -- "$tmp/"); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap tap_cleanup EXIT

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

# logged DESCRIPTION TEST-COMMAND...: a case whose command talks (make,
# dkms, diff): its stdout and stderr, in order, go to $tmp/out, and the last
# 40 lines, where a failure says why, are shown when it fails.
logged() {
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		tail -n 40 "$tmp/out" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

skip() { # skip DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

note() { echo "# $*"; }

# --- running things -------------------------------------------------------

now() { date +%s.%N; }

# Float helpers (awk): in_range X LO HI, minus A B, per A B.
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# expect_range WHAT X LO HI
expect_range() {
	note "$1 = $2 (want [$3, $4])"
	in_range "$2" "$3" "$4"
}

# expect_virtual WHAT X WANT: X is a span of virtual seconds between two
# whole-second dates taken during the last timed run. It is WANT, plus at
# most the run's real time (a busy group's clock runs at the real rate,
# and under emulation forks and execs take seconds on a loaded machine),
# give or take a second of rounding.
expect_virtual() {
	expect_range "$1" "$2" $(($3 - 1)) "$(awk -v w="$3" -v t="$took" 'BEGIN { print w + 1 + t }')"
}

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
	: >"$tmp/slow"
	slow_watch "$max"
	t_start=$(now)
	timeout -k 5 "$case_timeout" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
	t_end=$(now)
	slow_unwatch
	took=$(minus "$t_end" "$t_start")
	note "took $took s, exit $rc: ${cmd#"${build:-build}"/}"
	if [ "$rc" = 124 ] || { [ "$rc" = 137 ] && [ "$want" != 137 ]; }; then
		note "killed by timeout(1) after $case_timeout s"
	fi
	[ "$rc" = "$want" ] || { note "expected exit $want"; slow_show; return 1; }
	in_range "$took" 0 "$max" || { note "took longer than $max s"; slow_show; return 1; }
}

# A run that outlives its bound is looked at while it still runs: with
# $slow_hook set (a command), a watcher calls it once MAX s have passed,
# into $tmp/slow, which a failing timed shows: what was it waiting on?
slow_watcher=''
slow_hook_run() { "$slow_hook" "$1" >"$tmp/slow" 2>&1; }
slow_watch() {
	slow_watcher=''
	[ -n "${slow_hook:-}" ] || return 0
	after "$1" slow_hook_run "$1"
	slow_watcher=$after_pid
}

# after SECONDS CMD...: CMD in the background once SECONDS have passed,
# unless the watcher ($after_pid) is killed first (TERM). Its sleep is
# killed with it: a sleep left behind would hold the caller's output pipe
# open, and a tee reading it, for as long as it sleeps.
after_pid=''
after() {
	local secs=$1
	shift
	(
		s=''
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep "$secs" &
		s=$!
		wait "$s" || exit 0
		"$@"
	) &
	after_pid=$!
}
slow_unwatch() {
	[ -n "$slow_watcher" ] || return 0
	kill "$slow_watcher" 2>/dev/null
	wait "$slow_watcher" 2>/dev/null
	slow_watcher=''
}
slow_show() { [ ! -s "$tmp/slow" ] || sed 's/^/#   slow: /' "$tmp/slow"; }

# --- the last run's output --------------------------------------------------

# The "ok ..." lines a test program printed, as comments.
show_ok() { sed -n 's/^ok /#   ok /p' "$tmp/out"; }

out_has() { grep -Eq -- "$1" "$tmp/out" || { note "stdout lacks /$1/"; return 1; }; }
err_has() { grep -Eq -- "$1" "$tmp/err" || { note "stderr lacks /$1/"; return 1; }; }
out_is() { [ "$(cat "$tmp/out")" = "$1" ] || { note "stdout is not '${1//$'\n'/ }'"; return 1; }; }
# value KEY: the second field of the stdout line whose first field is KEY.
value() { awk -v k="$1" '$1 == k { print $2; exit }' "$tmp/out"; }
line() { sed -n "${1}p" "$tmp/out"; }

# --- background processes ---------------------------------------------------

# Processes whose command line contains $1 (a path under $tmp).
tree_pids() { pgrep -f -- "$1" | tr '\n' ' '; }

# wait_exit PID SECONDS: true once the background PID has exited; sets bg_rc.
# Call it with 2>/dev/null: bash's "Killed" job notice comes while it polls.
wait_exit() {
	local pid=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			# shellcheck disable=SC2034 # for the caller
			bg_rc=$?
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# kill_bg: SIGKILL the background $bg_pid and reap it quietly.
kill_bg() {
	kill -9 "$bg_pid" 2>/dev/null
	wait "$bg_pid" 2>/dev/null
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
