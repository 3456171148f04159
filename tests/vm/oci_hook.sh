#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The OCI hook (fluxctl oci-hook) in the VM, with crun and podman on a
# busybox rootfs made here (tests/lib/oci.sh; no image, no registry):
# crun with the hook in config.json's "hooks" (createRuntime, poststop)
# and the annotation in config.json: the first container creates the group
# and moves into <cgroup2>/fluxcap/G/ID, its sleep 3600 returns at once and
# date moves 3600 s; a second joins the same group; a third whose
# cgroupsPath is under the group stays in its own cgroup; poststop removes
# the per-container cgroups and keeps the group; io.fluxcap.transient=true
# adopts the container's cgroup and deletes the group at poststop. Then
# the hook by hand: annotations from config.json, a group it must not
# move into. Then podman with --hooks-dir and the hooks.d file of
# packaging/ (as Documentation/containers.md runs it). TAP. Needs
# about 100 s per kernel under TCG; give it 240.
#   tests/vm/run --kernel 6.12.95+deb12-amd64 -- bash tests/vm/oci_hook.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/oci.sh

build=$(cd "${FLUXCAP_BUILD:-build}" && pwd)
fluxctl=$build/fluxctl
cgroot=/sys/fs/cgroup
g=oh-$$		# the shared group (crun)
gt=oht-$$	# a transient one (crun)
gp=web		# podman's (the documented name)
rootfs=$tmp/rootfs
ctrs=()		# crun containers to delete at the end
pods=()		# podman containers

# podman, with its storage in $tmp and the build's hook: the documented
# commands run as written after these options, which keep this test off
# the host's storage and stand in for an installed hooks.d/fluxcap.json.
podman() {
	timeout -k 5 120 podman --root "$tmp/proot" --runroot "$tmp/prun" --storage-driver vfs \
		--events-backend=file --cgroup-manager=cgroupfs --hooks-dir "$hooks" "$@"
}

oci_cleanup() {
	local c
	for c in "${ctrs[@]}"; do crun delete -f "$c" >/dev/null 2>&1; done
	for c in "${pods[@]}"; do podman rm -f "$c" >/dev/null 2>&1; done
	rmdir "$cgroot/fluxcap/$gp/conmon" 2>/dev/null
	for c in "$g" "$gt" "$gp" "$g-x" ci; do "$fluxctl" delete "$c" >/dev/null 2>&1; done
	rmdir "$cgroot/oh-$$"* 2>/dev/null
	tap_cleanup
}
trap oci_cleanup EXIT

