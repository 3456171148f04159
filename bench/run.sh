#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ptrace-mode benchmark (not a test): each workload natively and under
# `fluxctl run`, best of REPEAT runs, as ratios. Writes JSON to stdout (or
# $1) with the kernel, CPU and commit; see Documentation/performance.md.
#   (a) 2000 x 1 ms sleeps   (b) 10^6 clock_gettime   (c) stat+read over
#   /usr, no sleeps          (d) sleep 3600
set -euo pipefail
cd "$(dirname "$0")/.."
make -s userspace build/bench/workload >/dev/null
fluxctl=build/fluxctl
w=build/bench/workload
repeat=${REPEAT:-3}
out=${1:-/dev/stdout}

best() { # best CMD...: the fastest of $repeat runs, in seconds
	local i t b=''
	for ((i = 0; i < repeat; i++)); do
		t=$(python3 -c "import time,subprocess,sys; s=time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(time.perf_counter()-s)" "$@")
		if [ -z "$b" ] || python3 -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$t" "$b"; then
			b=$t
		fi
	done
	echo "$b"
}

ratio() { python3 -c "import sys; print(round(float(sys.argv[1]) / float(sys.argv[2]), 3))" "$1" "$2"; }

# warm the page cache for the walk
$w walk /usr >/dev/null
a_nat=$(best $w sleeps 2000 1000)
a_fc=$(best $fluxctl run -- $w sleeps 2000 1000)
b_nat=$(best $w clock 1000000)
b_fc=$(best $fluxctl run -- $w clock 1000000)
bs_nat=$(best $w clock-sys 10000)
bs_fc=$(best $fluxctl run -- $w clock-sys 10000)
c_nat=$(best $w walk /usr)
c_fc=$(best $fluxctl run -- $w walk /usr)
d_fc=$(best $fluxctl run -- sleep 3600)

cat >"$out" <<JSON
{
  "mode": "ptrace",
  "commit": "$(scripts/version.sh)",
  "kernel": "$(uname -r)",
  "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')",
  "cpus": $(nproc),
  "repeat": $repeat,
  "a_2000_sleeps_1ms": { "native_s": $a_nat, "fluxcap_s": $a_fc, "speedup": $(ratio "$a_nat" "$a_fc") },
  "b_1e6_clock_gettime_vdso": { "native_s": $b_nat, "fluxcap_s": $b_fc, "ratio": $(ratio "$b_fc" "$b_nat") },
  "b_1e4_clock_gettime_syscall": { "native_s": $bs_nat, "fluxcap_s": $bs_fc, "ratio": $(ratio "$bs_fc" "$bs_nat") },
  "c_walk_usr_no_sleeps": { "native_s": $c_nat, "fluxcap_s": $c_fc, "ratio": $(ratio "$c_fc" "$c_nat") },
  "d_sleep_3600": { "fluxcap_s": $d_fc }
}
JSON
