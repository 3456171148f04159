#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fluxctl's group commands against the module, inside the VM (root, module
# loaded, cgroup2 at /sys/fs/cgroup): the issue's acceptance walk-through
# (create; auto off; exec a sleep 600; show: one sleeper, no jump; advance
# 600s wakes it at once; monitor saw the jump), then attach, freeze/thaw,
# list, delete and the privilege rule; a SIGKILLed kernel-mode run leaves
# no group and its cgroup goes with the next run. TAP output. Run by
# tests/vm/guest-suite, or: tests/vm/run --kernel all -- bash tests/vm/fluxctl_groups.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

fluxctl=${FLUXCAP_BUILD:-build}/fluxctl
g=fxg-$$
tmp=$(mktemp -d)
n=0 failed=0
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	"$fluxctl" delete "$g" >/dev/null 2>&1
	"$fluxctl" delete "$g-neg" >/dev/null 2>&1
	"$fluxctl" delete "$g-why" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

result() { # result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { # check DESCRIPTION CMD...: CMD's status is the verdict
	local what=$1
	shift
	if "$@"; then result OK "$what"; else result FAIL "$what"; fi
}
note() { echo "# $*"; }
# field NAME: a number from `fluxctl show -j $g`.
field() { "$fluxctl" show -j "$g" | sed -n "s/.*\"$1\":\([0-9-]*\).*/\1/p"; }
# wait_gone PID SECONDS: true once PID has exited.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}
# until_field NAME VALUE SECONDS
until_field() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(field "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	note "$1 is $(field "$1"), not $2"
	return 1
}

check "create $g (no --cgroup: /sys/fs/cgroup/fluxcap/$g)" \
	sh -c "'$fluxctl' create '$g' && test -d /sys/fs/cgroup/fluxcap/'$g'"
check "set $g auto off" "$fluxctl" set "$g" auto off

"$fluxctl" monitor -j "$g" >"$tmp/mon" 2>"$tmp/mon.err" &
mon=$!
pids+=("$mon")
"$fluxctl" exec "$g" -- sleep 600 &
sleeper=$!
pids+=("$sleeper")
one_sleeper_no_jump() { until_field sleepers 1 20 && [ "$(field jumps)" = 0 ]; }
check "show: the exec'd sleep 600 is one sleeper, and no jump was made" one_sleeper_no_jump
check "show: the last check's verdict says why: automatic jumps are off" \
	sh -c "'$fluxctl' show '$g' | grep -Eq '^ +last check: +automatic jumps are off\$'"
sleep 1
check "... and it is still asleep a second later" kill -0 "$sleeper"
t0=$EPOCHREALTIME
check "set $g advance 600s" "$fluxctl" set "$g" advance 600s
check "the advance woke the sleeper at once (< 5 s)" wait_gone "$sleeper" 5
note "woke $(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.3f", a - b }') s after the advance"
check "show: one jump of 600 s" \
	sh -c "test \"\$('$fluxctl' show -j '$g' | grep -o '\"jumped_ns\":[0-9]*')\" = '\"jumped_ns\":600000000000'"
sleep 0.5
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
check "monitor reported the jump (group, 600 s)" \
	grep -q "\"event\":\"jump\",\"group\":\"$g\".*\"jump_ns\":600000000000" "$tmp/mon"

sleep 600 &
outsider=$!
pids+=("$outsider")
check "attach a running process: it becomes a member" \
	sh -c "'$fluxctl' attach '$g' $outsider && grep -qx $outsider /sys/fs/cgroup/fluxcap/'$g'/cgroup.procs"
check "set $g freeze: the flags say so" \
	sh -c "'$fluxctl' set '$g' freeze && '$fluxctl' show -j '$g' | grep -q '\"frozen\"'"
m1=$(field mono_ns)
sleep 0.3
check "frozen: virtual MONOTONIC stands" test "$(field mono_ns)" = "$m1"
check "set $g thaw: time runs again" \
	sh -c "'$fluxctl' set '$g' thaw && m=\$('$fluxctl' show -j '$g' | sed -n 's/.*\"mono_ns\":\([0-9]*\).*/\1/p') && sleep 0.3 && test \"\$('$fluxctl' show -j '$g' | sed -n 's/.*\"mono_ns\":\([0-9]*\).*/\1/p')\" -gt \"\$m\""
