#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb` (scripts/deb.sh, packaging/debian/): it builds fluxcap and
# fluxcap-dkms without writing into the checkout, the packages hold what
# `make install` installs, with the right fields and dkms maintainer
# scripts, lintian finds no error or warning, and fluxctl unpacked from the
# .deb (dpkg-deb -x, never installed on this host) finds the packaged
# preload and runs. TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh
. tests/lib/elf.sh

version=$(scripts/version.sh)
debver=${version//-/+}
triplet=$(${CC:-cc} -print-multiarch)
out=build/deb
tools=$out/fluxcap_${debver}_amd64.deb
dkms=$out/fluxcap-dkms_${debver}_all.deb
src=usr/src/fluxcap-$version
echo "# version $version, Debian version $debver"

t_tools() {
	local t
	for t in dpkg-buildpackage dh dh_dkms lintian; do
		command -v "$t" || { echo "$t missing"; return 1; }
	done
}
if ! logged "dpkg-buildpackage, debhelper, dh-dkms and lintian installed (make deps)" t_tools; then
	echo "1..$n"
	exit 1
fi

# The checkout, apart from build/: what make deb must leave alone.
tree_state() { git status --porcelain --ignored | grep -v '^!! build/$'; }

t_make_deb() {
	local before start=$SECONDS
	before=$(tree_state)
	make -s deb >"$tmp/made" || { cat "$tmp/made"; return 1; }
	cat "$tmp/made"
	echo "make deb took $((SECONDS - start)) s"
	grep -qxF "$tools" "$tmp/made" && grep -qxF "$dkms" "$tmp/made" &&
		[ -f "$tools" ] && [ -f "$dkms" ] || { echo "no $tools or $dkms"; return 1; }
	[ "$(tree_state)" = "$before" ] || { echo "make deb changed the checkout:"; tree_state; return 1; }
}
if ! logged "make deb builds and names fluxcap and fluxcap-dkms $debver, the checkout untouched" t_make_deb; then
	echo "1..$n"
	exit 1
fi

# The files (not directories) of a .deb, one path a line, without "./".
deb_files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }'; }

t_tools_files() {
	deb_files "$tools" >"$tmp/files"
	cat "$tmp/files"
	local f
	for f in usr/bin/fluxctl usr/bin/fluxcapacitor "usr/lib/$triplet/libfluxcap-preload.so" \
		usr/share/man/man8/fluxctl.8.gz usr/share/man/man1/fluxcapacitor.1.gz \
		usr/share/man/man7/fluxcap.7.gz usr/share/bash-completion/completions/fluxctl \
		usr/share/bash-completion/completions/fluxcapacitor usr/share/doc/fluxcap/copyright \
		usr/share/containers/oci/hooks.d/fluxcap.json; do
		grep -qxF "$f" "$tmp/files" || { echo "missing: $f"; return 1; }
	done
	! grep '^usr/src/' "$tmp/files"
}
logged "fluxcap: fluxctl, fluxcapacitor, the preload in lib/$triplet, 3 man pages, completion, the OCI hook's hooks.d file" t_tools_files

field() { dpkg-deb -f "$1" "$2"; }

# fluxctl and fluxcapacitor are static-pie (the Makefile's default where
# the static libraries are there, as make deps makes sure): shlibs then
# names libc6 for the preload, and no libnl.
t_tools_fields() {
	dpkg-deb -f "$tools"
	[ "$(field "$tools" Package)" = fluxcap ] && [ "$(field "$tools" Version)" = "$debver" ] &&
		[ "$(field "$tools" Architecture)" = amd64 ] &&
		field "$tools" Depends | grep -q 'libc6 (>= ' &&
		! field "$tools" Depends | grep -q 'libnl'
}
logged "fluxcap: Version $debver, amd64, Depends from shlibs (libc6 for the preload; no libnl)" t_tools_fields

