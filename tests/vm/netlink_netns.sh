#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Events across network namespaces and what an unprivileged reader sees,
# inside the VM (root, module loaded, cgroup2 at /sys/fs/cgroup). A group's
# events reach listeners in the initial netns and in the netns it was
# created from, once each, and no other netns; a netns that dies before its
# group leaves events flowing to the initial one; rmmod with such a group
# alive is clean. An unprivileged reader sees names, clocks and counts, and
# a group's cgroup path only when its cgroup namespace shows that cgroup
# (Documentation/design.md, "Privilege"). TAP output. Run:
#   tests/vm/run --kernel all -- bash tests/vm/netlink_netns.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
ko=$build/$(uname -r)/fluxcap.ko
p=fxn$$
. tests/lib/tap.sh
other=/sys/fs/cgroup/$p-other
pids=()

cleanup() {
	local x
	for x in "${pids[@]}"; do kill -9 "$x" 2>/dev/null; done
	for x in A B C D I E F V; do "$fluxctl" delete "$p$x" >/dev/null 2>&1; done
	# Members whose fluxctl exec was killed (or whose group rmmod took).
	for x in /sys/fs/cgroup/fluxcap/"$p"?; do echo 1 >"$x/cgroup.kill"; done 2>/dev/null
	sleep 0.2	# the killed members' exits
	rmdir "$other/inner" "$other" /sys/fs/cgroup/fluxcap/"$p"? 2>/dev/null
	tap_cleanup
}
trap cleanup EXIT

nobody() { timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# netns: a new netns held by a sleep ($! after it); in_ns HOLDER CMD... runs CMD there.
netns() { unshare -n sleep 100000 & pids+=("$!"); }
in_ns() { local h=$1; shift; nsenter -t "$h" -n "$@"; }

# saw FILE GROUP JUMP_NS: FILE has a jump of GROUP by exactly JUMP_NS.
saw() { grep -q "\"event\":\"jump\",\"group\":\"$2\".*\"jump_ns\":$3[,}]" "$1"; }
# poke FILE GROUP JUMP: advances GROUP by JUMP (e.g. 3s) until FILE shows
# it, for listeners whose subscription may still be on its way; 30 s.
poke() {
	local i ns=$(($3 * 1000000000))
	for ((i = 0; i < 60; i++)); do
		"$fluxctl" set "$2" advance "$3s" >/dev/null || return 1
		sleep 0.5
		saw "$1" "$2" "$ns" && return 0
	done
	return 1
}
# until_saw FILE GROUP JUMP_NS: waits up to 30 s for the line.
until_saw() {
	local i
	for ((i = 0; i < 300; i++)); do
		saw "$@" && return 0
		sleep 0.1
	done
	return 1
}
monitor() { # monitor OUT [NS-HOLDER]
	if [ -n "${2:-}" ]; then
		# not in_ns: $! is then the monitor (nsenter execs it)
		nsenter -t "$2" -n "$fluxctl" monitor -j >"$1" 2>"$1.err" &
	else
		"$fluxctl" monitor -j >"$1" 2>"$1.err" &
	fi
	pids+=("$!")
}

netns; hA=$!
netns; hC=$!
sleep 0.3
monitor "$tmp/m0"
monitor "$tmp/mA" "$hA"
monitor "$tmp/mC" "$hC"

# Group B from netns C: C's listener gets its jumps, so it is subscribed.
check "create ${p}B from netns C" in_ns "$hC" "$fluxctl" create "${p}B"
check "the listener in netns C sees ${p}B's jumps" poke "$tmp/mC" "${p}B" 1
check "the listener in the initial netns sees them too" \
	until_saw "$tmp/m0" "${p}B" 1000000000

check "create ${p}A from netns A" in_ns "$hA" "$fluxctl" create "${p}A"
check "the listener in netns A sees ${p}A's jumps (set advance)" \
	poke "$tmp/mA" "${p}A" 2
check "the listener in the initial netns sees them too" \
	until_saw "$tmp/m0" "${p}A" 2000000000
# An automatic jump: a member's sleep 100 returns at once.
t0=$EPOCHREALTIME
check "a member of ${p}A sleeps 100 s, virtually (< 20 s real)" \
	timeout 20 "$fluxctl" exec "${p}A" -- sleep 100
note "took $(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.3f", a - b }') s"
# near_100 FILE: a jump of A between 90 and 100 s (the deadline, from then)
near_100() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep "\"event\":\"jump\",\"group\":\"${p}A\"" "$1" |
			grep -Eq '"jump_ns":(9[0-9]|100)[0-9]{9}[,}]' && return 0
		sleep 0.1
	done
	return 1
}
check "netns A's listener saw that automatic jump (90 to 100 s)" near_100 "$tmp/mA"
check "so did the initial netns's listener" near_100 "$tmp/m0"