# A group frozen for longer than it ever jumped is behind the host.
g2=$g-neg
check "frozen 0.3 s with no jump: show says 'offset: -...', never '+-'" \
	sh -c "'$fluxctl' create '$g2' && '$fluxctl' set '$g2' freeze && sleep 0.3 &&
		'$fluxctl' set '$g2' thaw && '$fluxctl' show '$g2' >'$tmp/neg' &&
		'$fluxctl' delete '$g2' && cat '$tmp/neg' &&
		grep -Eq '^ +offset: +-[0-9]' '$tmp/neg' && ! grep -q '+-' '$tmp/neg'"
check "list -j names the group" sh -c "'$fluxctl' list -j | grep -q '\"name\":\"$g\"'"

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$fluxctl" set "$g" advance 1s \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "nobody: set is refused (exit 1, 'permission denied')" \
		sh -c "test $rc = 1 && grep -qi 'permission denied' '$tmp/err'"
	check "nobody: show still works" \
		sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups '$fluxctl' show '$g' >/dev/null"
else
	result FAIL "setpriv(1) missing: cannot check the privilege rule"
fi

kill -9 "$outsider" 2>/dev/null
wait "$outsider" 2>/dev/null

# Why a group does not jump, for a user who asks: a member that never
# blocks (a busy loop beside a sleep 1000) is named by the last check;
# once it is gone, the group jumps and the verdict no longer names it.
gw=$g-why
"$fluxctl" create "$gw" >/dev/null
"$fluxctl" exec "$gw" -- sh -c 'sleep 1000 & exec sh -c "while :; do :; done"' &
busy=$!
pids+=("$busy")
why() { "$fluxctl" show "$gw" | sed -n 's/^ *last check: *//p'; }
# until_why PATTERN SECONDS
until_why() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		why | grep -Eq "$1" && return 0
		sleep 0.1
	done
	note "last check: '$(why)'"
	return 1
}
check "show: the last check names the member that kept running ('pid N (sh) was running')" \
	until_why '^pid [0-9]+ \(sh\) was running$' 10
check "show -j: checks_busy counts it (>= 1), checks >= checks_busy" \
	sh -c "j=\$('$fluxctl' show -j '$gw') &&
		b=\$(echo \"\$j\" | sed -n 's/.*\"checks_busy\":\([0-9]*\).*/\1/p') &&
		c=\$(echo \"\$j\" | sed -n 's/.*\"checks\":\([0-9]*\).*/\1/p') &&
		test \"\$b\" -ge 1 && test \"\$c\" -ge \"\$b\""
for p in $(cat "/sys/fs/cgroup/fluxcap/$gw/cgroup.procs"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sh ] && kill -9 "$p"
done
wait "$busy" 2>/dev/null
# (the sleep then exits, and a check after it finds no member)
check "... and once it is killed, the sleep 1000 left alone is jumped: 'jumped N ns', then 'no member'" \
	until_why '^(jumped [0-9]+ ns|no member)$' 10
# (1000 s less the real seconds the busy loop ran for)
check "... a jump of nearly 1000 s (jumped_ns >= 900 s)" \
	sh -c "test \"\$('$fluxctl' show -j '$gw' | sed -n 's/.*\"jumped_ns\":\([0-9]*\).*/\1/p')\" -ge 900000000000"
"$fluxctl" delete "$gw" >/dev/null 2>&1

check "delete $g removes the group and its cgroup" \
	sh -c "'$fluxctl' delete '$g' && ! test -e /sys/fs/cgroup/fluxcap/'$g' && ! '$fluxctl' show '$g' 2>/dev/null"

# A kernel-mode run killed with SIGKILL cannot clean up: its group is
# transient (deleted by the module when fluxctl's socket closes, which
# kills what its commands left, as ptrace mode's tracees die with their
# tracer), and the next run removes its cgroup.
refcnt=/sys/module/fluxcap/refcnt
ref0=$(cat "$refcnt")
# A python that read the clock (its vDSO shows the group's page, which
# holds the module) and waits for a signal, with no timeout: the run stays.
"$fluxctl" run --mode kernel -- python3 -c 'import signal, sys, time; time.time(); print("up", flush=True); signal.pause()' >"$tmp/py.out" &
runner=$!
pids+=("$runner")
run_cg=/sys/fs/cgroup/fluxcap/run-$runner
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/py.out" ] && break
	sleep 0.1
done
check "run --mode kernel: its group is transient" \
	sh -c "'$fluxctl' show run-$runner | grep -q transient"
check "... and the python member holds the module (refcnt $ref0 before)" \
	test "$(cat "$refcnt")" -gt "$ref0"
kill -9 "$runner"
wait "$runner" 2>/dev/null
gone=1
for ((i = 0; i < 50; i++)); do
	"$fluxctl" show "run-$runner" >/dev/null 2>&1 || { gone=0; break; }
	sleep 0.1
done
check "SIGKILLed run: the module deleted its group" test "$gone" = 0
orphans_killed() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -n "$(cat "$run_cg/cgroup.procs")" ] || break
		sleep 0.1
	done
	note "left in $run_cg: $(tr '\n' ' ' <"$run_cg/cgroup.procs"); module refcnt $(cat "$refcnt"), $ref0 before"
	# (not test -s: a cgroup file's size is 0, whatever it holds)
	[ -e "$run_cg/cgroup.procs" ] && [ -z "$(cat "$run_cg/cgroup.procs")" ] &&
		[ "$(cat "$refcnt")" = "$ref0" ]
}
check "SIGKILLed run: its command (python in signal.pause()) is killed too; nothing holds the module" \
	orphans_killed
