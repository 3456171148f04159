#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages: fluxctl.8, fluxcapacitor.1 and fluxcap.7 render with groff
# without a single warning (groff -ww, so any stray or unknown request
# counts), and they have not drifted from what they describe: every
# subcommand and option the built fluxctl and fluxcapacitor print in their
# --help, every JSON key and environment variable in the source, every
# command, attribute (number and type), flag and constant of the netlink
# header, the clock page's fields, and the module's parameters (none
# today). TAP output; exits non-zero if any case failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

export LC_ALL=C
. tests/lib/tap.sh

fluxctl=build/fluxctl
capacitor=build/fluxcapacitor
uapi=include/uapi/linux/fluxcap.h
pages=(userspace/cli/fluxctl.8 userspace/cli/fluxcapacitor.1 Documentation/fluxcap.7)

# warnings DEVICE PAGE: groff -ww renders PAGE for DEVICE with nothing on
# stderr (stderr kept in $tmp/err for the report).
warnings() {
	groff -man -t -ww -z -T"$1" "$2" >"$tmp/out" 2>"$tmp/err" &&
		[ ! -s "$tmp/err" ]
}

# render PAGE: plain text, one paragraph a line (no wrapping, so no
# hyphenation), runs of spaces squeezed.
render() {
	groff -man -t -Tascii -rLL=3000n -P-cbou "$1" 2>/dev/null | tr -s ' '
}

# has TEXT-FILE WHAT FIXED-STRING: the rendered page contains the string.
has() {
	grep -qwF -- "$3" "$1" || { note "$2 lacks '$3'"; return 1; }
}

