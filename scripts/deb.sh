#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages fluxcap (fluxctl, fluxcapacitor, the
# preload, man pages, bash completion) and fluxcap-dkms (the module's DKMS
# tree), built by dpkg-buildpackage in a copy of the tree under
# $BUILD/deb/, so the checkout itself is never written to. The copy is the
# tracked files as they are in the work tree (what scripts/version.sh calls
# -dirty is in it), plus packaging/debian/ as debian/, a debian/changelog
# for this version and .tarball-version (the copy has no git history).
# Prints the .debs made, in $BUILD/deb/.
#
# Needs debhelper, dh-dkms and libnl-genl-3-dev (make deps).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${BUILD:-build}/deb
version=$(scripts/version.sh)
# Debian versions have no "-" in a native package: 0.1.0+<n>.g<hex>-dirty
# becomes 0.1.0+<n>.g<hex>+dirty (and sorts after the clean build).
debver=${version//-/+}
stage=$out/fluxcap-$debver

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" >/dev/null ||
		{ echo "deb: $tool missing: install debhelper and dh-dkms (make deps)" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$stage"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files, skipping those deleted in the work tree.
	git ls-files -z | while IFS= read -r -d '' f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
	done | tar -c --null -T - -f - | tar -x -C "$stage" -f -
else
	tar -c --exclude=./.git --exclude="./${BUILD:-build}" -f - . | tar -x -C "$stage" -f -
fi
cp -r packaging/debian "$stage/debian"
echo "$version" >"$stage/.tarball-version"

# One changelog entry, by the maintainer of debian/control, dated at the
# last commit (so two builds of one commit are the same package).
maint=$(sed -n 's/^Maintainer: *//p' packaging/debian/control)
when=$(git log -1 --format=%ct 2>/dev/null || date +%s)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
cat >"$stage/debian/changelog" <<EOF
fluxcap ($debver) bookworm; urgency=medium

  * fluxcap $version, packaged by make deb
    from commit $commit.

 -- $maint  $(date -u -R -d "@$when")
EOF

log=$out/build.log
echo "deb: dpkg-buildpackage -us -uc -b in $stage (log: $log)"
# Not the calling make's flags, nor its BUILD (the copy builds in its own).
if ! (cd "$stage" && env -u BUILD -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	dpkg-buildpackage -us -uc -b -Jauto) >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "deb: dpkg-buildpackage failed (all of it in $log)" >&2
	exit 1
fi
ls "$out"/*.deb
