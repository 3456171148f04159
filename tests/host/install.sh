#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall into a DESTDIR: the tree is exactly what the
# README promises, the installed fluxctl finds the installed preload and
# runs, the DKMS tree holds what Kbuild compiles, and uninstall leaves no
# file behind. TAP. (tests/host/dkms.sh builds and loads that tree.)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh

version=$(scripts/version.sh)
triplet=$(${CC:-cc} -print-multiarch)
dest=$tmp/root
src=usr/src/fluxcap-$version
echo "# version $version, multiarch $triplet"

# What make install must put under DESTDIR with PREFIX=/usr, one per line.
expected_tree() {
	printf '%s\n' usr/bin/fluxctl usr/bin/fluxcapacitor \
		"usr/lib/$triplet/libfluxcap-preload.so" \
		usr/share/man/man8/fluxctl.8 usr/share/man/man1/fluxcapacitor.1 \
		usr/share/man/man7/fluxcap.7 \
		usr/share/bash-completion/completions/fluxctl \
		usr/share/bash-completion/completions/fluxcapacitor \
		usr/share/containers/oci/hooks.d/fluxcap.json \
		"$src/dkms.conf"
	git ls-files Kbuild 'module/*.[ch]' 'core/*.[ch]' include/uapi/linux/fluxcap.h |
		sed "s,^,$src/,"
}

installed_tree() { (cd "$dest" && find . ! -type d | sed 's,^\./,,'); }

t_install() {
	make -s install DESTDIR="$dest" PREFIX=/usr || return 1
	diff <(expected_tree | sort) <(installed_tree | sort)
}
logged "make install DESTDIR=... PREFIX=/usr installs exactly the expected files" t_install

t_modes() {
	local f
	for f in usr/bin/fluxctl usr/bin/fluxcapacitor; do
		[ "$(stat -c %a "$dest/$f")" = 755 ] || { echo "$f not 0755"; return 1; }
	done
	for f in "usr/lib/$triplet/libfluxcap-preload.so" usr/share/man/man8/fluxctl.8 "$src/dkms.conf" \
		usr/share/containers/oci/hooks.d/fluxcap.json; do
		[ "$(stat -c %a "$dest/$f")" = 644 ] || { echo "$f not 0644"; return 1; }
	done
	[ "$(readlink "$dest/usr/share/bash-completion/completions/fluxcapacitor")" = fluxctl ]
}
logged "binaries 0755, data 0644, fluxcapacitor's completion links to fluxctl's" t_modes

# hook_conf FILE: "PATH ARGS | STAGES | ANNOTATION-KEY=VALUE" of an OCI
# hooks.d file, which must be version 1.0.0 JSON.
hook_conf() {
	python3 - "$1" <<'EOF'
import json, sys

c = json.load(open(sys.argv[1]))
assert c["version"] == "1.0.0", c["version"]
h, w = c["hook"], c["when"]
print(h["path"], " ".join(h["args"]), "|", " ".join(c["stages"]), "|",
      " ".join(k + "=" + v for k, v in w["annotations"].items()))
EOF
}
t_oci_hook_conf() {
	local out
	out=$(hook_conf "$dest/usr/share/containers/oci/hooks.d/fluxcap.json") || return 1
	echo "$out"
	[ "$out" = '/usr/bin/fluxctl fluxctl oci-hook | createRuntime poststop | ^io\.fluxcap\.group$=.+' ]
}
logged "hooks.d/fluxcap.json (OCI hooks 1.0.0): /usr/bin/fluxctl oci-hook at createRuntime and poststop, when io.fluxcap.group is set" t_oci_hook_conf

t_files_match() {
	cmp build/fluxctl "$dest/usr/bin/fluxctl" &&
		cmp build/libfluxcap-preload.so "$dest/usr/lib/$triplet/libfluxcap-preload.so" &&
		cmp module/group.c "$dest/$src/module/group.c"
}
logged "the installed files are the built ones" t_files_match

# The installed fluxctl finds the preload in ../lib/<triplet>/, not in build/.
t_preload_found() {
	local out
	out=$(env -u FLUXCAP_PRELOAD "$dest/usr/bin/fluxctl" run --mode ptrace -- \
		sh -c 'echo "$LD_PRELOAD"') || return 1
	echo "LD_PRELOAD=$out"
	[ "$out" = "$(realpath "$dest/usr/lib/$triplet/libfluxcap-preload.so")" ]
}
logged "installed fluxctl injects the installed preload" t_preload_found

# The order: --libpath, else $FLUXCAP_PRELOAD, else beside the program.
preload_of() { # preload_of ENV-ASSIGNMENT FLUXCTL-ARGS...: the LD_PRELOAD it sets
	env "$1" "$dest/usr/bin/fluxctl" run --mode ptrace "${@:2}" -- sh -c 'echo "$LD_PRELOAD"'
}
t_preload_order() {
	local lib=$dest/usr/lib/$triplet out
	out=$(preload_of FLUXCAP_PRELOAD=/nonexistent.so --libpath "$lib") || return 1
	echo "--libpath over a bad FLUXCAP_PRELOAD: $out"
	[ "$out" = "$(realpath "$lib/libfluxcap-preload.so")" ] || return 1
	out=$(preload_of FLUXCAP_PRELOAD="$PWD/build/libfluxcap-preload.so") || return 1
	echo "FLUXCAP_PRELOAD over the installed one: $out"
	[ "$out" = "$(realpath build/libfluxcap-preload.so)" ]
}
logged "--libpath wins over \$FLUXCAP_PRELOAD, which wins over ../lib/<triplet>/" t_preload_order

