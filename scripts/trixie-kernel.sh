#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's newest packaged kernel (trixie-backports, 7.x), to build and boot
# fluxcap.ko against without touching this machine's bookworm userland:
# installing trixie packages here would upgrade it. Instead, a trixie root
# made by debootstrap from the machine's own mirror, under build/trixie
# (FLUXCAP_TRIXIE_ROOT), gets that kernel's image, modules, headers and
# compiler. The module is built in it by chroot (scripts/chroot-kbuild.sh);
# tests/vm/run boots its image. Idempotent: a finished root is reused.
# Root; prints the kernel version (e.g. 7.3.4+bpo-amd64) on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'trixie-kernel: %s\n' "$*" >&2; }
die() { printf 'trixie-kernel: error: %s\n' "$*" >&2; exit 1; }

root=${FLUXCAP_TRIXIE_ROOT:-build/trixie}
done_file=$root/.fluxcap-kernel

if [ -s "$done_file" ] && [ -d "$root/lib/modules/$(cat "$done_file")/build" ]; then
	cat "$done_file"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"

# shellcheck source=scripts/apt-mirror.sh
. scripts/apt-mirror.sh
mirror=$(bookworm_mirror) || die "cannot find the bookworm mirror in /etc/apt/sources.list*"

if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap"
	apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		debootstrap >&2 || die "cannot install debootstrap"
fi

# A half-made root (interrupted) is made again from scratch.
if [ ! -e "$root/.fluxcap-bootstrapped" ]; then
	rm -rf "$root"
	mkdir -p "$root"
	say "debootstrap trixie into $root (from the configured mirror)"
	debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.log" 2>&1 ||
		die "debootstrap failed; see $root.log"
	touch "$root/.fluxcap-bootstrapped"
fi

cat >"$root/etc/apt/sources.list.d/fluxcap.sources" <<EOS
# Written by fluxcap's scripts/trixie-kernel.sh.
Types: deb
URIs: $mirror
Suites: trixie trixie-updates trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
rm -f "$root/etc/apt/sources.list"

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT

say "apt-get update in $root"
in_root apt-get update -qq >&2 || die "apt-get update in $root failed"
# The versioned packages the backports metapackages point at.
image=$(in_root apt-cache depends -t trixie-backports linux-image-amd64 |
	sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
[ -n "$image" ] || die "no linux-image-amd64 in trixie-backports"
kver=${image#linux-image-}
say "installing $image and linux-headers-$kver (gcc, kbuild) in $root"
in_root apt-get install -y -qq --no-install-recommends -t trixie-backports \
	"$image" "linux-headers-$kver" make gcc libc6-dev >&2 ||
	die "apt-get install in $root failed"
[ -r "$root/boot/vmlinuz-$kver" ] || die "no $root/boot/vmlinuz-$kver"
[ -d "$root/lib/modules/$kver/build" ] || die "no headers in $root/lib/modules/$kver/build"
in_root apt-get clean
echo "$kver" >"$done_file"
say "ready: $kver"
echo "$kver"
