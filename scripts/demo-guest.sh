#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-mode half of `make run`, run inside the VM by scripts/demo.sh:
# `fluxctl run --mode kernel`, then a group made, used, looked at, moved
# on by hand and watched.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
export TZ=UTC

say() { printf '\n--- %s\n' "$*"; }
show() { printf '$ fluxctl %s\n' "$*"; "$fluxctl" "$@"; }

say "fluxctl run --mode kernel -- bash -c 'date; sleep 3600; date'"
time "$fluxctl" run --mode kernel -- bash -c 'date; sleep 3600; date' || exit 1

say "a group by hand: create, exec, show, set advance, monitor, delete"
show create demo || exit 1
"$fluxctl" monitor demo >/tmp/demo-monitor.out 2>&1 &
monitor=$!
show exec demo -- bash -c 'date; sleep 86400; date'
show set demo auto off
show exec demo -- bash -c 'sleep 600 & sleep 0.5; date; echo "(waiting for a set advance)"; wait; date' &
exec_pid=$!
sleep 2
show set demo advance 10m
wait "$exec_pid"
show show demo
kill "$monitor" 2>/dev/null
wait "$monitor" 2>/dev/null
printf '$ fluxctl monitor demo   (what it printed meanwhile)\n'
cat /tmp/demo-monitor.out
show delete demo
