#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# chroot-kbuild.sh ROOT KVER OUT VERSION: builds fluxcap.ko for kernel KVER
# inside ROOT, a build root that has that kernel's headers and compiler
# (scripts/trixie-kernel.sh makes one), W=1 with warnings as errors like
# every other build; the result goes to OUT/fluxcap.ko. Root.
#
# As for the machine's own kernels, the build directory is a tree of
# symlinks to the sources, kept in ROOT between builds so that kbuild only
# rebuilds what changed. The repository is bind-mounted into ROOT, and proc
# mounted (objtool reads /proc/self/maps), in a mount namespace of the
# build's own: nothing is left mounted when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 4 ] || { echo "usage: $0 ROOT KVER OUT VERSION" >&2; exit 2; }
root=$1 kver=$2 out=$3 version=$4
[ "$(id -u)" = 0 ] || {
	echo "chroot-kbuild: building for $kver in $root needs root (chroot, mounts)" >&2
	exit 1
}
# make's own flags (-s), not its variables: those are the host build's.
flags=${MAKEFLAGS:-}
flags=${flags%% *}
case "$flags" in *=* | -*) flags= ;; esac
[ -d "$root/lib/modules/$kver/build" ] || {
	echo "chroot-kbuild: no headers for $kver in $root (scripts/trixie-kernel.sh)" >&2
	exit 1
}
src=/usr/src/fluxcap-src	# the repository, while the build runs
obj=/usr/src/fluxcap-build/$kver
mkdir -p "$root$src" "$root$obj" "$out"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private sh -euc '
	mount -t proc proc "$1/proc"
	mount --bind "$2" "$1$3"
	exec chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin MAKEFLAGS="$7" \
		sh -euc "cd \"\$1\" && find . -xtype l -delete && cp -rsf \"\$2\"/Kbuild \"\$2\"/module \"\$2\"/core \"\$2\"/include . &&
			exec make -C \"/lib/modules/\$3/build\" M=\"\$1\" W=1 FLUXCAP_VERSION=\"\$4\" FLUXCAP_WERROR=1 modules" \
		sh "$4" "$3" "$5" "$6"
' sh "$root" "$PWD" "$src" "$obj" "$kver" "$version" "$flags"
cp "$root$obj/fluxcap.ko" "$out/fluxcap.ko"
