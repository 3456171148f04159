#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Rootless containers under `fluxctl run` in ptrace mode, no module (issue
# 14, "Rootless containers without the module"): crun and podman started by
# an unprivileged user (nobody when this runs as root, else the caller) with
# a busybox rootfs made here. A 3600 s sleep in a crun container returns at
# once and `date` inside moves 3600 s (acceptance: under 1 s real, printed);
# a sleep sort inside comes out in order; crun's own seccomp filter stacked
# on ours keeps both working; a detached container (crun or podman) is
# ended with the commands, not waited for; podman's tree (conmon
# daemonised, crun, the container) is followed: its sleep is virtual too.
# Each command is the one Documentation/containers.md shows (Rootless
# containers). TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2

build=build
fluxctl=$PWD/$build/fluxctl
export TZ=UTC LC_ALL=C
. tests/lib/tap.sh
. tests/lib/oci.sh

for c in crun podman conmon setpriv unshare python3; do
	command -v "$c" >/dev/null || {
		echo "not ok 1 - $c is installed (make deps)"
		echo "1..1"
		exit 1
	}
done
[ -x "$fluxctl" ] || { echo "not ok 1 - $fluxctl is built (make)"; echo "1..1"; exit 1; }

# The rootless user: nobody when run as root (setpriv drops to it), the
# caller otherwise. Its files live in $home, which it owns.
home=$tmp/u
mkdir -p "$home"
if [ "$(id -u)" = 0 ]; then
	ruid=65534 rgid=65534
	chmod 711 "$tmp"
	chown "$ruid:$rgid" "$home"
else
	ruid=$(id -u) rgid=$(id -g)
fi

# A host whose cgroup v2 tree (mounted in a hybrid layout under
# /sys/fs/cgroup/unified) has controllers makes every crun command fail
# ("cgroups in hybrid mode not supported"), even with its cgroup manager
# disabled. Such a host gets a private mount namespace whose /sys/fs/cgroup
# is an empty tmpfs; a pure v1 or v2 host runs the commands as they are.
# Only root can make that namespace and still run crun as a plain user
# (unshare -Urm would make crun root in a user namespace, another setup).
hide_cgroups=0
if grep -qs . /sys/fs/cgroup/unified/cgroup.controllers; then
	hide_cgroups=1
	if [ "$(id -u)" != 0 ]; then
		echo "not ok 1 - crun can run here: this host mounts cgroup v2 with controllers" \
			"in a hybrid layout, which crun refuses; run this test as root (it runs" \
			"the containers as nobody in a mount namespace that hides /sys/fs/cgroup)"
		echo "1..1"
		exit 1
	fi
fi

# $as_user CMD...: CMD as the rootless user, HOME and XDG_RUNTIME_DIR in
# $home. A script, not a function, so that timeout(1) can run it.
as_user=$tmp/as_user
mkdir -p "$home/run"
[ "$(id -u)" = 0 ] && chown "$ruid:$rgid" "$home/run"
{
	echo '#!/bin/bash'
	printf 'drop=(); envs=(env HOME=%q XDG_RUNTIME_DIR=%q)\n' "$home" "$home/run"
	[ "$(id -u)" = 0 ] && printf 'drop=(setpriv --reuid=%d --regid=%d --clear-groups)\n' "$ruid" "$rgid"
	if [ "$hide_cgroups" = 1 ]; then
		echo 'exec unshare -m --propagation private sh -c '"'"'mount -t tmpfs none /sys/fs/cgroup && exec "$@"'"'"' sh "${drop[@]}" "${envs[@]}" "$@"'
	else
		echo 'exec "${drop[@]}" "${envs[@]}" "$@"'
	fi
} >"$as_user"
chmod 755 "$as_user"

# rootless_bundle BUNDLE ROOTFS CMD...: oci_bundle run as the user (so from
# `crun spec --rootless`), then made to work without privilege anywhere: its
# uid and gid map to the user's alone (no newuidmap needed), no cgroup
# mount (no cgroup manager either), and any SECCOMP JSON given in $seccomp.
rootless_bundle() {
	local bundle=$1 rootfs=$2
	shift 2
	"$as_user" bash -c '. tests/lib/oci.sh && oci_bundle "$@"' sh "$bundle" "$rootfs" "" "$@" ||
		return 1
	"$as_user" python3 - "$bundle/config.json" "$ruid" "$rgid" "${seccomp:-}" <<'EOF'
import json, sys

path, uid, gid, seccomp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(path) as f:
    spec = json.load(f)
linux = spec["linux"]
linux["uidMappings"] = [{"containerID": 0, "hostID": uid, "size": 1}]
linux["gidMappings"] = [{"containerID": 0, "hostID": gid, "size": 1}]
linux.pop("resources", None)
spec["mounts"] = [m for m in spec["mounts"] if m["destination"] != "/sys/fs/cgroup"]
if seccomp:
    linux["seccomp"] = json.loads(seccomp)
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
EOF
}

