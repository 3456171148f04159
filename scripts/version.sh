#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Prints fluxcap's version: the base release plus the git commit (and
# "-dirty"), so fluxctl, the module and bug reports name the exact build.
# A copy of the tree without its git history (the one `make deb` builds
# in, scripts/deb.sh) carries the version in .tarball-version instead.
base=0.1.0
top=$(dirname "$0")/..
if [ -f "$top/.tarball-version" ]; then
	cat "$top/.tarball-version"
	exit
fi
rev=$(git -C "$top" describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null)
if [ -n "$rev" ]; then echo "$base+g$rev"; else echo "$base"; fi
