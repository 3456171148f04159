#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fluxctl and fluxcapacitor as `make` links them here: static-pie (make deps
# installs libc6-dev's and libnl-genl-3-dev's static libraries), and the
# tools' own code calls nothing that a static glibc cannot do alone (name
# service lookups, dlopen, iconv, locales): the Makefile silences ld's
# warnings about exactly that for libnl's address helpers, so this test
# is the check in their place. TAP.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
build=${FLUXCAP_BUILD:-build}
. tests/lib/tap.sh
. tests/lib/elf.sh

for t in fluxctl fluxcapacitor; do
	logged "$t is static-pie (the default where the static libraries are)" \
		static_pie "$build/$t"
done

# What glibc can only do with shared objects of its own at run time.
NEEDS_SHARED='^(getpw|getgr|getspnam|getaddrinfo|getnameinfo|gethostby|getprotoby|getservby|getnetby|dlopen|dlmopen|iconv_open|setlocale|newlocale|nl_langinfo)'
t_own_code() {
	local o found=0
	while IFS= read -r o; do
		if nm -u "$o" | awk '{ print $2 }' | grep -E "$NEEDS_SHARED"; then
			echo "  in $o"
			found=1
		fi
	done < <(find "$build/userspace" "$build/core" -name '*.o')
	[ "$found" = 0 ]
}
logged "the tools' own objects call no name service, dlopen, iconv or locale function" t_own_code

t_runs() {
	"$build/fluxctl" version && "$build/fluxctl" run --mode ptrace -- sleep 100 &&
		"$build/fluxcapacitor" -- sleep 100
}
logged "the static fluxctl and fluxcapacitor run (version; sleep 100 in ptrace mode)" t_runs

echo "1..$n"
[ "$failed" -eq 0 ]
