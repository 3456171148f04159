#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# chroot-kbuild.sh ROOT KVER OUT VERSION: builds fluxcap.ko for kernel KVER
# inside ROOT, a build root that has that kernel's headers and compiler
# (scripts/trixie-kernel.sh makes one), W=1 with warnings as errors like
# every other build. The module's sources are copied into ROOT (no bind
# mount to clean up); the result goes to OUT/fluxcap.ko. Root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 4 ] || { echo "usage: $0 ROOT KVER OUT VERSION" >&2; exit 2; }
root=$1 kver=$2 out=$3 version=$4
[ -d "$root/lib/modules/$kver/build" ] || {
	echo "chroot-kbuild: no headers for $kver in $root (scripts/trixie-kernel.sh)" >&2
	exit 1
}
inside=/usr/src/fluxcap-build
rm -rf "${root:?}$inside"
mkdir -p "$root$inside" "$out"
cp -r Kbuild module core include "$root$inside/"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	make -C "/lib/modules/$kver/build" M="$inside" W=1 \
	FLUXCAP_VERSION="$version" FLUXCAP_WERROR=1 modules
cp "$root$inside/fluxcap.ko" "$out/fluxcap.ko"
