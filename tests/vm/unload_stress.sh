#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading fluxcap.ko under load, inside the VM (root, module loaded,
# cgroup2 at /sys/fs/cgroup). Each cycle creates two or three groups and
# starts members in them:
#   a (auto):     a busy member reading the time with raw syscalls in a loop
#                 (timeloop: the group never goes quiescent, the module's
#                 redirected time reads are hot), a sleep 3600 and a
#                 measured sleep 2;
#   b (no auto):  advanced by 1 h first (its clock is offset), a sleep 3600
#                 and a measured sleep 2;
#   c (auto, every other cycle): a shell looping over sleep 1000, jumping
#                 all the time;
# plus a measured sleep 2 outside every group, the control. Then, while
# they all live, rmmod fluxcap must succeed and insmod must load it again
# with no group left; the long-lived members must die on SIGKILL at once
# (nothing stuck), and at the end every measured sleeper must have slept its
# 2 s in real time (not woken early, not held: about as long as the
# controls), no task may be in D state, the cgroups must be removable, and
# the kernel log must hold no WARNING/BUG/Oops. Members join their cgroup by
# writing cgroup.procs themselves and read the time by syscall only: a
# process whose vDSO shows its group's page holds an anchor mapping
# (anon_inode:[fluxcap-vdso]; one that maps /dev/fluxcap, with the preload,
# likewise) with a reference on the module, and rmmod fails with EBUSY while
# it lives; the last case checks exactly that, and that rmmod succeeds once
# it is gone. The case before it: a member's time read whose copy-out waits
# on a page fault (userfaultfd, as a stalled FUSE file would) makes rmmod
# fail at once as in use, never wait; the read then returns the group's time.
# TAP output; leaves the module loaded. Run by tests/vm/guest-suite, or:
#   tests/vm/run --kernel all -- bash tests/vm/unload_stress.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
timeloop=$build/tests/progs/timeloop
ko=$build/$(uname -r)/fluxcap.ko
cycles=${FLUXCAP_UNLOAD_CYCLES:-50}
# A time budget in seconds (none by default): cycles stop once it is spent,
# after 10 at least (each kind of cycle has run by then). make check sets it
# so that a slow, shared machine (two guests side by side) ends with fewer
# cycles rather than a timeout.
budget=${FLUXCAP_UNLOAD_BUDGET:-0}
min_cycles=10
cg=/sys/fs/cgroup
n=0 failed=0
tmp=$(mktemp -d)
export LC_ALL=C
long_pids=()     # members that only end when killed
pending_dirs=()  # cgroups to remove once empty

