#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): what a user times when a container runs under
# virtual time. In the VM, as root, with the module loaded:
#   tests/vm/run --kernel K -- bash bench/containers.sh
# For crun, runc and podman (each where installed), ROUNDS times (default
# 10) in turn: the whole `RUNTIME run` of `date; true; date` outside every
# group (the runtime's own start-up, native) and of `date; sleep 3600; date`
# with the container's cgroup inside a fluxcap group (hold policy, the
# default). Prints min/median/max of the real seconds for each, and the
# date span the group's runs saw (3600 s each when all is well).
set -u
cd "$(dirname "$0")/.." || exit 2
build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
rounds=${ROUNDS:-10}
tmp=$(mktemp -d)
group=bench-ctr-$$
trap '"$fluxctl" delete "$group" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
# shellcheck source=../tests/lib/oci.sh
. tests/lib/oci.sh
export LC_ALL=C

mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm; }
oci_rootfs "$tmp/rootfs" || exit 1
"$fluxctl" create "$group" >/dev/null || exit 1
gcg=/fluxcap/$group

# stats: min/median/max of the numbers on stdin
stats() {
	sort -g | awk '{ v[NR] = $1 }
		END { printf "min %.2f median %.2f max %.2f (n=%d)", v[1], v[int((NR + 1) / 2)], v[NR], NR }'
}
# took CMD...: real seconds of CMD (stdout kept in $tmp/out)
took() {
	local s=$EPOCHREALTIME
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err" || echo "# failed: $* ($(tail -n 1 "$tmp/err"))" >&2
	awk -v s="$s" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", e - s }'
}
span() { awk '$1 == "a" { a = $2 } $1 == "b" { b = $2 } END { print b - a }' "$tmp/out"; }

native='echo a $(date +%s); true; echo b $(date +%s)'
virtual='echo a $(date +%s); sleep 3600; echo b $(date +%s)'
pod=(podman --root "$tmp/podman/root" --runroot "$tmp/podman/run" --storage-driver=vfs
	--events-backend=file --cgroup-manager=cgroupfs)

echo "# kernel $(uname -r), $rounds rounds, group $group (external: hold)"
for r in crun runc podman; do
	command -v "$r" >/dev/null || { echo "# $r: not installed"; continue; }
	: >"$tmp/n" && : >"$tmp/v" && : >"$tmp/spans"
	for ((i = 0; i < rounds; i++)); do
		case $r in
		crun | runc)
			rt=("$r" --root "$tmp/$r")
			[ "$r" = crun ] && rt+=(--cgroup-manager=cgroupfs)
			oci_bundle "$tmp/bn" "$tmp/rootfs" "/bench-native" sh -c "$native"
			took "${rt[@]}" run -b "$tmp/bn" "n$i" >>"$tmp/n"
			oci_bundle "$tmp/bv" "$tmp/rootfs" "$gcg/ctr" sh -c "$virtual"
			took "${rt[@]}" run -b "$tmp/bv" "v$i" >>"$tmp/v"
			;;
		podman)
			took "${pod[@]}" run --rm --network=none --rootfs "$tmp/rootfs" \
				sh -c "$native" >>"$tmp/n"
			took "${pod[@]}" run --rm --network=none --cgroup-parent="$gcg" \
				--rootfs "$tmp/rootfs" sh -c "$virtual" >>"$tmp/v"
			;;
		esac
		span >>"$tmp/spans"
	done
	printf '%-6s native  date; true; date        %s s\n' "$r" "$(stats <"$tmp/n")"
	printf '%-6s group   date; sleep 3600; date  %s s; date moved %s\n' "$r" \
		"$(stats <"$tmp/v")" "$(sort -n "$tmp/spans" | uniq -c | awk '{ printf "%s%s s x%d", (NR > 1 ? ", " : ""), $2, $1 }')"
done
"$fluxctl" show "$group" | grep -E 'jumps|held'
