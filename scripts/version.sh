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
# safe.directory: `make install` as root in a user's checkout must still
# name the commit (git refuses a repository of another owner otherwise).
git() { command git -c safe.directory='*' -C "$top" "$@"; }
rev=$(git describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null)
# The commit count first, so that package versions of two builds sort in
# the order they were made (the hash alone would sort at random).
count=$(git rev-list --count HEAD 2>/dev/null)
if [ -n "$rev" ] && [ -n "$count" ]; then echo "$base+$count.g$rev"; else echo "$base"; fi