# Events are multicast in order: once C sees this later jump of B, any
# event of A sent to C would already be in its file.
check "a later jump of ${p}B (7 s) reaches netns C" poke "$tmp/mC" "${p}B" 7
check "the listener in netns C saw nothing of ${p}A (a third netns)" \
	sh -c "! grep -q '\"group\":\"${p}A\"' '$tmp/mC'"
check "and netns A's listener nothing of ${p}B" \
	sh -c "! grep -q '\"group\":\"${p}B\"' '$tmp/mA'"

# A group made from the initial netns: its listeners get each event once.
check "create ${p}I from the initial netns" "$fluxctl" create "${p}I"
check "... its 5 s jump reaches the initial netns" poke "$tmp/m0" "${p}I" 5
check "a 9 s jump reaches the initial netns's listener" poke "$tmp/m0" "${p}I" 9
check "... exactly once (groups of init_net are not sent twice)" \
	test "$(grep -c "\"group\":\"${p}I\".*\"jump_ns\":9000000000[,}]" "$tmp/m0")" = 1
check "... and the listeners in netns A and C saw nothing of ${p}I" \
	sh -c "! grep -q '\"group\":\"${p}I\"' '$tmp/mA' '$tmp/mC'"

check "delete ${p}A (from the initial netns)" "$fluxctl" delete "${p}A"
until_deleted() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "\"event\":\"deleted\",\"group\":\"$2\"" "$1" && return 0
		sleep 0.1
	done
	return 1
}
check "netns A's listener got the deletion" until_deleted "$tmp/mA" "${p}A"
check "so did the initial netns's listener" until_deleted "$tmp/m0" "${p}A"

# A netns that dies before its group: events keep going to init_net.
netns; hD=$!
sleep 0.3
check "create ${p}D from netns D" in_ns "$hD" "$fluxctl" create "${p}D"
kill -9 "$hD"
wait "$hD" 2>/dev/null
sleep 2	# the netns is cleaned up by a kernel worker
check "after netns D died, ${p}D's jumps still reach the initial netns" \
	poke "$tmp/m0" "${p}D" 4
check "delete ${p}D (its netns gone)" "$fluxctl" delete "${p}D"

# Unprivileged readers; auto off, so that the member stays asleep.
"$fluxctl" set "${p}I" auto off
"$fluxctl" exec "${p}I" -- sleep 100000 &
pids+=("$!")
field() { # field JSON KEY: a number
	sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1"
}
members_as_nobody() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(field "$(nobody "$fluxctl" show -j "${p}I")" members)" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
check "root: show ${p}I counts the one sleeping member" \
	sh -c "for i in \$(seq 100); do '$fluxctl' show -j '${p}I' | grep -q '\"members\":1,' && exit 0; sleep 0.1; done; exit 1"
check "nobody: show ${p}I counts it too (from the last check)" members_as_nobody
js=$(nobody "$fluxctl" show -j "${p}I")
note "nobody sees: $js"
check "nobody, initial cgroup ns: name, clocks, sleepers and its cgroup path" \
	bash -c "grep -q '\"name\":\"${p}I\"' <<<'$js' && grep -q '\"mono_ns\":' <<<'$js' &&
		grep -q '\"sleepers\":1' <<<'$js' && grep -q '\"cgroup\":\"/fluxcap/${p}I\"' <<<'$js'"
