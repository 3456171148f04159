#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: fluxcap in a few seconds. Ptrace mode here on the host, then
# kernel mode in a VM of Debian's stock kernel (this machine's own kernel
# may load no modules): a transient run, then a named group driven by hand.
# Needs what `make deps` installs and what `make all` builds.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${FLUXCAP_BUILD:-build}

say() { printf '\n=== %s\n' "$*"; }

say "fluxctl version"
"$build/fluxctl" version
say "ptrace mode, on this machine: bash -c 'date; sleep 3600; date'"
time "$build/fluxctl" run --mode ptrace -- bash -c 'date; sleep 3600; date' || exit 1
say "kernel mode, in a VM (QEMU, Debian's kernel, fluxcap.ko loaded)"
tests/vm/run -- bash scripts/demo-guest.sh
