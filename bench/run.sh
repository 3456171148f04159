#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): native vs `fluxctl run --mode kernel` vs
# `fluxctl run --mode ptrace`, see Documentation/performance.md.
#   (a) 2000 x 1 ms sleeps (and natively 2000 x 1 us: the floor)
#   (b) clock_gettime(CLOCK_MONOTONIC): 10^6 through the vDSO, and 10^5
#   (3000 under ptrace) raw syscalls
#   (c) stat+open+read of a 2000-file tmpfs tree, no sleeps
#   (d) jump latency with 1, 100 and 1000 sleeping threads (nanosleep;
#   kernel mode also through poll, which always takes the quiescence check)
#   (f) 10,000 ticks of a 1 ms periodic timerfd, read in an epoll loop
#   (F_ROUNDS rounds, default 10: min/median/max), and its floor: the
#   same loop's syscalls natively, on a timerfd that is always due
#   (s) start-up: a trivial `sh -c` under `fluxctl run`
#   (p) (a) in Python: 2000 x time.sleep(0.001), the interpreter itself
#   (sys.executable, not a wrapper such as pyenv's shim), A_ROUNDS rounds
#   (j) a JVM's Thread.sleep(3600000), whole command, J_ROUNDS rounds
#   (default 10), fluxcap modes only (natively an hour); needs javac.
#   Also the jumps of one virtual minute of it under ptrace -v: every
#   jump ends a wait, and every wait a ptrace supervisor ends costs it
#   at least the floor (t)
#   (t) the floor of ptrace mode: one seccomp stop and resume with a
#   tracer doing nothing else, T_TRAPS (default 20000) per round,
#   F_ROUNDS rounds, with the CPUs free and on one CPU
#   --here runs (p), (j) and (t) by default, a VM run does not (TCG: minutes)
#
#   bench/run.sh [--kernel K]...  one VM boot per kernel (default: every
#                                 kernel with a built build/K/fluxcap.ko),
#                                 all three modes inside it (what `make
#                                 bench` runs)
#   bench/run.sh --here           this machine, without a VM: native, ptrace,
#                                 and kernel mode when the module is loaded
#   --no-build                    do not run make first
#   --rows LIST                   only these rows, e.g. --rows f or
#                                 --rows a,f (default: s,a,b,c,d,f, and
#                                 with --here also p,j,t)
#   --out DIR                     results (default build/bench/results):
#                                 per kernel raw-K.txt, bench-K.json and
#                                 bench-K.md (the table, also printed)
#   --guest RAW                   internal: measure here, raw samples to RAW
#
# Durations are read with rdtsc inside the workload (real time even where
# every clock is virtual; calibrated natively) and, for whole commands,
# with bash's $EPOCHREALTIME outside fluxctl. Knobs (environment):
# A_ROUNDS (rounds of (s), (a) and (p), default 10: min / median / p90 / max),
# J_ROUNDS (rounds of (j), default 10), T_TRAPS (calls per round of (t)),
# REPEAT (runs per other measurement, default 3; median), C_REPEAT (default 15),
# F_ROUNDS (rounds of (f), default 10), F_TICKS (default 10000),
# D_REPS (jump latencies per thread count, default 50), D_BUDGET (seconds
# of measuring per thread count, default 15), D_TIMEOUT (seconds for one
# whole jump run, default 120), VM_TIMEOUT (default 1200).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
w=$repo/build/bench/workload
fluxctl=$repo/build/fluxctl

kernels=() build=1 here=0 guest='' out=$repo/build/bench/results
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernels+=("$2"); shift 2 ;;
	--kernel=*) kernels+=("${1#*=}"); shift ;;
	--no-build) build=0; shift ;;
	--here) here=1; shift ;;
	--rows) export ROWS="$2"; shift 2 ;;
	--rows=*) export ROWS="${1#*=}"; shift ;;
	--out) out=$(realpath -m "$2"); shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	-h | --help) sed -n '3,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/run.sh: unknown argument '$1' (--help)" >&2; exit 1 ;;
	esac
done

