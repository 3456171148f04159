#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Setting the time inside `fluxctl run`, in kernel mode (the module) and in
# ptrace mode (the supervisor) (issue 13): date -s,
# clock_settime, settimeofday, adjtimex/clock_adjtime (ADJ_SETOFFSET),
# their errors, TFD_TIMER_CANCEL_ON_SET timerfds and ia32 stime/
# settimeofday/clock_settime(64), which set the group's time too, and
# adjtimex, refused (build/tests/progs/settime, dynamic and
# static). Runs only inside the VM, as root: an emulation that leaked would
# set the machine's real clock, so every case also checks, outside fluxctl,
# that the guest's REALTIME did not jump against BOOTTIME (/proc/uptime).
# TAP output; exits non-zero if a case failed. Run by tests/vm/guest-suite,
# or by hand:
#   tests/vm/run --kernel all -- bash tests/vm/settime.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
prog=$build/tests/progs/settime
export TZ=UTC LC_ALL=C
. tests/lib/tap.sh

# outside the guest a leak would move the machine's clock: refuse
if [ "$(id -u)" != 0 ] || ! grep -q fluxcap_run= /proc/cmdline; then
	echo "not ok 1 - runs inside the VM as root only (tests/vm/run -- bash $0)"
	echo "1..1"
	exit 1
fi
for f in "$fluxctl" "$prog" "$prog.static"; do
	if [ ! -x "$f" ]; then
		echo "not ok 1 - $f is built (make userspace progs)"
		echo "1..1"
		exit 1
	fi
done

# REALTIME - BOOTTIME in seconds: constant unless the host clock is set.
host_gap() { awk -v r="$(date +%s.%N)" '{ printf "%.3f\n", r - $1 }' /proc/uptime; }

gap0=$(host_gap)

# host_kept: the guest's clock did not jump since the case began (slack 2 s)
host_kept() {
	local gap d
	gap=$(host_gap)
	d=$(minus "$gap" "$case_gap")
	note "host REALTIME - BOOTTIME moved $d s"
	in_range "$d" -2 2
}

# under WANT-STATUS CHECK CMD...: CMD under fluxctl in $mode mode, CHECK (a
# command line, eval'd) on its output, then the host clock.
under() {
	local want=$1 chk=$2
	shift 2
	case_gap=$(host_gap)
	timed "$want" 120 "$fluxctl" run --mode "$mode" -- "$@" || return 1
	show_ok
	eval "$chk" && host_kept
}

run_case() { # run_case DESCRIPTION WANT-STATUS CHECK CMD...
	local desc=$1
	shift
	check "$mode: $desc" under "$@"
}

near() { # near X WANT SLACK
	note "read $1 (want $2 +- $3)"
	in_range "$1" "$(($2 - $3))" "$(($2 + $3))"
}

for mode in kernel ptrace; do
	run_case "date -s @2000000000 inside reads 2000000000, the host's clock stays" 0 \
		'near "$(line 2)" 2000000000 5' \
		sh -c 'date -s @2000000000 && date +%s'
	run_case "date -s '2033-05-18 03:33:20' inside, then sleep 100: reads 2000000100" 0 \
		'near "$(line 2)" 2000000100 5' \
		sh -c "date -s '2033-05-18 03:33:20' && sleep 100 && date +%s"
	run_case "settime: clock_settime, settimeofday, adjtimex, errors, EPERM, timerfd cancel" 0 \
		'out_has "^# [0-9]+ checks, 0 failed" && ! out_has "^FAIL"' \
		"$prog"
	run_case "settime.static (no preload): the same" 0 \
		'out_has "^# [0-9]+ checks, 0 failed" && ! out_has "^FAIL"' \
		"$prog.static"
	run_case "ia32 stime, settimeofday, clock_settime, clock_settime64 set the group's time; adjtimex EPERM" 0 \
		'out_has "^ok ia32 stime: set the group.s time" && out_has "^ok ia32 settimeofday: set the group.s time" &&
			out_has "^ok ia32 clock_settime: set the group.s time" && out_has "^ok ia32 clock_settime64: set the group.s time" &&
			out_has "^ok ia32 adjtimex\\(ADJ_TICK\\): EPERM"' \
		"$prog" ia32
	run_case "as nobody (no CAP_SYS_TIME): date -s fails with EPERM" 1 \
		'err_has "Operation not permitted"' \
		setpriv --reuid=nobody --regid=nogroup --clear-groups date -s @2000000000
	run_case "date -s back to @1000000000 inside reads 1000000000" 0 \
		'near "$(line 2)" 1000000000 5' \
		sh -c 'date -s @1000000000 && date +%s'
done

case_gap=$gap0
check "over the whole script, the guest's clock never jumped" host_kept

echo "1..$n"
[ "$failed" -eq 0 ]