# all_in TEXT-FILE WHAT WORD...: every WORD appears in the rendered page.
all_in() {
	local f=$1 what=$2 w bad=0
	shift 2
	[ $# -gt 0 ] || { note "nothing to look for in $what"; return 1; }
	for w in "$@"; do
		has "$f" "$what" "$w" || bad=1
	done
	return "$bad"
}

# --- rendering ------------------------------------------------------------------

note "--- rendering (groff -ww)"
if ! command -v groff >/dev/null; then
	check "groff is installed (groff-base)" false
else
	# The check below must be able to fail: a bad request is reported.
	printf '.TH T 1\n.SH NAME\nt \\- t\n.NOSUCH\n' >"$tmp/bad.1"
	check "groff -ww reports an unknown macro (the check can fail)" eval '
		! warnings utf8 "$tmp/bad.1" && grep -q NOSUCH "$tmp/err"'
	for p in "${pages[@]}"; do
		check "$p exists" test -s "$p"
		check "$p: man(7) macros, .TH section matches the file name" eval '
			sec=$(awk "/^\\.TH /{ print \$3; exit }" "$p") &&
			[ "$sec" = "${p##*.}" ] && ! grep -qE "^\\.(Dd|Dt|Sh) " "$p"'
		check "$p renders for utf8 without warnings" warnings utf8 "$p"
		check "$p renders for ascii without warnings" warnings ascii "$p"
		render "$p" >"$tmp/${p##*/}.txt"
	done
fi

txt8=$tmp/fluxctl.8.txt txt1=$tmp/fluxcapacitor.1.txt txt7=$tmp/fluxcap.7.txt

check "every page names the other two in SEE ALSO" eval '
	has "$txt8" fluxctl.8 "fluxcap(7)" && has "$txt8" fluxctl.8 "fluxcapacitor(1)" &&
	has "$txt1" fluxcapacitor.1 "fluxcap(7)" && has "$txt1" fluxcapacitor.1 "fluxctl(8)" &&
	has "$txt7" fluxcap.7 "fluxctl(8)" && has "$txt7" fluxcap.7 "fluxcapacitor(1)"'

# --- fluxctl.8 against fluxctl ------------------------------------------------------

note "--- fluxctl.8 against $fluxctl --help"
if [ ! -x "$fluxctl" ] || [ ! -x "$capacitor" ]; then
	check "$fluxctl and $capacitor are built (make userspace)" false
else
	subs=$("$fluxctl" --help | awk '/^Available subcommands:/ { on = 1; next }
		on && NF == 0 { exit } on { print $1 }')
	check "fluxctl --help lists subcommands" test -n "$subs"
	for s in $subs; do
		# In the SYNOPSIS ("fluxctl run ...") and as an entry of COMMANDS,
		# a line of its own starting with the name.
		check "fluxctl.8 documents '$s'" eval '
			has "$txt8" fluxctl.8 "fluxctl $s" &&
			{ grep -qE "^ +$s( |\$)" "$txt8" || { note "no entry for $s"; false; }; }'
		opts=$("$fluxctl" "$s" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		if [ -z "$opts" ]; then
			note "'$s --help' lists no option"
			continue
		fi
		# shellcheck disable=SC2086 # one word per option
		check "fluxctl.8 names every option of '$s --help'" all_in "$txt8" fluxctl.8 $opts
	done
	verbs=$("$fluxctl" set --help | awk '/^  [a-z]/ { print $1 }')
	# shellcheck disable=SC2086
	check "fluxctl.8 describes every setting of 'set --help'" all_in "$txt8" fluxctl.8 $verbs

	note "--- fluxcapacitor.1 against $capacitor --help"
	opts=$("$capacitor" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	# shellcheck disable=SC2086
	check "fluxcapacitor.1 names every option of its --help" all_in "$txt1" fluxcapacitor.1 $opts
fi

note "--- fluxctl.8 against the source"
keys=$(grep -hE 'fc_json_[a-z0-9]+\(|^[[:space:]]*[US]\("|fc_print_[a-z]+\(' \
	userspace/cli/group_show.c userspace/cli/monitor.c userspace/cli/version.c |
	grep -oE '"[a-z_-]+"' | tr -d '"' | sort -u)
# shellcheck disable=SC2086
check "fluxctl.8 names every JSON key of show, list, monitor and version" \
	all_in "$txt8" fluxctl.8 $keys
envs=$(grep -rhoE 'getenv\("[A-Z_]+"\)' userspace preload | sed 's/getenv("//; s/")//' | sort -u)
# shellcheck disable=SC2086
check "fluxctl.8 describes every environment variable the tools and the preload read" \
	all_in "$txt8" fluxctl.8 $envs

# --- fluxcap.7 against the netlink header -----------------------------------------

note "--- fluxcap.7 against $uapi"
# Every command and attribute as "NAME NUMBER TYPE" (TYPE from the
# attribute's comment, "-" when it has none, or for commands).
enum_rows() {
	local line in_enum=0 n=0 re
	re='^[[:space:]]*(FLUXCAP_[A-Z0-9_]+)([[:space:]]*=[[:space:]]*([0-9]+))?,[[:space:]]*(/\*[[:space:]]*([a-z0-9]+))?'
	while IFS= read -r line; do
		case $line in
		"enum fluxcap_cmd "* | "enum fluxcap_attr "*) in_enum=1 n=0; continue ;;
		"};"*) in_enum=0; continue ;;
		esac
		[ "$in_enum" = 1 ] && [[ $line =~ $re ]] || continue
		if [ -n "${BASH_REMATCH[3]}" ]; then n=${BASH_REMATCH[3]}; else n=$((n + 1)); fi
		echo "${BASH_REMATCH[1]} $n ${BASH_REMATCH[5]:--}"
	done <"$uapi"
}
rows=$(enum_rows)
check "the header's enums parse (8 commands, 26 attributes or more)" eval '
	[ "$(grep -c "^FLUXCAP_CMD_" <<<"$rows")" -ge 8 ] &&
	[ "$(grep -c "^FLUXCAP_A_" <<<"$rows")" -ge 26 ]'

# Each has its entry: ".BR NAME " (N" for a command, " (N, TYPE)" for an
# attribute, " (N)" for an attribute without a type.
entries_ok() {
	local name num type want bad=0
	while read -r name num type; do
		case $name in
		FLUXCAP_CMD_*) want=".BR $name \" ($num" ;;
		*) if [ "$type" = - ]; then want=".BR $name \" ($num)\""; else want=".BR $name \" ($num, $type)\""; fi ;;
		esac
		grep -qF -- "$want" Documentation/fluxcap.7 || { note "no entry '$want'"; bad=1; }
	done <<<"$rows"
	return "$bad"
}
check "fluxcap.7 has an entry with the number (and type) of every command and attribute" entries_ok