# ---------------------------------------------------------------- measuring
if [ -n "$guest" ]; then
	repeat=${REPEAT:-3} c_repeat=${C_REPEAT:-15} a_rounds=${A_ROUNDS:-10}
	d_reps=${D_REPS:-50} d_budget=${D_BUDGET:-15} d_timeout=${D_TIMEOUT:-120}
	n_sleeps=2000 n_vdso=1000000 n_sys=100000 n_sys_ptrace=3000
	n_files=2000 c_passes=${C_PASSES:-3}
	f_rounds=${F_ROUNDS:-10} f_ticks=${F_TICKS:-10000}
	rows=" ${ROWS:-s a b c d f} "
	rows=${rows//,/ }
	row() { [[ "$rows" == *" $1 "* ]]; }
	tree=$(mktemp -d /tmp/fluxcap-bench.XXXXXX)
	trap 'rm -rf "$tree"' EXIT
	exec 3>"$guest"
	log() { echo "bench: $*" >&2; }
	emit() { echo "$*" >&3; }

	modes=(native ptrace)
	if "$fluxctl" run --mode kernel -- true 2>/dev/null; then
		modes+=(kernel)
	fi
	emit "kernel $(uname -r)"
	emit "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	emit "cpus $(nproc)"
	emit "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
	emit "commit $(cat build/version.stamp 2>/dev/null || echo unknown)"
	emit "module $(grep -qs "^fluxcap " /proc/modules && echo loaded || echo absent)"
	emit "modes ${modes[*]}"
	emit "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	for i in 1 2 3; do emit "tsc_hz $("$w" tsc-hz)"; done
	"$w" mktree "$tree/t" "$n_files"
	"$w" walk "$tree/t" >/dev/null	# warm the dentry cache
	emit "param n_sleeps $n_sleeps"
	emit "param n_vdso $n_vdso"
	emit "param n_sys $n_sys"
	emit "param n_sys_ptrace $n_sys_ptrace"
	emit "param n_files $n_files"
	emit "param c_passes $c_passes"
	emit "param f_ticks $f_ticks"
	emit "rows $(echo $rows)"

	# under MODE CMD...: CMD natively or under fluxctl in MODE
	under() {
		local mode=$1
		shift
		case $mode in
		native) "$@" ;;
		*) "$fluxctl" run --mode "$mode" -- "$@" ;;
		esac
	}
	# sample NAME MODE COUNT CMD...: one run; "sample NAME MODE COUNT
	# OUTER_S INNER_TICKS" (inner: the workload's own rdtsc duration)
	sample() {
		local name=$1 mode=$2 count=$3 t0 t1 o
		shift 3
		t0=$EPOCHREALTIME
		o=$(under "$mode" "$@") || { log "$name $mode failed: $o"; emit "failed $name $mode"; return 0; }
		t1=$EPOCHREALTIME
		emit "sample $name $mode $count $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') ${o##* }"
	}

	# Kernel mode's hooks (global kprobes) stay armed hooks_linger seconds
	# after its last group (60 by default). Here they go at once (0), and
	# a native run waits until they are gone, so that it pays none; a
	# kernel-mode block keeps them in with a group of its own, as a test
	# suite's back-to-back runs find them: installing them (cold start,
	# once after the module loads or lingers out) is measured apart.
	linger=/sys/module/fluxcap/parameters/hooks_linger
	[ ! -w "$linger" ] || echo 0 >"$linger"
	hooks_hold() {
		local t0=$EPOCHREALTIME
		"$fluxctl" create bench-hooks >/dev/null 2>&1 || return 0
		emit "sample hooks_install kernel 1 $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f", b - a }') 0"
	}
	hooks_release() { "$fluxctl" delete bench-hooks >/dev/null 2>&1 || true; }
	hooks_idle() {
		local i
		for ((i = 0; i < 100; i++)); do
			grep -qs hrtimer_start_range_ns /sys/kernel/debug/kprobes/list || return 0
			sleep 0.2
		done
		log "fluxcap's kprobes still armed after 20 s"
		emit "hooks_armed_during_native"
	}
	# rounds NAME RUNS COUNT_NATIVE COUNT_PTRACE CMD...: RUNS runs native,
	# then RUNS in kernel mode (hooks held in), then RUNS under ptrace; CMD's
	# word COUNT is replaced by the mode's count
	rounds() {
		local name=$1 runs=$2 cn=$3 cp=$4 r m c a args
		shift 4
		for m in native kernel ptrace; do
			case " ${modes[*]} " in *" $m "*) ;; *) continue ;; esac
			[ $m != native ] || hooks_idle
			[ $m != kernel ] || hooks_hold
			for ((r = 0; r < runs; r++)); do
				c=$cn
				[ $m != ptrace ] || c=$cp
				args=()
				for a in "$@"; do
					[ "$a" != COUNT ] || a=$c
					args+=("$a")
				done
				sample "$name" $m "$c" "${args[@]}"
			done
			[ $m != kernel ] || hooks_release
		done
	}
	log "$(uname -r): rows${rows% } in modes: ${modes[*]}"
	"$w" clock $n_vdso >/dev/null	# warm-up
	"$w" clock-sys $n_sys >/dev/null
	"$w" walk "$tree/t" "$c_passes" >/dev/null
	! row s || rounds startup "$a_rounds" 1 1 sh -c 'echo 0 0'
	if row a; then
		# the floor: what one sleep and wake-up costs here, natively
		sample sleeps_1us native $n_sleeps "$w" sleeps $n_sleeps 1
		rounds sleeps "$a_rounds" $n_sleeps $n_sleeps "$w" sleeps COUNT 1000
	fi
	# Without a TSC clocksource (6.1 under TCG marks the TSC unstable) the
	# vDSO falls back to the syscall, which ptrace mode stops on: fewer.
	n_vdso_ptrace=$n_vdso
	[ "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)" = tsc ] ||
		n_vdso_ptrace=$n_sys_ptrace
	if row b; then
		rounds vdso "$repeat" $n_vdso $n_vdso_ptrace "$w" clock COUNT
		rounds syscall "$repeat" $n_sys $n_sys_ptrace "$w" clock-sys COUNT
	fi
	! row c || rounds walk "$c_repeat" $((n_files * c_passes)) $((n_files * c_passes)) \
		"$w" walk "$tree/t" "$c_passes"
	# (p): (a) in Python, the interpreter's own start-up included; "0 0"
	# stands for the checksum and inner time this workload has not.
	py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || py=
	if row p && [ -n "$py" ]; then
		log "$(uname -r): (p) python $py, $a_rounds rounds"
		rounds py_sleeps "$a_rounds" $n_sleeps $n_sleeps "$py" -c \
			'import time