t_installed_runs() {
	local out start=$SECONDS
	out=$(env -u FLUXCAP_PRELOAD "$dest/usr/bin/fluxctl" run --mode ptrace -- \
		bash -c 'a=$(date +%s); sleep 3600; b=$(date +%s); echo $((b - a))') || return 1
	echo "date moved $out s in $((SECONDS - start)) s"
	[ "$out" -ge 3600 ] && [ "$out" -le 3602 ] && [ $((SECONDS - start)) -lt 60 ]
}
logged "installed fluxctl: sleep 3600 at once, date moves an hour" t_installed_runs

t_fluxcapacitor_runs() {
	env -u FLUXCAP_PRELOAD "$dest/usr/bin/fluxcapacitor" -- sleep 1000
}
logged "installed fluxcapacitor runs sleep 1000" t_fluxcapacitor_runs

t_version() {
	local out
	out=$("$dest/usr/bin/fluxctl" version 2>/dev/null)
	echo "$out"
	grep -qF "$version" <<<"$out"
}
logged "installed fluxctl version says $version" t_version

# dkms sources dkms.conf as shell with these set.
t_dkms_conf() {
	(
		# shellcheck disable=SC2034 # read by dkms.conf
		kernel_source_dir=/k dkms_tree=/t
		# shellcheck disable=SC1090
		. "$dest/$src/dkms.conf"
		echo "$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]} ${MAKE[0]}"
		[ "$PACKAGE_NAME" = fluxcap ] && [ "$PACKAGE_VERSION" = "$version" ] &&
			[ "${BUILT_MODULE_NAME[0]}" = fluxcap ] && [ "$AUTOINSTALL" = yes ] &&
			[ "${MAKE[0]}" = "make -C /k M=/t/fluxcap/$version/build FLUXCAP_VERSION=$version modules" ]
	)
}
logged "dkms.conf names fluxcap $version and the kbuild command" t_dkms_conf

# The kernels dkms.conf accepts: the tested 6.1 to 6.12, not 5.x, 6.0 or
# newer ones, whose build could fail their installation.
t_dkms_kernels() {
	local re k
	re=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' "$dest/$src/dkms.conf")
	[ -n "$re" ] || return 1
	for k in 6.1.0-57-amd64 6.12.95+deb12-amd64 6.5.0 6.10.3; do
		grep -Eq "$re" <<<"$k" || { echo "refuses $k"; return 1; }
	done
	for k in 5.10.0-30-amd64 6.0.12 4.19.0 6.13.1 6.19.1 7.0.0-1-amd64 16.1.0; do
		grep -Eq "$re" <<<"$k" && { echo "accepts $k"; return 1; }
	done
	return 0
}
logged "dkms.conf builds for 6.1 to 6.12 only" t_dkms_kernels

t_autoload() {
	make -s install-autoload DESTDIR="$dest" &&
		[ "$(grep -v '^#' "$dest/etc/modules-load.d/fluxcap.conf")" = fluxcap ] &&
		make -s uninstall-autoload DESTDIR="$dest" &&
		[ ! -e "$dest/etc/modules-load.d/fluxcap.conf" ]
}
logged "install-autoload writes modules-load.d/fluxcap.conf, uninstall-autoload removes it" t_autoload

# An upgrade leaves the old version's DKMS tree; uninstall takes every
# fluxcap tree, and nothing that only looks like one.
t_uninstall() {
	mkdir -p "$dest/usr/src/fluxcap-0.0.1" "$dest/usr/src/fluxcap-extras-1.0"
	echo 'PACKAGE_NAME="fluxcap"' >"$dest/usr/src/fluxcap-0.0.1/dkms.conf"
	echo 'PACKAGE_NAME="fluxcap-extras"' >"$dest/usr/src/fluxcap-extras-1.0/dkms.conf"
	make -s install-autoload DESTDIR="$dest" || return 1
	make -s uninstall DESTDIR="$dest" PREFIX=/usr || return 1
	rm -r "$dest/usr/src/fluxcap-extras-1.0" || return 1
	[ -z "$(installed_tree)" ]
}
logged "make uninstall removes every file, old DKMS trees too, and no other package's" t_uninstall

t_default_prefix() {
	rm -rf "$dest" && make -s install DESTDIR="$dest" || return 1
	[ -x "$dest/usr/local/bin/fluxctl" ] &&
		[ -f "$dest/usr/local/lib/$triplet/libfluxcap-preload.so" ] &&
		[ -f "$dest/usr/local/share/man/man7/fluxcap.7" ] &&
		[ -f "$dest/$src/dkms.conf" ] &&
		hook_conf "$dest/usr/share/containers/oci/hooks.d/fluxcap.json" |
		grep -q '^/usr/local/bin/fluxctl fluxctl oci-hook |' &&
		make -s uninstall DESTDIR="$dest" && [ -z "$(installed_tree)" ]
}
logged "the default PREFIX is /usr/local (DKMS source in /usr/src, the hook's file in /usr/share/containers naming /usr/local/bin/fluxctl)" t_default_prefix

echo "1..$n"
[ "$failed" -eq 0 ]
