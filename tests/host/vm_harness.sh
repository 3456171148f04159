#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the VM harness itself (tests/vm/run), run on the host: output and
# exit status pass through, shares work, and a guest that panics, hangs or
# logs a WARN fails the run within its timeout. Each case boots a guest.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
run=tests/vm/run
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check DESCRIPTION TEST-COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/#   stdout: /' "$tmp/out"
		sed 's/^/#   stderr: /' "$tmp/err"
		failed=$((failed + 1))
	fi
}

# vm EXPECTED-STATUS MAX-SECONDS ARGS...: run the harness, keep its output in
# $tmp/out and $tmp/err, and require its status and a bound on its duration.
vm() {
	local want=$1 max=$2 start=$SECONDS rc=0
	shift 2
	"$run" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
	echo "# $run $*: exit $rc in $((SECONDS - start)) s"
	[ "$rc" -eq "$want" ] || { echo "# expected exit $want"; return 1; }
	[ $((SECONDS - start)) -le "$max" ] || { echo "# took longer than $max s"; return 1; }
}

out_is() { [ "$(cat "$tmp/out")" = "$1" ]; }
err_has() { grep -q -- "$1" "$tmp/err"; }

# make run (the README's first command): its dependencies are in place, it
# builds nothing new, and shows both modes: an hour slept at once in each,
# and the named group's two jumps (a day, then a set advance of 10 minutes).
t_make_run() {
	local start=$SECONDS rc=0
	make -s run >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
	echo "# make run: exit $rc in $((SECONDS - start)) s"
	[ "$rc" -eq 0 ] || return 1
	grep -q '^=== ptrace mode' "$tmp/out" && grep -q '^--- a group by hand' "$tmp/out" &&
		grep -q 'demo: jump +86399\.' "$tmp/out" && grep -q 'demo: jump +600\.000000000s' "$tmp/out" &&
		[ "$(grep -c '^real' "$tmp/err")" -eq 2 ]
}
check "make run: both modes, an hour slept at once in each, a group driven by hand" t_make_run

check "python3 -c 'print(1)' prints 1" \
	eval 'vm 0 120 -- python3 -c "print(1)" && out_is 1'
check "false exits 1" vm 1 120 -- false
check "exit status 42 passes through" vm 42 120 -- sh -c 'exit 42'
check "stdout and stderr stay apart" \
	eval 'vm 0 120 -- sh -c "echo out; echo err >&2" && out_is out && err_has "^err$"'
check "a missing program exits 127" vm 127 120 -- /nonexistent/program
check "tools, cgroup2 and root in the guest" \
	eval 'vm 0 120 -- sh -c "id -u; perl -e \"print 2+2, qq(\\n)\"; grep -c cgroup2 /proc/mounts" &&
		out_is "$(printf "0\n4\n1")"'

if command -v node >/dev/null; then
	check "node runs in the guest (the host has it)" \
		eval 'vm 0 120 --no-module -- node -e "console.log(6 * 7)" && out_is 42'
fi
if command -v java >/dev/null; then
	check "java runs in the guest (the host has it)" \
		eval 'vm 0 180 --no-module -- java -XshowSettings:properties -version && err_has "java.version = "'
fi

# A terminal on both ends makes the run interactive: the command gets the
# guest's serial line as its controlling TTY. script(1) provides the pty.
check "on a terminal the command runs interactively on a TTY" \
	eval 'script -qec "$run --no-module -- bash -c \"tty; [ -t 0 ] && exit 7\"" /dev/null >"$tmp/out" 2>&1 </dev/null;
		[ $? -eq 7 ] && grep -q "^/dev/ttyS0" "$tmp/out"'

mkdir -p "$tmp/share"
echo host >"$tmp/share/from-host"
check "--share DIR is read-write at the same path" \
	eval 'vm 0 120 --share "$tmp/share" -- sh -c "cat $tmp/share/from-host; echo guest >$tmp/share/from-guest" &&
		out_is host && [ "$(cat "$tmp/share/from-guest")" = guest ]'
check "--share DIR:ro is read-only" \
	eval 'vm 0 120 --share "$tmp/share:ro" -- sh -c "! touch $tmp/share/denied 2>/dev/null" &&
		[ ! -e "$tmp/share/denied" ]'

check "a guest kernel panic fails the run with the panic lines" \
	eval 'vm 125 120 --timeout 100 -- sh -c "echo c >/proc/sysrq-trigger; sleep 100" &&
		err_has "Kernel panic"'
check "a hung guest fails the run at its timeout" \
	eval 'vm 124 60 --timeout 25 -- sleep 1000 && err_has "did not finish within 25s"'
check "a WARNING in the guest kernel log fails the run and is shown" \
	eval 'vm 125 120 -- sh -c "echo \"WARNING: CPU: 0 PID: 1 at provoked-by-test\" >/dev/kmsg" &&
		err_has "provoked-by-test"'

# This machine's kernels and the trixie build root's (7.x).
nk=$(find /lib/modules "${FLUXCAP_BUILD:-build}/trixie/lib/modules" -mindepth 2 -maxdepth 2 -name build 2>/dev/null | wc -l)
check "--kernel all: fluxcap.ko loaded and fluxctl version reports it on all $nk kernels" \
	eval 'vm 0 240 --kernel all -- sh -c "grep ^fluxcap /proc/modules && fluxctl version" &&
		[ "$(grep -c "^fluxcap " "$tmp/out")" -eq "$nk" ] &&
		[ "$(grep -c "fluxcap.ko $(scripts/version.sh)" "$tmp/out")" -eq "$nk" ] &&
		[ "$(grep -c "=== kernel .*: exit 0 ===" "$tmp/err")" -eq "$nk" ]'

echo "1..$n"
[ "$failed" -eq 0 ]
