#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Containers under virtual time, inside the VM (root, fluxcap.ko loaded,
# cgroup2 at /sys/fs/cgroup), from a busybox rootfs made here
# (tests/lib/oci.sh; no image, no registry) (issue 14). For crun and runc,
# each with its cgroupfs manager and the bundle's cgroupsPath inside a
# group: `date; sleep 3600; date` ends in seconds and the dates are 3600 s
# apart (the vDSO, no preload); a sleep sort of 10 processes comes out in
# order; `fluxctl show -j` counts the container's processes as members;
# a container started outside any group joins one later, by
# `fluxctl create --cgroup` on its cgroup and by `fluxctl attach` of its
# pids, and its later sleeps jump. podman with --cgroup-parent: the same
# date, sort and members checks; --cgroups=split fails clearly (it needs
# systemd). Then nothing is left (groups, containers, cgroups) and the
# module unloads and loads again. Documentation/containers.md shows these
# commands. TAP output; exits non-zero if a case failed. Run by
# tests/vm/guest-suite, or: tests/vm/run --kernel K -- bash tests/vm/containers.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
export TZ=UTC LC_ALL=C
. tests/lib/tap.sh
. tests/lib/oci.sh

cg=/sys/fs/cgroup
groups=(box-crun box-runc late-crun late-runc att-crun att-runc box-podman)
ctr_cleanup() {
	local g c
	for c in $(crun --root "$tmp/crun" list -q 2>/dev/null); do crun --root "$tmp/crun" delete -f "$c"; done
	for c in $(runc --root "$tmp/runc" list -q 2>/dev/null); do runc --root "$tmp/runc" delete -f "$c"; done
	[ -d "$tmp/podman" ] && "${pod[@]}" rm -f -a -t 0 >/dev/null 2>&1
	for g in "${groups[@]}"; do "$fluxctl" delete "$g" >/dev/null 2>&1; done
	tap_cleanup
}
trap ctr_cleanup EXIT

if [ "$(id -u)" != 0 ] || ! grep -q '^fluxcap ' /proc/modules; then
	echo "not ok 1 - runs as root with fluxcap.ko loaded (tests/vm/run -- bash $0)"
	echo "1..1"
	exit 1
fi

# --- helpers ------------------------------------------------------------------