nobody "$fluxctl" list -j >"$tmp/list" 2>&1
check "nobody: list -j shows ${p}I with its path too" \
	grep -Eq "\"name\":\"${p}I\",\"id\":[0-9]+,\"cgroup\":\"/fluxcap/${p}I\"" "$tmp/list"

# A tenant's cgroup namespace, rooted at $other: ${p}V lives inside it,
# ${p}I outside.
mkdir -p "$other/inner"
check "create ${p}V on $other/inner" "$fluxctl" create "${p}V" --cgroup "$other/inner"
tenant() { # tenant CMD...: in a cgroup ns rooted at $other
	# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
	timeout 30 sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec unshare -C "$@"' sh "$other" "$@"
}
tenant setpriv --reuid=65534 --regid=65534 --clear-groups "$fluxctl" show -j "${p}I" >"$tmp/tI" 2>&1
tenant setpriv --reuid=65534 --regid=65534 --clear-groups "$fluxctl" list -j >"$tmp/tl" 2>&1
tenant setpriv --reuid=65534 --regid=65534 --clear-groups "$fluxctl" show "${p}I" >"$tmp/tt" 2>&1
tenant "$fluxctl" show -j "${p}I" >"$tmp/tr" 2>&1
note "tenant nobody sees ${p}I: $(cat "$tmp/tI")"
check "tenant (nobody, other cgroup ns): ${p}I's name and clock, no cgroup path or id" \
	sh -c "grep -q '\"name\":\"${p}I\"' '$tmp/tI' && grep -q '\"mono_ns\":' '$tmp/tI' &&
		grep -q '\"cgroup\":null' '$tmp/tI' && ! grep -q '\"cgroup_id\":[0-9]' '$tmp/tI'"
check "tenant: show's text says 'cgroup: -'" grep -Eq '^ +cgroup: +-$' "$tmp/tt"
check "tenant: nor what held it or the last check's verdict (null: not sent), but the counts" \
	sh -c "grep -q '\"held_by\":null' '$tmp/tI' && grep -q '\"last_check\":null' '$tmp/tI' &&
		grep -q '\"checks\":[0-9]' '$tmp/tI'"
check "tenant: list shows its own ${p}V with the path in its namespace (/inner)" \
	grep -Eq "\"name\":\"${p}V\",\"id\":[0-9]+,\"cgroup\":\"/inner\"" "$tmp/tl"
check "tenant: list shows ${p}I without a path" \
	grep -Eq "\"name\":\"${p}I\",\"id\":[0-9]+,\"cgroup\":null" "$tmp/tl"
check "root in the tenant's cgroup ns (CAP_NET_ADMIN) still sees ${p}I's path" \
	grep -q "\"cgroup\":\"/../fluxcap/${p}I\"" "$tmp/tr"
check "delete ${p}V" "$fluxctl" delete "${p}V"

# rmmod while a group made from a live netns (with a listener) exists.
check "create ${p}E from netns C (its listener still running)" \
	in_ns "$hC" "$fluxctl" create "${p}E"
check "netns C's listener sees ${p}E's jumps" poke "$tmp/mC" "${p}E" 3
for x in "${pids[@]}"; do
	case $x in "$hA" | "$hC") ;; *) kill -9 "$x" 2>/dev/null && wait "$x" 2>/dev/null ;; esac
done
sleep 0.5
dmesg_before=$(dmesg | wc -l)
check "rmmod fluxcap with ${p}E (netns C) and ${p}I alive" rmmod fluxcap
check "insmod loads it again" insmod "$ko"
kill -9 "$hC" "$hA"
wait 2>/dev/null
sleep 2	# netns cleanup runs the new module's exit hook
check "no WARN, BUG or oops in dmesg since" \
	sh -c "! dmesg | tail -n +$((dmesg_before + 1)) | grep -Eq 'WARNING:|BUG:|Oops|general protection'"
rmdir /sys/fs/cgroup/fluxcap/"${p}E" 2>/dev/null	# left by rmmod (cleanup retries)
check "the reloaded module works: create and delete ${p}F" \
	sh -c "'$fluxctl' create '${p}F' && '$fluxctl' delete '${p}F'"

echo "1..$n"
[ "$failed" -eq 0 ]
