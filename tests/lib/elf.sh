# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# ELF checks the packaging tests share (tests/host/static_link.sh, deb.sh).

# static_pie FILE: position-independent (ET_DYN), no interpreter, no library.
static_pie() {
	readelf -hW "$1" | grep -q 'Type: *DYN' || { echo "$1: not PIE"; return 1; }
	! readelf -lW "$1" | grep -q INTERP || { echo "$1: has an interpreter"; return 1; }
	! readelf -dW "$1" | grep NEEDED || { echo "$1: needs the above"; return 1; }
}