for _ in range(2000): time.sleep(0.001)
print("0 0")'
	fi
	# (j): a JVM sleeps an hour; its housekeeping threads wake some
	# 100000 times meanwhile, each wake-up an idleness check.
	if row j && command -v javac >/dev/null && command -v java >/dev/null; then
		mkdir -p "$tree/java"
		printf '%s\n' 'public class Sleep { public static void main(String[] a) throws Exception {' \
			'Thread.sleep(Long.parseLong(a[0])); System.out.println("0 0"); } }' >"$tree/java/Sleep.java"
		if javac -d "$tree/java" "$tree/java/Sleep.java"; then
			log "$(uname -r): (j) JVM Thread.sleep(3600000), ${J_ROUNDS:-10} rounds"
			for ((r = 0; r < ${J_ROUNDS:-10}; r++)); do
				for m in "${modes[@]}"; do
					[ "$m" != native ] || continue
					sample jvm_hour "$m" 1 java -cp "$tree/java" Sleep 3600000
				done
			done
			if [[ " ${modes[*]} " == *" ptrace "* ]]; then
				o=$("$fluxctl" run --mode ptrace -v -- java -cp "$tree/java" Sleep 60000 2>&1) ||
					log "(j) a JVM's minute under ptrace -v failed"
				emit "jvm_minute_jumps $(grep -c '] jump [+]' <<<"$o" || true)"
			fi
		fi
	fi
	# (t): what one trapped syscall costs a supervisor that only resumes it
	if row t; then
		t_traps=${T_TRAPS:-20000}
		log "$(uname -r): (t) $t_traps trapped calls, $f_rounds rounds"
		for ((r = 0; r < f_rounds; r++)); do
			sample trap_floor native "$t_traps" "$w" trap-floor "$t_traps"
			sample trap_floor_one_cpu native "$t_traps" "$w" trap-floor "$t_traps" one-cpu
		done
	fi
	# (f): a 1 ms periodic timerfd, f_ticks ticks (10 s of real time
	# natively); the speed-up over native is the goal, as in (a).
	if row f; then
		log "$(uname -r): (f) $f_ticks timerfd ticks, $f_rounds rounds"
		rounds timerfd "$f_rounds" "$f_ticks" "$f_ticks" "$w" timerfd COUNT 1000
		# the floor: the loop's syscalls alone, never blocking, natively
		for ((r = 0; r < f_rounds; r++)); do
			sample timerfd_reads native "$f_ticks" "$w" timerfd-reads "$f_ticks"
		done
	fi

	# (d): one thread sleeps 10 s of virtual time, N-1 threads 10^6 s. In
	# ptrace mode fluxctl keeps 3 /proc files open per thread: with the
	# usual soft limit of 1024 open files it cannot watch 1000 threads
	# (no jump at all; probed once below), so (d) runs with the soft
	# limit raised to the hard one.
	hz=$(awk '$1 == "tsc_hz" { print $2; exit }' "$guest")
	nofile=$(ulimit -n)
	emit "nofile_soft $nofile"
	emit "nofile_hard $(ulimit -Hn)"
	for mode in "${modes[@]}"; do
		[ "$mode" != native ] && row d || continue
		for n in 1 100 1000; do
			log "$(uname -r): $mode jumps, $n threads"
			o=$(ulimit -n "$(ulimit -Hn)" && timeout -k 5 "$d_timeout" "$fluxctl" run --mode "$mode" -- \
				"$w" jumps $n "$d_reps" 10000000 $((d_budget * hz)) 2>&1) ||
				log "$mode jumps $n: exit $?"
			emit "jumps $mode $n $(echo "$o" | awk '$1 == "ticks" { $1 = ""; print }')"
			emit "jumps_virtual_min_ns $mode $n $(echo "$o" | awk '$1 == "virtual_min_ns" { print $2 }')"
			emit "jumps_threads_asleep $mode $n $(echo "$o" | awk '$1 == "threads_asleep" { print $2 }')"
		done
		# Kernel mode ends a lone nanosleep at once (an instant sleep), so
		# (d) measures that; poll() always blocks and goes through the
		# quiescence check: (d') measures that path.
		[ "$mode" = kernel ] || continue
		for n in 1 100 1000; do
			log "$(uname -r): kernel jumps through poll, $n threads"
			o=$(timeout -k 5 "$d_timeout" "$fluxctl" run --mode kernel -- \
				"$w" jumps $n "$d_reps" 10000000 $((d_budget * hz)) 3 poll 2>&1) ||
				log "kernel poll jumps $n: exit $?"
			emit "jumps kernel-poll $n $(echo "$o" | awk '$1 == "ticks" { $1 = ""; print }')"
			emit "jumps_virtual_min_ns kernel-poll $n $(echo "$o" | awk '$1 == "virtual_min_ns" { print $2 }')"
			emit "jumps_threads_asleep kernel-poll $n $(echo "$o" | awk '$1 == "threads_asleep" { print $2 }')"
		done
		if [ "$mode" = ptrace ] && [ "$nofile" -lt 4000 ]; then
			log "$(uname -r): ptrace jumps, 1000 threads, ulimit -n $nofile"
			o=$(timeout -k 5 "$d_timeout" "$fluxctl" run --mode ptrace -- \
				"$w" jumps 1000 1 10000000 $((d_budget * hz)) 0 2>&1) || true
			emit "jumps_lowfd ptrace 1000 $(echo "$o" | awk '$1 == "ticks" { $1 = ""; print }')"
		fi
	done
	emit "end"
	exit 0
