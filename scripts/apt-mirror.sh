# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/deps.sh and scripts/trixie-kernel.sh: the Debian mirror
# this machine's apt is configured with, so that no mirror host name is
# written anywhere in the project.

# Prints the URIs of the deb822 stanza (or the one-line entry) that serves the
# plain "bookworm" suite: the mirror this machine is already configured to use.
bookworm_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			function flush() {
				if (uris != "" && suites ~ /(^| )bookworm( |$)/) { print uris; found = 1; exit }
				uris = ""; suites = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
			/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
			END { if (!found) flush() }
		' "$f"
	done | head -n 1 | grep . && return 0
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' | grep .
}