# crun_args: the global options a rootless crun needs: a state dir it can
# write, no cgroup manager (an unprivileged user owns no cgroup here).
crun_args=(crun --root "$home/crun" --cgroup-manager=disabled)

rootfs=$home/rootfs
check "busybox rootfs made by the rootless user" "$as_user" bash -c '. tests/lib/oci.sh && oci_rootfs "$@"' sh "$rootfs"
note "user $ruid:$rgid, hide hybrid cgroups: $hide_cgroups"

# --- crun -----------------------------------------------------------------

note "--- crun run, rootless, under fluxctl run (ptrace mode)"
t_control() {
	local a b
	rootless_bundle "$home/b0" "$rootfs" sh -c 'date +%s; sleep 2; date +%s' || return 1
	timed 0 30 "$as_user" "${crun_args[@]}" run -b "$home/b0" fc-c0 || return 1
	a=$(line 1) b=$(line 2)
	expect_range "date span inside the container (s)" "$((b - a))" 2 3 || return 1
	expect_range "real time (s)" "$took" 2 30
}
check "control: without fluxctl, sleep 2 in the container takes 2 s real" t_control

t_crun_sleep() {
	local a b
	rootless_bundle "$home/b1" "$rootfs" sh -c 'date +%s; sleep 3600; date +%s' || return 1
	timed 0 10 "$as_user" "$fluxctl" run -- "${crun_args[@]}" run -b "$home/b1" fc-c1 || return 1
	note "acceptance: rootless crun under fluxctl run returns sleep 3600 in under 1 s (this run: $took s)"
	a=$(line 1) b=$(line 2)
	expect_virtual "date span inside the container (s)" "$((b - a))" 3600
}
check "crun: sleep 3600 returns at once and date moves 3600 s" t_crun_sleep

t_crun_sort() {
	local want
	want=$(seq 1 10)
	rootless_bundle "$home/b2" "$rootfs" sh -c \
		'for i in 7 3 10 1 9 5 2 8 4 6; do (sleep $((i * 60)); echo $i) & done; wait' || return 1
	timed 0 20 "$as_user" "$fluxctl" run -- "${crun_args[@]}" run -b "$home/b2" fc-c2 || return 1
	out_is "$want"
}
check "crun: a sleep sort of 10 processes (1 to 10 minutes) comes out in order" t_crun_sort