fi

# ---------------------------------------------------------------- driving
if [ $build = 1 ]; then
	make -s userspace build/bench/workload >/dev/null
fi
mkdir -p "$out"
qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -1 || true)

if [ $here = 1 ]; then
	k=$(uname -r)
	export ROWS=${ROWS:-s a b c d f p j t}
	"$0" --guest "$out/raw-$k.txt"
	python3 bench/report.py --host-cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
		"$out/raw-$k.txt" "$out/bench-$k.json" "$out/bench-$k.md"
	exit 0
fi

if [ ${#kernels[@]} -eq 0 ]; then
	for ko in build/*/fluxcap.ko; do
		[ -e "$ko" ] && kernels+=("$(basename "$(dirname "$ko")")")
	done
fi
[ ${#kernels[@]} -gt 0 ] || { echo "bench/run.sh: no build/KVER/fluxcap.ko (make)" >&2; exit 1; }
status=0
for k in "${kernels[@]}"; do
	echo "bench/run.sh: booting $k" >&2
	rm -f "$out/raw-$k.txt"
	s0=$EPOCHREALTIME
	rc=0
	# The knobs reach the guest only on its command line.
	knobs=()
	for v in REPEAT C_REPEAT C_PASSES D_REPS D_BUDGET D_TIMEOUT F_ROUNDS F_TICKS T_TRAPS ROWS; do
		[ -z "${!v:-}" ] || knobs+=("$v=${!v}")
	done
	tests/vm/run --kernel "$k" --timeout "${VM_TIMEOUT:-1200}" --share "$out" -- \
		env "${knobs[@]}" bench/run.sh --guest "$out/raw-$k.txt" || rc=$?
	echo "vm_seconds $(awk -v a="$s0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" >>"$out/raw-$k.txt"
	if [ $rc != 0 ]; then
		echo "bench/run.sh: the VM run on $k failed (exit $rc)" >&2
		status=1
	fi
	python3 bench/report.py --qemu "$qemu" \
		--host-cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
		"$out/raw-$k.txt" "$out/bench-$k.json" "$out/bench-$k.md" || status=1
done
exit $status
