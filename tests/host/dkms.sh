#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The module as users get it: `make install` puts its source in
# /usr/src/fluxcap-VERSION (here under a DESTDIR); dkms builds that tree
# against each Debian kernel's headers (the headers the guest sees are the
# host's own), and in a guest booted without fluxcap.ko, dkms installs it,
# modprobe loads it, the installed fluxctl uses it and dkms removes it
# (tests/vm/dkms_load.sh). Needs root (dkms) and what make deps installs.
# TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
build=${FLUXCAP_BUILD:-build}
. tests/lib/tap.sh
mkdir -p "$build/tmp"
# Under build/, which the guest sees (its /tmp is its own tmpfs).
work=$(mktemp -d "$(realpath "$build/tmp")/dkms.XXXXXX")
trap 'tap_cleanup; rm -rf "$work"' EXIT

version=$(scripts/version.sh)
dest=$work/root
mkdir -p "$work/dkms"

if [ "$(id -u)" -ne 0 ] || ! command -v dkms >/dev/null; then
	logged "root and dkms (make check runs as root; make deps installs dkms)" false
	echo "1..$n"
	exit 1
fi

logged "make install DESTDIR=... PREFIX=/usr, with install-autoload" \
	eval 'make -s install DESTDIR="$dest" PREFIX=/usr && make -s install-autoload DESTDIR="$dest"'

# Each kernel the VM suite boots whose headers this machine has (dkms
# builds against /lib/modules/K/build): those with a fluxcap.ko built by
# make, but the trixie build root's (7.x), which only a chroot builds for.
kernels=()
for ko in "$build"/*/fluxcap.ko; do
	k=$(basename "$(dirname "$ko")")
	[ -f "$ko" ] && [ -d "/lib/modules/$k/build" ] && kernels+=("$k")
done
[ "${#kernels[@]}" -gt 0 ] || logged "a kernel to build for (make all)" false

# dkms builds for every kernel (about 12 s each); the guest part, where
# dkms install and remove each run depmod over the whole module tree (70 s
# on 6.1, 140 s on 6.12 under TCG), on the oldest only, unless
# FLUXCAP_DKMS_VM=all.
for k in "${kernels[@]}"; do
	logged "dkms build of the installed tree for $k" \
		dkms build --dkmstree "$work/dkms" --sourcetree "$dest/usr/src" \
		-m fluxcap -v "$version" -k "$k"
done
vm_kernels=("${kernels[@]:0:1}")
[ "${FLUXCAP_DKMS_VM:-}" = all ] && vm_kernels=("${kernels[@]}")
for k in "${vm_kernels[@]}"; do
	# The guest's own TAP lines, each one of ours.
	start=$SECONDS
	# --share: dkms install writes into the tree, even when build/ is
	# read-only in the guest (a checkout under /tmp).
	tests/vm/run --kernel "$k" --no-module --timeout 400 --share "$work" -- \
		bash tests/vm/dkms_load.sh "$work/dkms" "$dest" "$version" >"$work/guest" 2>&1
	rc=$?
	echo "# guest on $k: exit $rc in $((SECONDS - start)) s"
	cases=0
	while IFS= read -r line; do
		case $line in
		"ok "*) n=$((n + 1)) cases=$((cases + 1)); echo "ok $n - $k: ${line#ok * - }" ;;
		"not ok "*)
			n=$((n + 1)) cases=$((cases + 1)) failed=$((failed + 1))
			echo "not ok $n - $k: ${line#not ok * - }"
			;;
		*) echo "# $line" ;;
		esac
	done <"$work/guest"
	[ "$cases" -gt 0 ] || logged "the guest on $k ran its cases" false
	[ "$rc" -eq 0 ] || logged "the guest on $k exited 0 (it exited $rc)" false
done

echo "1..$n"
[ "$failed" -eq 0 ]
