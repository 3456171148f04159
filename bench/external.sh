#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): what the external-peer policy costs per jump
# (Documentation/design.md, "Peers outside the group"). In the VM, as root,
# with the module loaded:
#   tests/vm/run --kernel K -- bash bench/external.sh
# For each policy (ignore, hold), with and without an idle connection to
# a server outside the group (a member process, blocked in select() on a
# pipe, holds a TCP connection to 127.0.0.1 it does not wait on, so the
# peer scan looks at it and lets it be), a member waits 1 ms REPS times
# (default 2000) while another thread sleeps: once through nanosleep (the
# instant path, which a hold group takes once its last check scanned) and
# once through poll() (every wait is a check: under hold, a scan). Prints
# the real time per wait, min/median/max in microseconds, from the TSC.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${FLUXCAP_BUILD:-build}
reps=${REPS:-2000}
wl=$build/bench/workload
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

hz=$("$wl" tsc-hz)
cat >"$tmp/server.py" <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
conns = []
while True:
    conns.append(s.accept()[0])
EOF
cat >"$tmp/idle.py" <<'EOF'
import os, select, socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
r, w = os.pipe()
select.select([r], [], [])
EOF
python3 "$tmp/server.py" "$tmp/port" &
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
port=$(cat "$tmp/port")

# stats: min/median/max of the tick counts on stdin, in microseconds
stats() {
	tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v hz="$hz" '
		{ v[NR] = $1 }
		END { printf "min %.1f median %.1f max %.1f us (n=%d)\n",
			v[1] * 1e6 / hz, v[int((NR + 1) / 2)] * 1e6 / hz, v[NR] * 1e6 / hz, NR }'
}

for policy in ignore hold; do
	for idle in no yes; do
		for how in nanosleep poll; do
			extra=()
			[ "$idle" = yes ] && extra=(-- python3 "$tmp/idle.py" "$port")
			args=(jumps 2 "$reps" 1000 0xffffffffffff 3)
			[ "$how" = poll ] && args+=(poll)
			# the idle member never exits: run ends when it is killed below
			"$build/fluxctl" run --mode kernel --external "$policy" -- \
				"$wl" "${args[@]}" "${extra[@]}" >"$tmp/out" 2>&1 &
			run=$!
			while ! grep -q '^threads_asleep' "$tmp/out" 2>/dev/null; do
				kill -0 "$run" 2>/dev/null || break
				sleep 0.2
			done
			pkill -f -- "$tmp/idle.py"
			wait "$run" 2>/dev/null
			printf '%-7s idle-external-conn=%-3s %-9s ' "$policy" "$idle" "$how"
			sed -n 's/^ticks //p' "$tmp/out" | stats
		done
	done
done
