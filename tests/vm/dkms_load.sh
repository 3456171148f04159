#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, booted without fluxcap.ko: installs the module dkms built
# from a `make install` tree (tests/host/dkms.sh), loads it as a user would
# (modprobe, and the modules-load.d line), runs the installed fluxctl
# against it, then removes it with dkms. TAP.
# usage: dkms_load.sh DKMS-TREE DESTDIR VERSION
set -uo pipefail
tree=$1 dest=$2 version=$3
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
kver=$(uname -r)
fluxctl=$dest/usr/bin/fluxctl
dkms_args=(--dkmstree "$tree" --sourcetree "$dest/usr/src" -m fluxcap -v "$version" -k "$kver")

echo "# kernel $kver, fluxcap $version"
grep -q '^fluxcap ' /proc/modules && { echo "Bail out! fluxcap.ko already loaded"; exit 1; }
# One installed on the host (whose root the guest sees) would be taken
# instead of ours, or stop dkms install from replacing it.
stale=$(modinfo -n fluxcap 2>/dev/null)
[ -n "$stale" ] && echo "Bail out! a fluxcap.ko is installed for $kver already: $stale (dkms remove it on the host)" && exit 1
# Built on the host: dkms install would otherwise build it here, for minutes.
ls "$tree/fluxcap/$version/$kver/"*/module/fluxcap.ko* >/dev/null 2>&1 ||
	{ echo "Bail out! dkms did not build fluxcap $version for $kver"; exit 1; }

logged "dkms install $version for $kver" dkms install "${dkms_args[@]}"

t_depmod() {
	local file ver
	file=$(modinfo -n fluxcap) && ver=$(modinfo -F version fluxcap) || return 1
	echo "$file: $ver"
	[[ $file == /lib/modules/$kver/updates/dkms/fluxcap.ko* ]] && [ "$ver" = "$version" ]
}
logged "modinfo finds it in updates/dkms, version $version" t_depmod

logged "modprobe fluxcap loads it" eval 'modprobe fluxcap && grep -q "^fluxcap " /proc/modules'

t_versions() {
	local out
	out=$("$fluxctl" version -j) || return 1
	echo "$out"
	grep -q '"versions_match": *true' <<<"$out"
}
logged "the installed fluxctl and the DKMS module agree on the version" t_versions

t_sleep() {
	local out start=$SECONDS
	out=$("$fluxctl" run --mode kernel -- \
		bash -c 'a=$(date +%s); sleep 3600; b=$(date +%s); echo $((b - a))') || return 1
	echo "date moved $out s in $((SECONDS - start)) s"
	[ "$out" -ge 3600 ] && [ "$out" -le 3602 ] && [ $((SECONDS - start)) -lt 60 ]
}
logged "kernel mode on the DKMS module: sleep 3600 at once, date moves an hour" t_sleep

t_group() {
	"$fluxctl" create dkmsgroup &&
		"$fluxctl" list | grep -qw dkmsgroup &&
		"$fluxctl" set dkmsgroup advance 10s &&
		"$fluxctl" show dkmsgroup &&
		"$fluxctl" delete dkmsgroup &&
		! "$fluxctl" list | grep -qw dkmsgroup
}
logged "a group: create, list, set advance, show, delete" t_group

# What systemd-modules-load does with the file make install-autoload writes.
t_autoload() {
	local conf=$dest/etc/modules-load.d/fluxcap.conf mod
	modprobe -r fluxcap || return 1
	grep -q '^fluxcap ' /proc/modules && return 1
	while read -r mod; do
		case $mod in '' | '#'*) continue ;; esac
		modprobe "$mod" || return 1
	done <"$conf"
	grep -q '^fluxcap ' /proc/modules
}
logged "the modules-load.d line loads it again" t_autoload

t_remove() {
	modprobe -r fluxcap && dkms remove "${dkms_args[@]}" || return 1
	! ls "/lib/modules/$kver/updates/dkms/fluxcap.ko"* 2>/dev/null && ! modinfo fluxcap
}
logged "modprobe -r, then dkms remove: the module is gone" t_remove

echo "1..$n"
[ "$failed" -eq 0 ]