# define NAME: the value of #define NAME in the uapi header, without quotes
# or a trailing comment.
define() { sed -n "s/^#define $1[[:space:]]*\"\{0,1\}\([0-9a-zA-Zx_.-]*\).*/\1/p" "$uapi"; }

consts_ok() {
	local name v bad=0
	has "$txt7" fluxcap.7 "\"$(define FLUXCAP_GENL_NAME)\" (FLUXCAP_GENL_NAME)" || bad=1
	has "$txt7" fluxcap.7 "version $(define FLUXCAP_GENL_VERSION) (FLUXCAP_GENL_VERSION)" || bad=1
	has "$txt7" fluxcap.7 "\"$(define FLUXCAP_MCGRP_EVENTS_NAME)\" (FLUXCAP_MCGRP_EVENTS_NAME)" || bad=1
	has "$txt7" fluxcap.7 "FLUXCAP_GROUP_NAME_MAX is $(define FLUXCAP_GROUP_NAME_MAX)" || bad=1
	has "$txt7" fluxcap.7 "FLUXCAP_CLOCK_PAGE_MAGIC, $(define FLUXCAP_CLOCK_PAGE_MAGIC)" || bad=1
	has "$txt7" fluxcap.7 "FLUXCAP_CLOCK_PAGE_VERSION, $(define FLUXCAP_CLOCK_PAGE_VERSION)" || bad=1
	# Flags: "NAME (VALUE," with (1U << k) as its value.
	while read -r name v; do
		has "$txt7" fluxcap.7 "$name ($((1 << v))" || bad=1
	done < <(sed -n 's/^#define \(FLUXCAP_[A-Z_]*_F_[A-Z_]*\)[[:space:]]*(1U << \([0-9]*\)).*/\1 \2/p' "$uapi")
	return "$bad"
}
check "fluxcap.7 gives the family, version, events group, flags and page constants" consts_ok

# The clock page's fields, in order, as the header declares them.
fields() { sed -n "/^struct fluxcap_clock_page {/,/^};/p" "$1" | grep -oE '__[us][0-9]+ [a-z_]+;'; }
check "fluxcap.7 shows struct fluxcap_clock_page field for field" eval '
	fields "$uapi" >"$tmp/f.h" && fields Documentation/fluxcap.7 >"$tmp/f.7" &&
	[ -s "$tmp/f.h" ] && diff "$tmp/f.h" "$tmp/f.7" | sed "s/^/# /" && cmp -s "$tmp/f.h" "$tmp/f.7"'

# Module parameters: none today, and the page says so; any added must be named.
params=$(grep -ohE 'module_param[a-z_]*\([a-z_0-9]+' module/*.c | sed 's/.*(//' | sort -u)
if [ -z "$params" ]; then
	check "fluxcap.7 says the module has no parameters (module/*.c has none)" \
		has "$txt7" fluxcap.7 "no module parameters"
else
	# shellcheck disable=SC2086
	check "fluxcap.7 names every module parameter" all_in "$txt7" fluxcap.7 $params
fi

echo "1..$n"
[ "$failed" -eq 0 ] || note "$failed of $n cases failed"
[ "$failed" -eq 0 ]