t_tools_static() {
	mkdir -p "$tmp/x"
	dpkg-deb -x "$tools" "$tmp/x" || return 1
	static_pie "$tmp/x/usr/bin/fluxctl" && static_pie "$tmp/x/usr/bin/fluxcapacitor"
}
logged "fluxcap: fluxctl and fluxcapacitor are static-pie (a start without ld.so)" t_tools_static

# Exactly what make install puts in the DKMS tree (tests/host/install.sh).
t_dkms_files() {
	deb_files "$dkms" | grep -v '^usr/share/doc/' | sort >"$tmp/files"
	{
		echo "$src/dkms.conf"
		git ls-files Kbuild 'module/*.[ch]' 'core/*.[ch]' include/uapi/linux/fluxcap.h |
			sed "s,^,$src/,"
	} | sort | diff - "$tmp/files"
}
logged "fluxcap-dkms: /$src with dkms.conf and the module's sources, nothing else" t_dkms_files

t_dkms_fields() {
	dpkg-deb -f "$dkms"
	[ "$(field "$dkms" Package)" = fluxcap-dkms ] && [ "$(field "$dkms" Version)" = "$debver" ] &&
		[ "$(field "$dkms" Architecture)" = all ] &&
		field "$dkms" Depends | grep -Eq '(^|, )dkms( |,|$)'
}
logged "fluxcap-dkms: Version $debver, all, Depends dkms" t_dkms_fields

# dh_dkms's scripts: dkms builds fluxcap/VERSION on configure, removes it
# on remove; the packaged dkms.conf names that same version.
t_dkms_scripts() {
	dpkg-deb -e "$dkms" "$tmp/ctl" && dpkg-deb -x "$dkms" "$tmp/dkmsroot" || return 1
	grep -H 'DKMS_\(NAME\|VERSION\)=\|common.postinst\|dkms remove' "$tmp/ctl/postinst" "$tmp/ctl/prerm"
	grep -qx 'DKMS_NAME=fluxcap' "$tmp/ctl/postinst" &&
		grep -qxF "DKMS_VERSION=$version" "$tmp/ctl/postinst" &&
		grep -q '/usr/lib/dkms/common.postinst' "$tmp/ctl/postinst" &&
		grep -qxF "DKMS_VERSION=$version" "$tmp/ctl/prerm" &&
		grep -q 'dkms remove' "$tmp/ctl/prerm" &&
		grep -qxF "PACKAGE_VERSION=\"$version\"" "$tmp/dkmsroot/$src/dkms.conf"
}
logged "fluxcap-dkms: postinst runs dkms for fluxcap/$version, prerm removes it" t_dkms_scripts

t_lintian() {
	local start=$SECONDS rc
	lintian --fail-on error,warning "$out"/fluxcap_"$debver"_amd64.changes
	rc=$?
	echo "lintian took $((SECONDS - start)) s"
	return "$rc"
}
logged "lintian: no error or warning in the .debs and .changes" t_lintian

# Unpacked, not installed: the packaged fluxctl finds the packaged preload
# at ../lib/<triplet>/ and runs sleep 100 at once.
t_unpacked_runs() {
	local root=$tmp/root out start=$SECONDS
	dpkg-deb -x "$tools" "$root" || return 1
	"$root/usr/bin/fluxctl" version
	out=$(env -u FLUXCAP_PRELOAD "$root/usr/bin/fluxctl" run --mode ptrace -- \
		sh -c 'echo "$LD_PRELOAD"; sleep 100') || return 1
	echo "LD_PRELOAD=$out, took $((SECONDS - start)) s"
	[ "$out" = "$(realpath "$root/usr/lib/$triplet/libfluxcap-preload.so")" ] &&
		[ $((SECONDS - start)) -lt 30 ] &&
		"$root/usr/bin/fluxctl" version 2>/dev/null | grep -qF "$version"
}
logged "unpacked fluxcap: fluxctl run --mode ptrace -- sleep 100 with the packaged preload" t_unpacked_runs

echo "1..$n"
[ "$failed" -eq 0 ]
