#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs everything fluxcap's build and tests need, with apt, as root.
# Idempotent: whatever is already present is skipped, so `make check` can call
# it on every run at almost no cost.
#
# Kernels: Debian's stock *generic* flavour (linux-image-amd64) of 6.1 (bookworm)
# and 6.12 (bookworm-backports). Generic, not cloud, because the VM harness
# shares the host's root file system into the guest over virtio-9p, and only
# the generic flavour ships 9p; that is what makes bash, python3, perl, node
# and java usable in the guest without building a separate image.
#
# bookworm-backports is enabled by copying the mirror from the machine's own
# apt configuration; no mirror host name is written anywhere in the project.
set -euo pipefail

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

BACKPORTS_LIST=/etc/apt/sources.list.d/fluxcap-bookworm-backports.sources

# Packages from the default suites (bookworm, bookworm-security).
BASE_PKGS=(
	build-essential gcc-multilib pkg-config libnl-3-dev libnl-genl-3-dev
	qemu-system-x86 busybox-static cpio kmod xz-utils
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	python3 perl shellcheck golang-go musl-tools
	dkms groff-base bash-completion
	debhelper dh-dkms lintian
	crun runc podman conmon # tests/vm/containers.sh (the guest runs the host's)
)

have_pkg() {
	dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "must run as root to install: $* (run 'sudo make deps')"
}

apt_updated=0
apt_update() {
	[ "$apt_updated" -eq 1 ] && return 0
	say "apt-get update"
	apt-get update -qq || die "apt-get update failed (no network or a broken apt source?)"
	apt_updated=1
}

apt_install() {
	need_root "$@"
	apt_update
	say "installing: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
		|| die "apt-get install $* failed"
}

# bookworm_mirror: the mirror this machine's apt already uses.
# shellcheck source=scripts/apt-mirror.sh
. "$(dirname "$0")/apt-mirror.sh"

enable_backports() {
	if apt-cache policy 2>/dev/null | grep -q 'a=bookworm-backports\|n=bookworm-backports'; then
		return 0
	fi
	need_root "bookworm-backports apt source"
	local uris
	uris=$(bookworm_mirror) || die "cannot find the bookworm mirror in /etc/apt/sources.list*"
	say "enabling bookworm-backports from the configured mirror ($BACKPORTS_LIST)"
	cat >"$BACKPORTS_LIST" <<EOS
# Written by fluxcap's scripts/deps.sh: the 6.12 LTS kernel for the VM tests.
Types: deb
URIs: $uris
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	apt_updated=0
	apt_update
}

# The versioned image/headers packages the bookworm-backports metapackages
# point at (e.g. linux-image-6.12.x+bpo-amd64). Installing those by name keeps
# the bookworm 6.1 metapackages in place.
backports_kernel_pkgs() {
	local meta dep
	for meta in linux-image-amd64 linux-headers-amd64; do
		dep=$(apt-cache show -o APT::Cache::AllVersions=true "$meta" |
			awk -v RS= '/Version: [^\n]*bpo|\nVersion: 6\.12/' |
			awk '/^Version:/ { v = $2 } /^Depends:/ { print v " " $0 }' |
			sort -V | tail -n 1 | sed -n 's/.*Depends: *\([^ ,]*\).*/\1/p')
		[ -n "$dep" ] || die "no 6.12 $meta in bookworm-backports"
		echo "$dep"
	done
}

missing=()
for p in "${BASE_PKGS[@]}"; do
	have_pkg "$p" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"

if ! ls -d /lib/modules/6.12.*/build >/dev/null 2>&1 || [ "${FLUXCAP_DEPS_FORCE:-0}" = 1 ]; then
	enable_backports
	mapfile -t bpo < <(backports_kernel_pkgs)
	missing=()
	for p in "${bpo[@]}"; do
		have_pkg "$p" || missing+=("$p")
	done
	# pkg/suite takes that one package (and what only it needs) from
	# backports; "-t bookworm-backports" would upgrade unrelated packages.
	[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]/%//bookworm-backports}"
fi

for d in /lib/modules/6.1.*/build /lib/modules/6.12.*/build; do
	[ -d "$d" ] || die "kernel headers missing after install: $d"
done
ls /usr/src/linux-source-6.1.tar.xz >/dev/null 2>&1 || die "linux-source-6.1 tarball missing"

# Debian's newest packaged kernel (7.x), in a trixie build root of its own
# (a no-op once made). FLUXCAP_NO_TRIXIE=1 goes without it.
if [ "${FLUXCAP_NO_TRIXIE:-0}" != 1 ]; then
	trixie=$("$(dirname "$0")"/trixie-kernel.sh | tail -n 1) ||
		die "cannot make the trixie build root (scripts/trixie-kernel.sh; FLUXCAP_NO_TRIXIE=1 goes without the 7.x kernel)"
fi
say "all dependencies present (kernels $(cd /lib/modules && echo */build | sed 's,/build,,g')${trixie:+, $trixie in the trixie build root})"
