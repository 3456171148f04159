# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the one-boot-per-kernel benches (bench/dump_load.sh,
# bench/outliers.sh) share, sourced from the repository root: where the
# tools are, their command line and the kernels they boot.

# shellcheck disable=SC2034 # the sourcing script's
kernels=() guest=''
# shellcheck disable=SC2034 # the sourcing script's
repo=$(pwd) w=$(pwd)/build/bench/workload fluxctl=$(pwd)/build/fluxctl

# bench_args COUNT-OPTION VAR ARGS...: --kernel K (again for more),
# COUNT-OPTION N (into VAR), --guest RAW (internal: measure here) and
# -h/--help (the calling script's header comment).
bench_args() {
	local opt=$1 var=$2
	shift 2
	# shellcheck disable=SC2034 # guest is the sourcing script's
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) kernels+=("$2"); shift 2 ;;
		--guest) guest=$2; shift 2 ;;
		"$opt") printf -v "$var" '%s' "$2"; shift 2 ;;
		-h | --help) sed -n '3,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
		*) echo "$0: unknown argument '$1' (--help)" >&2; exit 1 ;;
		esac
	done
}

# bench_kernels: unless named, every kernel with a build/K/fluxcap.ko.
bench_kernels() {
	local ko
	[ "${#kernels[@]}" -eq 0 ] || return 0
	for ko in build/*/fluxcap.ko; do
		[ -f "$ko" ] && kernels+=("$(basename "$(dirname "$ko")")")
	done
	[ "${#kernels[@]}" -gt 0 ] || { echo "$0: no build/K/fluxcap.ko (make)" >&2; exit 1; }
}