echo 1 >"$run_cg/cgroup.kill" 2>/dev/null	# whatever a failure left
check "the next run removes the killed run's empty cgroup" \
	sh -c "'$fluxctl' run --mode kernel -v -- true 2>'$tmp/v' && ! test -e '$run_cg' &&
		grep -q 'removed [0-9]* empty cgroup' '$tmp/v'"

# run -v says why jumps came late, when they did; -vv where fluxctl's own
# time went. Python's 20 sleeps in a loop: all but the first end at once.
"$fluxctl" run --mode kernel -vv -- python3 -c 'import time
for i in range(20): time.sleep(1)' 2>"$tmp/vv"
sed 's/^/# /' "$tmp/vv"
check "run -v: 'N sleeps and waits ended at once (...); N checks, ...' with N >= 10 of python's 20" \
	sh -c "n=\$(sed -n 's/^fluxctl: \([0-9]*\) sleeps and waits ended at once (\([0-9]*\) could not: another member had run; \([0-9]*\) for another reason); \([0-9]*\) checks, \([0-9]*\) found a member not blocked, \([0-9]*\) asked to look again.*/\1/p' '$tmp/vv') && test -n \"\$n\" && test \"\$n\" -ge 10"
check "run -vv: start-up and clean-up in ms" \
	sh -c "grep -Eq '^fluxctl: start-up [0-9.]+ ms \(module [0-9.]+, group and cgroup [0-9.]+, commands started [0-9.]+\); commands [0-9.]+ ms\$' '$tmp/vv' &&
		grep -Eq '^fluxctl: clean-up [0-9.]+ ms' '$tmp/vv'"

# The hooks outlive the last group by hooks_linger seconds (default 60;
# -1: until unload; 0: not at all). No group is left here: whether the
# hooks are in shows in the kprobes list (hrtimer_nanosleep is ours).
linger=/sys/module/fluxcap/parameters/hooks_linger
kplist=/sys/kernel/debug/kprobes/list
hooked() { grep -q 'hrtimer_nanosleep' "$kplist"; }
# hooks_after VALUE: hooked or not, 2 s after a run with hooks_linger VALUE
hooks_after() {
	echo "$1" >"$linger" && "$fluxctl" run --mode kernel -- true && sleep 2
}
check "hooks_linger is 60 by default" test "$(cat "$linger")" = 60
check "the last group gone, the hooks linger (60 s)" hooked
check "hooks_linger 0: the hooks go with the last group" \
	eval 'hooks_after 0 && ! hooked'
check "hooks_linger -1: they stay" \
	eval 'hooks_after -1 && hooked'
echo 60 >"$linger"

echo "1..$n"
[ "$failed" -eq 0 ]