# The container's own filter: clock_settime and settimeofday fail with
# ENOSYS (38), which no other layer would answer: its rule is kept, and so
# is our SECCOMP_RET_TRACE for the rest (the kernel takes the strictest).
t_crun_seccomp() {
	local a b
	seccomp='{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
	  "syscalls": [{"names": ["clock_settime", "settimeofday"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}' \
		rootless_bundle "$home/b3" "$rootfs" sh -c \
		'date +%s; sleep 3600; date +%s; date -s @86400 2>&1' || return 1
	timed 0 10 "$as_user" "$fluxctl" run -- "${crun_args[@]}" run -b "$home/b3" fc-c3 || return 1
	a=$(line 1) b=$(line 2)
	expect_virtual "date span inside the container (s)" "$((b - a))" 3600 || return 1
	out_has "can't set date: Function not implemented"
}
check "crun: its own seccomp filter stacked on ours: sleep jumps, its ENOSYS rule holds" t_crun_seccomp

# `crun run -d` exits once the container runs; fluxctl then ends what the
# commands left behind instead of waiting for it.
t_crun_detached() {
	rootless_bundle "$home/b4" "$rootfs" sleep 7207 || return 1
	timed 0 10 "$as_user" "$fluxctl" run -- "${crun_args[@]}" run -d -b "$home/b4" fc-c4 || return 1
	gone "sleep 7207" 5 || return 1
	"$as_user" "${crun_args[@]}" delete -f fc-c4 >/dev/null 2>&1
	true
}
check "crun run -d: fluxctl returns with crun and ends the detached container" t_crun_detached

# A container blocked for good (a FIFO nobody opens): fluxctl waits for
# real events without spinning, and a SIGKILL of fluxctl takes the whole
# tree with it (PTRACE_O_EXITKILL), crun and the container included.
t_crun_kill() {
	local i cpu
	rootless_bundle "$home/b5" "$rootfs" sh -c 'mkfifo /tmp/fc-fifo-7211; cat /tmp/fc-fifo-7211' ||
		return 1
	"$as_user" "$fluxctl" run -- "${crun_args[@]}" run -b "$home/b5" fc-c5 </dev/null >"$tmp/out" 2>"$tmp/err" &
	bg_pid=$!
	bg_pids+=("$bg_pid")
	for ((i = 0; i < 300; i++)); do
		pgrep -f "cat /tmp/fc-fifo-7211" >/dev/null && break
		sleep 0.1
	done
	pgrep -f "cat /tmp/fc-fifo-7211" >/dev/null || { note "the container never blocked"; kill_bg; return 1; }
	sleep 1
	cpu=$(awk '{ print $14 + $15 }' "/proc/$bg_pid/stat")
	sleep 2
	cpu=$(($(awk '{ print $14 + $15 }' "/proc/$bg_pid/stat") - cpu))
	expect_range "fluxctl's CPU ticks in 2 s of waiting" "$cpu" 0 20 || { kill_bg; return 1; }
	kill_bg
	gone "cat /tmp/fc-fifo-7211" 5 && gone "run -b $home/b5" 5
}
check "crun: blocked for good, fluxctl does not spin; SIGKILL of fluxctl ends crun and the container" t_crun_kill

# --- podman -----------------------------------------------------------------

# podman_args: storage and state in $home (vfs needs no fuse-overlayfs), no
# cgroups, events in a file (no journald).
podman_args=(podman --root "$home/pstore" --runroot "$home/prun" --storage-driver vfs
	--cgroup-manager=cgroupfs --events-backend=file)
podman_run=(run --rm --cgroups=disabled --network=none)
prootfs=$home/prootfs
"$as_user" bash -c '. tests/lib/oci.sh && oci_rootfs "$@"' sh "$prootfs"

note "--- podman run --rootfs, rootless, under fluxctl run (ptrace mode)"
# podman's Go timers (many under 100 ms) keep firing while it waits for
# its container: virtual time passes from one to the next (10 to 60 times
# real time on a loaded host, 2 to 5 under emulation), not in one jump. A
# real sleep of 120 s would break the 100 s bound.
t_podman_sleep() {
	local a b case_timeout=150
	timed 0 100 "$as_user" "$fluxctl" run -- "${podman_args[@]}" "${podman_run[@]}" --rootfs "$prootfs" \
		sh -c 'date +%s; sleep 120; date +%s' || return 1
	a=$(line 1) b=$(line 2)
	expect_virtual "date span inside the container (s)" "$((b - a))" 120 || return 1
	note "rate: 120 s of virtual time in $took s real"
}
check "podman: sleep 120 in the container is virtual (conmon and crun followed)" t_podman_sleep

# 10 s apart: while podman works the clock runs at the real rate, and the
# forks of the loop take that real time (over 1 s under emulation).
# 100 s of podman: 2 to 6 s here, over 60 s under emulation.
t_podman_sort() {
	local case_timeout=150
	timed 0 120 "$as_user" "$fluxctl" run -- "${podman_args[@]}" "${podman_run[@]}" --rootfs "$prootfs" \
		sh -c 'for i in 7 3 10 1 9 5 2 8 4 6; do (sleep $((i * 10)); echo $i) & done; wait' || return 1
	out_is "$(seq 1 10)"
}
check "podman: a sleep sort of 10 processes (10 to 100 s) comes out in order" t_podman_sort

# `podman run -d` returns once conmon runs the container; fluxctl then
# ends conmon and the container (they carry $home in their command lines,
# or the marker sleep).
t_podman_detached() {
	timed 0 60 "$as_user" "$fluxctl" run -- "${podman_args[@]}" run -d --cgroups=disabled --network=none \
		--rootfs "$prootfs" sleep 7209 || return 1
	out_has '^[0-9a-f]{64}$' || return 1
	gone "sleep 7209" 5 && gone "conmon.*$home" 5
}
check "podman run -d: fluxctl returns with podman and ends conmon and the container" t_podman_detached

# Nothing the runs started outlives them: podman's pause process
# (catatonit, which holds its user namespace), conmon and the containers
# all carry HOME=$home in their environment.
t_nothing_left() {
	local p left=''
	for p in $(pgrep -u "$ruid"); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "HOME=$home" && left+=" $p"
	done
	[ -z "$left" ] && return 0
	note "left behind:$left"
	ps -o pid,args -p "${left# }" | sed 's/^/#   /'
	return 1
}
check "no process of the runs is left (pause process, conmon, containers)" t_nothing_left

echo "1..$n"
[ "$failed" -eq 0 ]