# group_cgroup NAME: the group's cgroup, as a path under the cgroup2 mount.
group_cgroup() { "$fluxctl" show -j "$1" | sed -n 's/.*"cgroup":"\([^"]*\)".*/\1/p'; }
# members NAME: the threads the module counts in the group.
members() { "$fluxctl" show -j "$1" | sed -n 's/.*"members":\([0-9]*\).*/\1/p'; }
# lines FILE: how many lines FILE has (0 while it is missing).
lines() { if [ -r "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# threads DIR: the threads in the cgroup DIR and every cgroup below it.
threads() { find "$1" -name cgroup.threads -exec cat {} + | wc -l; }

# lists_procs NAME CGROUP PID...: `fluxctl show NAME` lists each PID in
# CGROUP (below the group's cgroup), and so does show -j's "processes".
lists_procs() {
	local name=$1 rel=$2 p text json
	shift 2
	text=$("$fluxctl" show "$name") && json=$("$fluxctl" show -j "$name") || return 1
	for p in "$@"; do
		echo "$text" | grep -Eq "^ +$p +[^ ]+ +$rel\$" || {
			note "fluxctl show $name lists no pid $p in $rel:"
			echo "$text" | sed 's/^/#   /'
			return 1
		}
		echo "$json" | grep -q "{\"pid\":$p,\"comm\":\"[^\"]*\",\"cgroup\":\"[^\"]*/$rel\"}" || {
			note "fluxctl show -j $name lists no pid $p in $rel: $json"
			return 1
		}
	done
}

# span: the second date minus the first, from the last run's output.
span() { echo $(($(value b) - $(value a))); }
# The container's script prints "a DATE" before and "b DATE" after.
dated() { echo "echo a \$(date +%s); $1; echo b \$(date +%s)"; }

# wait_file FILE SECONDS: FILE exists and is not empty.
wait_file() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	note "$1 stayed empty for $2 s"
	return 1
}
# release FIFO: open a container's FIFO for writing (every reader waiting
# in open goes on) and write one line.
release() { timeout 10 sh -c "echo go >'$1'"; }

# The runtimes, each with its state under $tmp: crun and runc with the
# cgroupfs manager (runc's default), podman with its storage there too.
rt_crun=(crun --cgroup-manager=cgroupfs --root "$tmp/crun")
rt_runc=(runc --root "$tmp/runc")
pod=(podman --root "$tmp/podman/root" --runroot "$tmp/podman/run" --storage-driver=vfs
	--events-backend=file --cgroup-manager=cgroupfs)

rootfs=$tmp/rootfs
check "a busybox rootfs from the host's static busybox" oci_rootfs "$rootfs"

# --- crun and runc, cgroupsPath inside a group -------------------------------

for r in crun runc; do
	case $r in
	crun) rt=("${rt_crun[@]}") ;;
	runc) rt=("${rt_runc[@]}") ;;
	esac
	g=box-$r
	created() { "$fluxctl" create "$g" && gcg=$(group_cgroup "$g") && [ "$gcg" = "/fluxcap/$g" ]; }
	check "$r: fluxctl create $g: show -j says its cgroup is /fluxcap/$g" created
	b=$tmp/b-$r
	note "$r: the bundle's cgroupsPath is $gcg/ctr"

	oci_bundle "$b" "$rootfs" "$gcg/ctr" sh -c "$(dated 'sleep 3600')"
	sleep_3600() {
		timed 0 30 "${rt[@]}" run -b "$b" "$r-sleep" || return 1
		# What the runtime's own helpers in the cgroup jumped first
		note "the first date was $(($(value a) - ${t_start%.*})) s ahead of the host's start"
		expect_virtual "date moved" "$(span)" 3600
	}
	check "$r: date; sleep 3600; date in the container: ends in seconds, dates 3600 s apart" sleep_3600

	oci_bundle "$b" "$rootfs" "$gcg/ctr" sh -c "$(dated 'for i in 7 3 10 1 6 9 2 8 5 4; do (sleep $((i * 60)); echo $i) & done; wait')"
	sleep_sort() {
		timed 0 30 "${rt[@]}" run -b "$b" "$r-sort" || return 1
		expect_virtual "date moved" "$(span)" 600 &&
			out_is "$(echo a "$(value a)"; seq 10; echo b "$(value b)")"
	}
	check "$r: a sleep sort of 10 processes (60 s to 600 s) comes out in order" sleep_sort

	# Four processes that wait on a FIFO with no timeout: no jump, they
	# stay until released.
	mkfifo "$rootfs/tmp/hold-$r"
	oci_bundle "$b" "$rootfs" "$gcg/ctr" sh -c "cat /tmp/hold-$r & cat /tmp/hold-$r & cat /tmp/hold-$r & wait"
	"${rt[@]}" run -b "$b" "$r-hold" >"$tmp/$r-hold.out" 2>&1 &
	bg_pid=$!
	shown_members() {
		local i procs p
		for ((i = 0; i < 300; i++)); do
			[ "$(lines "$cg$gcg/ctr/cgroup.procs")" = 4 ] && break
			sleep 0.1
		done
		procs=$(cat "$cg$gcg/ctr/cgroup.procs")
		note "the container's cgroup.procs: $(echo "$procs" | tr '\n' ' ')"
		note "fluxctl show -j $g: members $(members "$g"), threads in $gcg: $(threads "$cg$gcg")"
		[ "$(echo "$procs" | wc -l)" = 4 ] && [ "$(members "$g")" = "$(threads "$cg$gcg")" ] &&
			[ "$(members "$g")" = "$(wc -l <"$cg$gcg/ctr/cgroup.threads")" ] || return 1
		for p in $procs; do
			grep -qx "0::$gcg/ctr" "/proc/$p/cgroup" || { note "$p: $(cat "/proc/$p/cgroup")"; return 1; }
		done
		# shellcheck disable=SC2086 # one pid a word
		lists_procs "$g" ctr $procs
	}
	check "$r: fluxctl show lists the container's 4 processes (its cgroup.procs) and counts their threads as members" shown_members
	released() {
		release "$rootfs/tmp/hold-$r" && wait_exit "$bg_pid" 20 2>/dev/null && [ "$bg_rc" = 0 ]
	}
	check "$r: released, the container exits (status 0)" released
	bg_pid=''

	# Started outside any group, in a cgroup of its own at the top; waits
	# on a FIFO, then sleeps. The group is made around the running
	# container, on its cgroup.
	for how in late att; do
		mkfifo "$rootfs/tmp/go-$how-$r"
		ccg=/fctest-$how-$r
		oci_bundle "$b" "$rootfs" "$ccg" sh -c "cat /tmp/go-$how-$r; $(dated 'sleep 3600')"
		"${rt[@]}" run -b "$b" "$r-$how" >"$tmp/$r-$how.out" 2>&1 &
		bg_pid=$!
		# The container's sh and the cat it waits in, and nothing else:
		# runc's init passes through two processes there first (seen: one
		# of them gone between the count and the attach).
		settled() {
			local p comms=''
			for p in $(cat "$cg$ccg/cgroup.procs"); do
				comms="$comms $(cat "/proc/$p/comm" 2>/dev/null)"
			done
			# shellcheck disable=SC2086 # one name a word
			[ "$(printf '%s\n' $comms | sort | tr '\n' ' ')" = "cat sh " ]
		}
		joined() {
			local i procs
			# 60 s: runc init (Go, under emulation) took over 30 s once
			# with two guests side by side.
			for ((i = 0; i < 600; i++)); do
				settled && break
				sleep 0.1
			done
			procs=$(cat "$cg$ccg/cgroup.procs" | tr '\n' ' ')
			note "the container's cgroup $ccg holds $procs"
			# shellcheck disable=SC2086 # the pids, one word each
			case $how in
			late) "$fluxctl" create "$how-$r" --cgroup "$cg$ccg" ;;
			att) "$fluxctl" create "$how-$r" && "$fluxctl" attach "$how-$r" $procs ;;
			esac || return 1
			note "members of $how-$r: $(members "$how-$r")"
			[ "$(members "$how-$r")" = 2 ]
		}
		case $how in
		late) desc="fluxctl create late-$r --cgroup $cg$ccg (a running container's cgroup)" ;;
		att) desc="fluxctl attach att-$r PID PID (a running container's 2 pids)" ;;
		esac
		check "$r: $desc: 2 members" joined
		later_sleep() {
			local t0
			t0=$(now)
			release "$rootfs/tmp/go-$how-$r" && wait_exit "$bg_pid" 30 2>/dev/null || return 1
			took=$(minus "$(now)" "$t0")
			note "exit $bg_rc $took s after the release"
			cp "$tmp/$r-$how.out" "$tmp/out"
			[ "$bg_rc" = 0 ] && expect_virtual "date moved" "$(span)" 3600
		}
		check "$r: ... then its sleep 3600 ends in seconds, dates 3600 s apart" later_sleep
		bg_pid=''
		check "$r: fluxctl delete $how-$r" "$fluxctl" delete "$how-$r"
	done
	check "$r: fluxctl delete $g, no container of $r left" \
		sh -c "'$fluxctl' delete $g && test -z \"\$($r --root '$tmp/$r' list -q)\""