cleanup() {
	local p
	for p in "${long_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

result() { # result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
note() { echo "# $*"; }
# Real time from bash itself (no fork: the guest is slow, and each cycle
# would spend seconds forking date(1) and awk(1)).
now() { echo "$EPOCHREALTIME"; }
# minus A B: A - B in seconds, 3 decimals, for "SEC.USEC" values.
minus() {
	local d=$((10#${1/./} - 10#${2/./})) sign=""
	[ "$d" -ge 0 ] || { sign=-; d=$((-d)); }
	printf '%s%d.%03d' "$sign" $((d / 1000000)) $((d / 1000 % 1000))
}
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }

# join DIR CMD...: become a member of the cgroup DIR (no preload), then
# exec CMD. Call it in a subshell.
join() {
	echo "$BASHPID" >"$1/cgroup.procs" || exit 126
	shift
	exec "$@"
}

# measured FILE DIR|- SECONDS: in the background, sleep SECONDS in the
# cgroup DIR (- for none) and write "start end status" (real time, taken out
# here, outside every group) to FILE.
measured() {
	local file=$1 dir=$2 secs=$3
	(
		s=$(now)
		if [ "$dir" = - ]; then
			sleep "$secs"
		else
			(join "$dir" sleep "$secs")
		fi
		r=$?
		echo "$s $(now) $r" >"$file"
	) </dev/null >/dev/null 2>&1 &
}

# long DIR CMD...: a member that runs until killed; its pid into long_pids.
long() {
	local dir=$1
	shift
	(join "$dir" "$@") </dev/null >/dev/null 2>&1 &
	long_pids+=("$!")
	disown "$!" # no "Killed" notice when it is killed
}

# slow WHAT START: a comment when WHAT, started at START, took over 3 s.
slow() {
	local d
	d=$(minus "$(now)" "$2")
	[ "${d%.*}" -lt 3 ] || note "slow: $1 took $d s"
}

procs_in() {
	local p=()
	mapfile -t p <"$1/cgroup.procs" 2>/dev/null
	echo "${#p[@]}"
}

# started DIR [FILE...]: DIR's processes, plus each measured member's FILE
# that is there already (it slept and left: it started too; a slow guest
# may take longer than its sleep to start the rest).
started() {
	local dir=$1 f k
	k=$(procs_in "$dir")
	shift
	for f in "$@"; do [ -e "$f" ] && k=$((k + 1)); done
	echo "$k"
}

# wait_members DIR COUNT [FILE...]: until DIR's members have all started,
# counted by started() (10 s at most).
wait_members() {
	local i dir=$1 count=$2
	shift 2
	for ((i = 0; i < 100; i++)); do
		[ "$(started "$dir" "$@")" -ge "$count" ] && return 0
		sleep 0.1
	done
	note "$dir has $(procs_in "$dir") processes and $(($(started "$dir" "$@") - $(procs_in "$dir"))) finished, want $count"
	return 1
}

# reap_long SECONDS: SIGKILL every long-lived member; true when all are gone
# within SECONDS.
reap_long() {
	local i p left
	for p in "${long_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for ((i = 0; i < $1 * 10; i++)); do
		left=""
		for p in "${long_pids[@]}"; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		note "still alive $1 s after SIGKILL:$left"
		# shellcheck disable=SC2086 # a list of pids
		ps -o pid,stat,wchan:32,args -p "$(echo $left | tr ' ' ',')" | sed 's/^/#   /'
		return 1
	fi
	long_pids=()
}

# rmdir_pending SECONDS: remove the cgroups that are empty; with SECONDS > 0,
# wait that long for the rest; true when none is left.
rmdir_pending() {
	local i d keep
	for ((i = 0; i <= $1 * 10; i++)); do
		keep=()
		for d in "${pending_dirs[@]}"; do
			rmdir "$d" 2>/dev/null || [ ! -d "$d" ] || keep+=("$d")
		done
		pending_dirs=("${keep[@]}")
		[ "${#pending_dirs[@]}" -eq 0 ] && return 0
		[ "$1" -gt 0 ] || return 1
		sleep 0.1
	done
	note "cgroups that stay busy: ${pending_dirs[*]}"
	for d in "${pending_dirs[@]}"; do
		note "  $d: $(tr '\n' ' ' <"$d/cgroup.procs")"
	done
	return 1
}

loaded() { grep -q '^fluxcap ' /proc/modules; }

# --- prerequisites ------------------------------------------------------------

for f in "$fluxctl" "$timeloop" "$build/tests/progs/clocks" "$ko"; do
	if [ ! -f "$f" ]; then
		echo "not ok 1 - $f is built"
		echo "1..1"
		exit 1
	fi
done
if ! loaded; then
	echo "not ok 1 - fluxcap.ko is loaded"
	echo "1..1"
	exit 1
fi
note "kernel $(uname -r), $cycles cycles$([ "$budget" = 0 ] || echo ", or fewer (at least $min_cycles) if they take over $budget s")"
dmesg_before=$(dmesg | wc -l)
t_all=$(now)
rmmod_times=()

# --- the cycles ----------------------------------------------------------------

for ((c = 1; c <= cycles; c++)); do
	why=""
	tp=$(now)
	groups=(a b)
	[ $((c % 2)) = 1 ] && groups+=(c)
	for g in "${groups[@]}"; do
		opt=()
		[ "$g" = b ] && opt=(--no-auto)
		s=$(now)
		if ! out=$("$fluxctl" create "u$c$g" "${opt[@]}" 2>&1); then
			why="$why; fluxctl create u$c$g: $out"
		fi
		slow "fluxctl create u$c$g" "$s"
		pending_dirs+=("$cg/fluxcap/u$c$g")
	done
	s=$(now)
	"$fluxctl" set "u${c}b" advance 1h >/dev/null 2>&1 || why="$why; fluxctl set u${c}b advance 1h failed"
	slow "fluxctl set u${c}b advance 1h" "$s"

	long "$cg/fluxcap/u${c}a" "$timeloop" # first: the group must never go quiescent
	long "$cg/fluxcap/u${c}a" sleep 3600
	measured "$tmp/sleep.$c.a" "$cg/fluxcap/u${c}a" 2
	long "$cg/fluxcap/u${c}b" sleep 3600
	measured "$tmp/sleep.$c.b" "$cg/fluxcap/u${c}b" 2
	measured "$tmp/control.$c" - 2
	members=5
	if [ -d "$cg/fluxcap/u${c}c" ]; then
		long "$cg/fluxcap/u${c}c" sh -c 'while :; do sleep 1000; done'
		members=6
		wait_members "$cg/fluxcap/u${c}c" 1 || why="$why; members of u${c}c never started"
	fi
	wait_members "$cg/fluxcap/u${c}a" 3 "$tmp/sleep.$c.a" ||
		why="$why; members of u${c}a never started"
	wait_members "$cg/fluxcap/u${c}b" 2 "$tmp/sleep.$c.b" ||
		why="$why; members of u${c}b never started"
	sleep 0.2
	tq=$(now)

	# Unload while they live, load again.
	t0=$(now)
	if ! out=$(rmmod fluxcap 2>&1) || loaded; then
		why="$why; rmmod failed: $out"
	fi
	t1=$(now)
	rmmod_times+=("$(minus "$t1" "$t0")")
	if ! out=$(insmod "$ko" 2>&1) || ! loaded; then
		why="$why; insmod failed: $out"
		insmod "$ko" 2>/dev/null
	fi
	ti=$(now)
	if [ $((c % 5)) = 1 ]; then
		left=$("$fluxctl" list 2>&1 | grep -c '^u[0-9]')
		[ "$left" = 0 ] || why="$why; $left groups survived the reload"
	fi
	if [ $((c % 10)) = 0 ]; then
		s=$(now)
		# An hour in at most 60 s: a jump, not real time, with room for
		# three guests' cycles on two cores (7.3 s seen with 5 s allowed).
		if ! timeout -k 5 90 "$fluxctl" run --mode kernel -- sleep 3600 </dev/null >/dev/null 2>&1; then
			why="$why; fluxctl run --mode kernel -- sleep 3600 failed after the reload"
		elif ! in_range "$(minus "$(now)" "$s")" 0 60; then
			why="$why; fluxctl run --mode kernel -- sleep 3600 took $(minus "$(now)" "$s") s"
		fi
	fi
	[ -d "$cg/fluxcap/u${c}c" ] && echo 1 >"$cg/fluxcap/u${c}c/cgroup.kill"
	tr=$(now)
	reap_long 5 || why="$why; long-lived members did not die on SIGKILL"
	rmdir_pending 0
	# What happened when, to set beside a late sleeper of this cycle.
	echo "rmmod $t0 insmod $t1 loaded $ti reap $tr done $(now)" >"$tmp/events.$c"
	[ -z "${FLUXCAP_UNLOAD_PHASES:-}" ] || note "phases: setup $(minus "$tq" "$tp") reload $(minus "$tr" "$tq") reap $(minus "$(now)" "$tr")"

	desc="cycle $c: ${#groups[@]} groups, $members members; rmmod ($(minus "$t1" "$t0") s) and insmod while they live; members die on SIGKILL$([ $((c % 5)) = 1 ] && echo "; no group survives")$([ $((c % 10)) = 0 ] && echo "; kernel mode works after")"
	if [ -z "$why" ]; then
		result OK "$desc"
	else
		note "${why#; }"
		result FAIL "$desc"
	fi
	if [ "$budget" != 0 ] && [ "$c" -lt "$cycles" ] && [ "$c" -ge "$min_cycles" ] &&
		[ "$(minus "$(now)" "$t_all" | cut -d. -f1)" -ge "$budget" ]; then
		note "the budget of $budget s is spent: stopping after $c of $cycles cycles"
		cycles=$c
	fi
done
note "$cycles cycles took $(minus "$(now)" "$t_all") s; rmmod took $(printf '%s\n' "${rmmod_times[@]}" | sort -n | head -n 1)..$(printf '%s\n' "${rmmod_times[@]}" | sort -n | tail -n 1) s"

# --- after the cycles ----------------------------------------------------------

# Every measured sleeper has its result within 15 s.
for ((i = 0; i < 150; i++)); do
	got=$(find "$tmp" -name 'sleep.*' -o -name 'control.*' | wc -l)
	want=$((cycles * 3))
	[ "$got" -ge "$want" ] && break
	sleep 0.1
done
if [ "$got" -ge "$want" ]; then
	result OK "every measured sleeper ($want) finished within 15 s of the last cycle"
else
	result FAIL "every measured sleeper ($want) finished within 15 s of the last cycle (only $got)"
fi

# stats GLOB: "count min max" of the durations, and the failed statuses.
stats() {
	cat "$tmp"/$1 2>/dev/null | awk '
		{ d = $2 - $1; if (!n || d < lo) lo = d; if (!n || d > hi) hi = d; n++; if ($3 != 0) bad++ }
		END { printf "%d %.3f %.3f %d\n", n, lo, hi, bad }'
}
read -r cn clo chi cbad < <(stats 'control.*')
note "non-member sleep 2 (controls): $cn, real $clo..$chi s, $cbad failed"
for g in a b; do
	read -r mn mlo mhi mbad < <(stats "sleep.*.$g")
	what="group $g's sleep 2 across rmmod/insmod"
	[ "$g" = b ] && what="$what (group advanced 1 h first)"
	note "$what: $mn, real $mlo..$mhi s, $mbad failed"
	# Not woken early (the unload gives the host timer back), not held:
	# at most 3 s longer than the slowest control (the guest is slow).
	bound=$(awk -v h="$chi" 'BEGIN { printf "%.3f", (h > 0 ? h : 2) + 3 }')
	if [ "$mn" = "$cycles" ] && [ "$mbad" = 0 ] && in_range "$mlo" 1.95 "$bound" &&
		in_range "$mhi" 1.95 "$bound"; then
		result OK "$what: each slept its 2 s in real time ($mlo..$mhi s, controls $clo..$chi s)"
	else
		for f in "$tmp"/sleep.*."$g"; do
			d=$(awk '{ printf "%.3f %d", $2 - $1, $3 }' "$f")
			in_range "${d% *}" 1.95 "$bound" && [ "${d#* }" = 0 ] && continue
			# The cycle's events in seconds from this sleeper's start.
			c=${f##*/sleep.}
			c=${c%."$g"}
			ev=$(awk 'NR == FNR { s = $1; next }
				{ for (i = 1; i < NF; i += 2) printf "%s %+.3f ", $i, $(i + 1) - s }' \
				"$f" "$tmp/events.$c" 2>/dev/null)
			note "${f##*/}: $d; from its start: $ev"
		done
		result FAIL "$what: each slept its 2 s in real time ($mlo..$mhi s, want [1.95, $bound]; $mn of $cycles, $mbad failed)"
	fi
done

if rmdir_pending 10; then
	result OK "every cgroup of the cycles is empty and removed"
else
	result FAIL "every cgroup of the cycles is empty and removed"
fi

dstate=$(ps -eo pid,stat,wchan:32,args | awk '$2 ~ /^D/')
if [ -z "$dstate" ]; then
	result OK "no task in uninterruptible sleep (D)"
else
	echo "$dstate" | sed 's/^/#   /'
	result FAIL "no task in uninterruptible sleep (D)"
fi

# --- a time read waiting on a page fault --------------------------------------

# uffd_read's thread reads CLOCK_REALTIME by syscall into a userfaultfd page,
# and its copy-out waits in the fault until the program resolves it: like a
# stalled FUSE file, for as long as it likes. rmmod must not wait for it
# (it used to, without bound): it says the module is in use. Once the fault
# is resolved, the read returns the group's time and rmmod succeeds.
uffd_grp=$cg/fluxcap/ufault
"$fluxctl" create ufault --start=2000-01-01T00:00:00Z >/dev/null 2>&1
(join "$uffd_grp" "$build/tests/progs/uffd_read.static") </dev/null >"$tmp/uffd.out" 2>&1 &
uffd_pid=$!
long_pids+=("$uffd_pid")
for ((i = 0; i < 100; i++)); do
	grep -q '^blocked$' "$tmp/uffd.out" && break
	sleep 0.1
done
note "uffd_read: $(tr '\n' ' ' <"$tmp/uffd.out")"
if grep -qs 'fluxcap' "/proc/$uffd_pid/maps"; then
	note "uffd_read maps a fluxcap page: the case below would say nothing"
fi
# In the background: a module that waits would keep rmmod in D state until
# the fault is resolved below.
s=$(now)
rmmod fluxcap >"$tmp/rmmod.out" 2>&1 &
rm_pid=$!
for ((i = 0; i < 20; i++)); do
	kill -0 "$rm_pid" 2>/dev/null || break
	sleep 0.5
done
if kill -0 "$rm_pid" 2>/dev/null; then
	rc=waiting
else
	wait "$rm_pid"
	rc=$?
fi
note "rmmod with a read waiting on a page fault: exit $rc after $(minus "$(now)" "$s") s: $(cat "$tmp/rmmod.out")"
if grep -q '^blocked$' "$tmp/uffd.out" && ! grep -qs fluxcap "/proc/$uffd_pid/maps" &&
	[ "$rc" != waiting ] && [ "$rc" != 0 ] && loaded &&
	grep -qi 'in use\|busy' "$tmp/rmmod.out"; then
	result OK "rmmod while a member's time read waits on a page fault (userfaultfd) is refused at once: in use"
else
	result FAIL "rmmod while a member's time read waits on a page fault (userfaultfd) is refused at once: in use"
fi
kill -USR1 "$uffd_pid" 2>/dev/null
uffd_rc=1
for ((i = 0; i < 100; i++)); do
	kill -0 "$uffd_pid" 2>/dev/null || { wait "$uffd_pid"; uffd_rc=$?; break; }
	sleep 0.1
done
long_pids=()
[ "$rc" != waiting ] || wait "$rm_pid"
got=$(awk '$1 == "realtime" { print int($2) }' "$tmp/uffd.out")
note "uffd_read exit $uffd_rc: $(tr '\n' ' ' <"$tmp/uffd.out")"
# 2000-01-01T00:00:00Z is 946684800; the group's clock ran a minute at most.
if [ "$uffd_rc" = 0 ] && [ -n "$got" ] && [ "$got" -ge 946684800 ] && [ "$got" -le 946684860 ]; then
	result OK "that read, its fault resolved, returns the group's time (2000-01-01)"
else
	result FAIL "that read, its fault resolved, returns the group's time (2000-01-01)"
fi
"$fluxctl" delete ufault >/dev/null 2>&1
out=$(timeout -k 1 60 rmmod fluxcap 2>&1)
if ! loaded; then
	result OK "rmmod succeeds once that read is done"
else
	note "rmmod: $out"
	result FAIL "rmmod succeeds once that read is done"
fi
if loaded || insmod "$ko" 2>&1 && loaded; then
	result OK "insmod loads it again"
else
	result FAIL "insmod loads it again"
fi

# --- a member's vDSO page pins the module -------------------------------------

# clocks reads every clock through the vDSO first, then sleeps.
"$fluxctl" create upin --no-auto >/dev/null 2>&1
"$fluxctl" exec upin -- "$build/tests/progs/clocks" --sleep=3600 </dev/null >/dev/null 2>&1 &
pin=$!
long_pids+=("$pin")
pinned=no
for ((i = 0; i < 50; i++)); do
	p=$(head -n 1 "$cg/fluxcap/upin/cgroup.procs" 2>/dev/null)
	[ -n "$p" ] && grep -q 'fluxcap-vdso\|/dev/fluxcap' "/proc/$p/maps" 2>/dev/null && pinned=yes && break
	sleep 0.1
done
out=$(rmmod fluxcap 2>&1)
rc=$?
note "rmmod with the member's vDSO anchor mapped: exit $rc: $out"
if [ "$pinned" = yes ] && [ "$rc" != 0 ] && loaded && printf '%s' "$out" | grep -qi 'in use\|busy'; then
	result OK "rmmod while a member's vDSO shows its group's page (an anchor mapping) is refused: in use"
else
	result FAIL "rmmod while a member's vDSO shows its group's page (an anchor mapping) is refused: in use (mapped: $pinned)"
fi
s=$(now)
if loaded && timeout -k 5 30 "$fluxctl" run --mode kernel -- sleep 3600 </dev/null >/dev/null 2>&1 &&
	in_range "$(minus "$(now)" "$s")" 0 5; then
	result OK "the module still works after the refused rmmod"
else
	result FAIL "the module still works after the refused rmmod"
fi
kill "$pin" 2>/dev/null
wait "$pin" 2>/dev/null
long_pids=()
"$fluxctl" delete upin >/dev/null 2>&1 || {
	sleep 1
	"$fluxctl" delete upin >/dev/null 2>&1
}
for ((i = 0; i < 50; i++)); do
	out=$(rmmod fluxcap 2>&1) && break
	sleep 0.1
done
if ! loaded; then
	result OK "rmmod succeeds once that member is gone"
else
	note "rmmod: $out"
	result FAIL "rmmod succeeds once that member is gone"
fi
if insmod "$ko" 2>&1 && loaded; then
	result OK "insmod loads it again"
else
	result FAIL "insmod loads it again"
fi

# --- the kernel log ----------------------------------------------------------------

bad=$(dmesg | tail -n +"$((dmesg_before + 1))" |
	grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN|KASAN|refcount_t|list_(add|del) corruption|hung_task|blocked for more than|soft lockup|rcu.*stall')
if [ -z "$bad" ]; then
	result OK "the kernel log has no WARNING/BUG/Oops since the start"
else
	echo "$bad" | head -n 40 | sed 's/^/#   /'
	result FAIL "the kernel log has no WARNING/BUG/Oops since the start"
fi

note "took $(minus "$(now)" "$t_all") s in all"
echo "1..$n"
[ "$failed" -eq 0 ]