# cg_of PID: its cgroup v2 path.
cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
# field GROUP KEY: a number from fluxctl show -j.
field() { "$fluxctl" show -j "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }
# until_true SECONDS CMD...: CMD succeeds within SECONDS.
until_true() {
	local end=$((SECONDS + $1))
	while [ "$SECONDS" -le "$end" ]; do
		"${@:2}" && return 0
		sleep 0.2
	done
	return 1
}
lines_in() { [ "$(wc -l <"$1" 2>/dev/null)" -ge "$2" ]; }

# ctr_bundle NAME CGROUPS_PATH [ANNOTATION=VALUE]...: bundle $tmp/NAME whose
# process prints date +%s, sleeps 3600 s, prints date +%s again, then waits
# on the FIFO /tmp/go-NAME of the rootfs (no timeout: the group stays
# quiet until the test writes to it). The hook runs at createRuntime and
# poststop.
ctr_bundle() {
	local name=$1 cgpath=$2
	shift 2
	mkfifo "$rootfs/tmp/go-$name" || return 1
	oci_bundle "$tmp/$name" "$rootfs" "$cgpath" \
		sh -c "date +%s; sleep 3600; date +%s; read -r x </tmp/go-$name" || return 1
	python3 - "$tmp/$name/config.json" "$fluxctl" "$@" <<'EOF'
import json, sys

path, fluxctl, anns = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(path) as f:
    spec = json.load(f)
spec["annotations"] = dict(a.split("=", 1) for a in anns)
hook = {"path": fluxctl, "args": ["fluxctl", "oci-hook"], "timeout": 30}
spec["hooks"] = {"createRuntime": [hook], "poststop": [hook]}
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
EOF
}

# ctr_start NAME: crun run --detach; output in $tmp/NAME.out.
declare -A started
ctr_start() {
	ctrs+=("$1")
	started[$1]=$(now)
	timeout 60 crun run -d -b "$tmp/$1" "$1" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null
}
ctr_pid() { crun state "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])'; }
# ctr_span NAME: once both dates are printed, span is how far apart they
# are, and took the real time since NAME was started (for expect_virtual).
ctr_span() {
	until_true 60 lines_in "$tmp/$1.out" 2 || { note "$1 printed: $(cat "$tmp/$1.out")"; return 1; }
	span=$(($(sed -n 2p "$tmp/$1.out") - $(sed -n 1p "$tmp/$1.out")))
	took=$(minus "$(now)" "${started[$1]}")
	note "$1: $span s by date, $took s real since crun run"
}
# ctr_finish NAME: let it exit, then crun delete (the poststop hook).
ctr_finish() {
	timeout 10 sh -c "echo go >'$rootfs/tmp/go-$1'" || return 1
	until_true 30 sh -c "crun state '$1' | grep -q '\"stopped\"'" || return 1
	crun delete "$1"
}

# hook STATE-JSON: fluxctl oci-hook by hand; stdout/stderr in $tmp/out, $tmp/err.
hook() {
	rc=0
	printf '%s' "$1" | timeout 30 "$fluxctl" oci-hook >"$tmp/out" 2>"$tmp/err" || rc=$?
}

oci_rootfs "$rootfs" || { echo "1..0 # no rootfs"; exit 1; }
note "crun $(crun --version | head -1), $(command podman --version)"

# --- crun: the group made by the first container, joined by a second -----------

t0=$(now)
check "crun: a bundle with the hook and io.fluxcap.group=$g in config.json starts" eval '
	ctr_bundle A "/oh-$$-A" "io.fluxcap.group=$g" && ctr_start A || { cat "$tmp/A.err"; false; }'
pid_a=$(ctr_pid A 2>/dev/null)
note "container A is pid $pid_a, started in $(minus "$(now)" "$t0") s"
check "the hook created group $g on $cgroot/fluxcap/$g (owns-cgroup)" eval '
	"$fluxctl" show "$g" >"$tmp/out" && out_has "owns-cgroup" && out_has "/fluxcap/$g\$"'
check "A's process moved to /fluxcap/$g/A; crun's /oh-$$-A is empty" eval '
	[ "$(cg_of "$pid_a")" = "/fluxcap/$g/A" ] && [ -e "$cgroot/oh-$$-A/cgroup.procs" ] && [ -z "$(cat "$cgroot/oh-$$-A/cgroup.procs")" ]'
check "A: sleep 3600 returns at once, date moves 3600 s" eval '
	ctr_span A && expect_virtual "A: span" "$span" 3600 && in_range "$took" 0 30'
check "show -j $g: A is a member while it waits" eval '
	m=$(field "$g" members) && note "members $m" && [ "$m" -ge 1 ]'

check "crun: a second container B with the same annotation starts" eval '
	ctr_bundle B "/oh-$$-B" "io.fluxcap.group=$g" && ctr_start B || { cat "$tmp/B.err"; false; }'
check "B joined: its process is in /fluxcap/$g/B" eval 'pid_b=$(ctr_pid B) && [ "$(cg_of "$pid_b")" = "/fluxcap/$g/B" ]'
check "B: sleep 3600 returns at once, date moves 3600 s" eval '
	ctr_span B && expect_virtual "B: span" "$span" 3600'
check "show -j $g: A and B are members" eval '
	m=$(field "$g" members) && note "members $m" && [ "$m" -ge 2 ]'

# A cgroupsPath under the group's cgroup: already a member, nothing moves.
check "crun: C with cgroupsPath /fluxcap/$g/inner starts" eval '
	ctr_bundle C "/fluxcap/$g/inner" "io.fluxcap.group=$g" && ctr_start C || { cat "$tmp/C.err"; false; }'
check "C stays in crun's own cgroup /fluxcap/$g/inner, a member" eval '
	pid_c=$(ctr_pid C) && [ "$(cg_of "$pid_c")" = "/fluxcap/$g/inner" ] && [ ! -e "$cgroot/fluxcap/$g/C" ] &&
	ctr_span C && expect_virtual "C: span" "$span" 3600'

check "A, B, C exit; crun delete runs poststop: /fluxcap/$g/A and B are gone" eval '
	ctr_finish A && ctr_finish B && ctr_finish C &&
	[ ! -e "$cgroot/fluxcap/$g/A" ] && [ ! -e "$cgroot/fluxcap/$g/B" ]'
check "without io.fluxcap.transient the group stays, with no member" eval '
	"$fluxctl" show "$g" >/dev/null && [ "$(field "$g" members)" = 0 ]'

# --- crun: transient ----------------------------------------------------------

check "crun: T with io.fluxcap.transient=true starts" eval '
	ctr_bundle T "/oh-$$-T" "io.fluxcap.group=$gt" io.fluxcap.transient=true &&
	ctr_start T || { cat "$tmp/T.err"; false; }'
check "transient: group $gt adopted T's own cgroup /oh-$$-T; nothing moved" eval '
	pid_tr=$(ctr_pid T) && "$fluxctl" show "$gt" >"$tmp/out" && out_has "/oh-$$-T\$" && ! out_has owns-cgroup &&
	[ "$(cg_of "$pid_tr")" = "/oh-$$-T" ] && ctr_span T && expect_virtual "T: span" "$span" 3600'
check "transient: T exits, crun delete: the group is deleted" eval '
	ctr_finish T && ! "$fluxctl" show "$gt" >/dev/null 2>&1'

# --- the hook by hand ---------------------------------------------------------

# A state without annotations: they come from the bundle's config.json.
mkdir -p "$tmp/manual"
echo "{\"annotations\":{\"io.fluxcap.group\":\"$g\"}}" >"$tmp/manual/config.json"
sleep 1000 &
sl=$!
bg_pids+=("$sl")
check "by hand: annotations from config.json; the process moves to /fluxcap/$g/manual" eval '
	hook "{\"id\":\"manual\",\"pid\":$sl,\"status\":\"created\",\"bundle\":\"$tmp/manual\"}" &&
	[ "$rc" = 0 ] && [ "$(cg_of "$sl")" = "/fluxcap/$g/manual" ]'
check "by hand: poststop kills what is left there and removes the cgroup" eval '
	hook "{\"id\":\"manual\",\"pid\":0,\"status\":\"stopped\",\"bundle\":\"$tmp/manual\"}" &&
	[ "$rc" = 0 ] && wait_exit "$sl" 5 2>/dev/null && [ ! -e "$cgroot/fluxcap/$g/manual" ]'
mkdir "$cgroot/oh-$$-x"
sleep 1000 &
sl=$!
bg_pids+=("$sl")
check "by hand: a group bound to another cgroup is not moved into (exit 1, says why)" eval '
	"$fluxctl" create "$g-x" --cgroup "/oh-$$-x" &&
	hook "{\"id\":\"y\",\"pid\":$sl,\"status\":\"creating\",\"annotations\":{\"io.fluxcap.group\":\"$g-x\"}}" &&
	[ "$rc" = 1 ] && err_has "not fluxctl.s to move containers into" &&
	[ "$(cg_of "$sl")" != "/oh-$$-x/y" ] && "$fluxctl" delete "$g-x"'
kill "$sl" 2>/dev/null
check "crun: a container the hook refuses does not start (crun run fails: error executing hook)" eval '
	"$fluxctl" create "$g-x" --cgroup "/oh-$$-x" && ctr_bundle X "/oh-$$-X" "io.fluxcap.group=$g-x" &&
	! ctr_start X && note "crun: $(cat "$tmp/X.err")" && grep -q "error executing hook" "$tmp/X.err" &&
	! crun state X 2>/dev/null | grep -q running && "$fluxctl" delete "$g-x"'
check "by hand: status running is bad input (exit 2)" eval '
	hook "{\"id\":\"z\",\"pid\":1,\"status\":\"running\",\"annotations\":{\"io.fluxcap.group\":\"$g\"}}" &&
	[ "$rc" = 2 ] && err_has "createRuntime or prestart"'
check "fluxctl delete $g (the documented clean-up)" "$fluxctl" delete "$g"

# --- podman, as Documentation/containers.md runs it ------------------------

# podman keeps its locks in /dev/shm, which the guest lacks.
mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm; }
hooks=$tmp/hooks.d
mkdir -p "$hooks"
sed "s,@BINDIR@,$build," packaging/oci-hooks.d.json.in >"$hooks/fluxcap.json"
mkfifo "$rootfs/tmp/go-p"
t1=$(now)
check "podman run -d --hooks-dir --annotation io.fluxcap.group=$gp starts" eval '
	pods+=(p1) &&
	podman run -d --name p1 --annotation io.fluxcap.group=web \
		--network=none --rootfs "$rootfs" \
		sh -c "date +%s; sleep 3600; date +%s; read -r x </tmp/go-p" >"$tmp/out" 2>"$tmp/err"'
note "podman run -d took $(minus "$(now)" "$t1") s"
check "podman: the container's process is in group $gp (/fluxcap/$gp/<id>)" eval '
	pid_p=$(podman inspect -f "{{.State.Pid}}" p1) && note "pid $pid_p in $(cg_of "$pid_p")" && [[ "$(cg_of "$pid_p")" == /fluxcap/$gp/* ]] &&
	[ "$(field "$gp" members)" -ge 1 ]'
p1_dates() { [ "$(podman logs p1 2>/dev/null | wc -l)" -ge 2 ]; }
check "podman: sleep 3600 returned at once, date moved 3600 s" eval '
	until_true 60 p1_dates &&
	span=$(podman logs p1 | awk "NR == 1 { a = \$1 } NR == 2 { print \$1 - a }") &&
	took=$(minus "$(now)" "$t1") && note "span $span s, $took s real" && expect_virtual "podman: span" "$span" 3600'
check "podman: the container exits and is removed; its cgroup in the group is gone" eval '
	timeout 10 sh -c "echo go >\"$rootfs/tmp/go-p\"" && podman wait p1 >/dev/null &&
	podman rm p1 >/dev/null && [ -z "$(ls -d "$cgroot/fluxcap/$gp"/*/ 2>/dev/null)" ]'

# Documentation/containers.md, command for command ($rootfs: the
# busybox root made above; with an image, its name goes there instead).
t1=$(now)
check "doc: podman run --rm --annotation io.fluxcap.group=web ...: date moves 3600 s" eval '
	podman run --rm --annotation io.fluxcap.group=web --network=none --rootfs "$rootfs" \
		sh -c "date +%s; sleep 3600; date +%s" >"$tmp/out" 2>"$tmp/err" &&
	span=$(($(line 2) - $(line 1))) && took=$(minus "$(now)" "$t1") &&
	expect_virtual "web: span" "$span" 3600'
check "doc: fluxctl show web: the group stays, its jumps counted" eval '
	"$fluxctl" show web >"$tmp/out" && out_has "jumps: +([2-9]|[1-9][0-9]+)$"'
t1=$(now)
check "doc: ... --annotation io.fluxcap.transient=true: date moves 3600 s, the group goes with it" eval '
	podman run --rm --annotation io.fluxcap.group=ci --annotation io.fluxcap.transient=true \
		--network=none --rootfs "$rootfs" \
		sh -c "date +%s; sleep 3600; date +%s" >"$tmp/out" 2>"$tmp/err" &&
	span=$(($(line 2) - $(line 1))) && took=$(minus "$(now)" "$t1") &&
	expect_virtual "transient: span" "$span" 3600 && ! "$fluxctl" show ci >/dev/null 2>&1'
t1=$(now)
check "doc: --cgroup-parent=/fluxcap/web: the container's own cgroup is in the group" eval '
	podman run --rm --cgroup-parent=/fluxcap/web --annotation io.fluxcap.group=web \
		--network=none --rootfs "$rootfs" \
		sh -c "date +%s; sleep 3600; date +%s; cat /proc/self/cgroup" >"$tmp/out" 2>"$tmp/err" &&
	span=$(($(line 2) - $(line 1))) && took=$(minus "$(now)" "$t1") &&
	expect_virtual "cgroup-parent: span" "$span" 3600 && out_has "^0::/\$"'
# podman puts conmon in <cgroup parent>/conmon, which stays behind, empty:
# delete removes it with the group's cgroup.
check "doc: fluxctl delete web (podman's empty conmon cgroup goes too)" eval '
	note "left: $(cd "$cgroot/fluxcap/web" && ls -d -- */)" &&
	[ -d "$cgroot/fluxcap/web/conmon" ] && "$fluxctl" delete web &&
	[ ! -e "$cgroot/fluxcap/web" ]'

# Nothing of this test may hold the module after it (the suite unloads it).
check "no group of this test is left (the module can unload)" eval '
	"$fluxctl" list -q >"$tmp/out" && ! grep -Eqx "($g|$gt|$g-x|web|ci)" "$tmp/out"'

echo "1..$n"
[ "$failed" -eq 0 ]