done

# --- podman, --cgroup-parent ---------------------------------------------------

# The guest has no /dev/shm (every distribution mounts one), where podman
# keeps its locks.
mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm; }
case_timeout=120
g=box-podman
check "podman: fluxctl create $g" "$fluxctl" create "$g"
gcg=$(group_cgroup "$g")
pod_run=("${pod[@]}" run --rm --cgroup-parent="$gcg" --network=none)
pod_sleep() {
	timed 0 90 "${pod_run[@]}" --rootfs "$rootfs" sh -c "$(dated 'sleep 3600')" || return 1
	expect_virtual "date moved" "$(span)" 3600
}
check "podman: date; sleep 3600; date: ends in seconds, dates 3600 s apart" pod_sleep
pod_sort() {
	timed 0 90 "${pod_run[@]}" --rootfs "$rootfs" sh -c "$(dated 'for i in 7 3 10 1 6 9 2 8 5 4; do (sleep $((i * 60)); echo $i) & done; wait')" || return 1
	expect_virtual "date moved" "$(span)" 600 &&
		out_is "$(echo a "$(value a)"; seq 10; echo b "$(value b)")"
}
check "podman: a sleep sort of 10 processes comes out in order" pod_sort

mkfifo "$rootfs/tmp/hold-podman"
pod_members() {
	local pid ccg i p
	timed 0 90 "${pod[@]}" run -d --name hold --cgroup-parent="$gcg" --network=none \
		--rootfs "$rootfs" sh -c 'cat /tmp/hold-podman & cat /tmp/hold-podman & cat /tmp/hold-podman & wait' ||
		return 1
	pid=$("${pod[@]}" inspect --format '{{.State.Pid}}' hold)
	ccg=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	note "the container's pid 1 is $pid, in $ccg"
	case $ccg in "$gcg"/*) ;; *) return 1 ;; esac
	for ((i = 0; i < 300; i++)); do
		[ "$(wc -l <"$cg$ccg/cgroup.procs")" = 4 ] && break
		sleep 0.1
	done
	note "its cgroup.procs: $(tr '\n' ' ' <"$cg$ccg/cgroup.procs")"
	find "$cg$gcg" -name cgroup.procs | while read -r f; do note "${f%/cgroup.procs}: $(tr '\n' ' ' <"$f")"; done
	for p in $(pgrep -x conmon); do note "conmon $p: $(cat "/proc/$p/cgroup")"; done
	note "fluxctl show -j $g: members $(members "$g"), threads in $gcg: $(threads "$cg$gcg")"
	[ "$(wc -l <"$cg$ccg/cgroup.procs")" = 4 ] && [ "$(members "$g")" = "$(threads "$cg$gcg")" ] ||
		return 1
	# shellcheck disable=SC2046 # one pid a word
	lists_procs "$g" "${ccg#"$gcg"/}" $(cat "$cg$ccg/cgroup.procs")
}
check "podman: fluxctl show lists the container's 4 processes and counts them as members (and all in the group's cgroups)" pod_members
pod_released() {
	release "$rootfs/tmp/hold-podman" && out=$(timeout 60 "${pod[@]}" wait hold) &&
		note "podman wait: $out" && [ "$out" = 0 ]
}
check "podman: released, the container exits (status 0)" pod_released
pod_rm() { "${pod[@]}" rm hold >/dev/null && [ -z "$("${pod[@]}" ps -aq)" ]; }
check "podman: rm the container, none left" pod_rm

pod_split() {
	timed 126 90 "${pod[@]}" run --rm --cgroups=split --network=none --rootfs "$rootfs" true
	sed 's/^/# podman: /' "$tmp/err"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] && in_range "$took" 0 90 && err_has cgroup
}
check "podman: --cgroups=split with the cgroupfs manager fails at once, saying why (it needs systemd)" pod_split
pod_split_parent() {
	timed 125 90 "${pod[@]}" run --rm --cgroups=split --cgroup-parent="$gcg" --network=none --rootfs "$rootfs" true &&
		sed 's/^/# podman: /' "$tmp/err" && err_has 'split with a cgroup-parent'
}
check "podman: --cgroups=split with --cgroup-parent is refused (exit 125)" pod_split_parent

check "podman: fluxctl delete $g" "$fluxctl" delete "$g"

# --- nothing left; the module unloads --------------------------------------------

check "no group left" test -z "$("$fluxctl" list -q)"
left_cgroups() {
	local d
	# Only this test's: the suite's other scripts have cgroups of their own.
	d=$(find "$cg" -mindepth 1 -maxdepth 1 -name 'fctest-*'
		for x in "${groups[@]}"; do [ ! -e "$cg/fluxcap/$x" ] || echo "$cg/fluxcap/$x"; done)
	[ -z "$d" ] || { note "left: $d"; return 1; }
}
check "no cgroup of a group or a container left" left_cgroups
no_ctr() { [ -z "$("${rt_crun[@]}" list -q; "${rt_runc[@]}" list -q; "${pod[@]}" ps -aq)" ]; }
check "no container left (crun, runc, podman)" no_ctr
check "no container process left (conmon, cat)" \
	sh -c "! pgrep -x conmon && ! pgrep -f '^cat /tmp/(hold|go)-'"
mod_free() {
	note "refcnt $(cat /sys/module/fluxcap/refcnt), holders: $(ls /sys/module/fluxcap/holders)"
	[ "$(cat /sys/module/fluxcap/refcnt)" = 0 ] && [ -z "$(ls /sys/module/fluxcap/holders)" ]
}
check "nothing holds fluxcap.ko (refcnt 0, no holders)" mod_free
check "rmmod fluxcap" sh -c "rmmod fluxcap && ! grep -q '^fluxcap ' /proc/modules"
check "insmod fluxcap.ko again" \
	sh -c "insmod '$build/$(uname -r)/fluxcap.ko' && grep -q '^fluxcap ' /proc/modules"

note "containers.sh ran $SECONDS s"
echo "1..$n"
[ "$failed" -eq 0 ]
