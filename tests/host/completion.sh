#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of fluxctl and fluxcapacitor
# (userspace/cli/fluxctl.bash-completion), scripted: each case starts a
# fresh bash that sources the script, sets COMP_WORDS, COMP_CWORD,
# COMP_LINE and COMP_POINT as bash does for a line, calls the function that
# `complete -p` names and prints COMPREPLY. Subcommands, options, option
# values, set's settings, group names from a fake fluxctl on PATH (and none,
# silently and quickly, when `fluxctl list` fails, hangs or is missing),
# commands after "--", and drift guards against the built programs' --help.
# Runs once without bash-completion and once with it when
# /usr/share/bash-completion/bash_completion (or $FLUXCAP_BASH_COMPLETION)
# exists. TAP output; exits non-zero if any case failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

export LC_ALL=C
. tests/lib/tap.sh

script=$PWD/userspace/cli/fluxctl.bash-completion
fluxctl=$PWD/build/fluxctl
fluxcapacitor=$PWD/build/fluxcapacitor
bc_file=${FLUXCAP_BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
work=$tmp/work # the completing shell's directory: known files
mkdir -p "$work/dir1/sub" "$work/dir2"
: >"$work/file1"
: >"$work/file2"

# --- fake fluxctl programs, each alone in a directory put first on PATH -------

# fake NAME BODY: $tmp/NAME/fluxctl, a shell script.
fake() {
	mkdir -p "$tmp/$1"
	printf '#!/bin/sh\n%s\n' "$2" >"$tmp/$1/fluxctl"
	chmod +x "$tmp/$1/fluxctl"
}
# What `fluxctl list --quiet` prints with three groups: one name a line.
fake groups '[ "$*" = "list --quiet" ] || { echo "fluxctl: wrong call: $*" >&2; exit 2; }
printf "%s\n" alpha beta-2 gamma.x'
# Without the module (the real message), hanging, printing junk.
fake fails 'echo "fluxctl: the fluxcap module is not loaded (modprobe fluxcap)" >&2; exit 1'
fake hangs 'exec sleep 30'
fake junk 'printf "%s\n" "NAME ID MEMBERS" "two words" ../x .hidden "" ok_1'
mkdir -p "$tmp/none" # no fluxctl at all
mkdir -p "$tmp/real"
ln -s "$fluxctl" "$tmp/real/fluxctl"

# --- the completing shell ---------------------------------------------------

cat >"$tmp/runner.bash" <<'EOF'
# runner.bash MODE LINE [POINT]: complete LINE (the cursor at POINT, else at
# its end) as bash would, in MODE plain (no bash-completion) or bc.
mode=$1 line=$2 point=${3:-${#2}}
if [ "$mode" = bc ]; then
	# shellcheck disable=SC1090
	. "$BC_FILE" || exit 3
	declare -F _init_completion >/dev/null || { echo "no _init_completion" >&2; exit 3; }
else
	declare -F _init_completion >/dev/null && { echo "bash-completion is loaded" >&2; exit 3; }
	set -u # the script must not depend on unset variables being empty
fi
# shellcheck disable=SC1090
. "$SCRIPT" || exit 3
# Outside readline, compopt fails: log what the script asks for instead.
compopt() { printf '%s\n' "$*" >>"$COMPOPT_LOG"; }
cd "$WORK" || exit 3

# COMP_WORDS as bash makes them: blanks separate words; '=' and ':' (the
# word breaks of COMP_WORDBREAKS used here) are tokens of their own.
words=() starts=() i=0 n=${#line}
while ((i < n)); do
	c=${line:i:1}
	if [[ $c == [[:blank:]] ]]; then
		i=$((i + 1))
		continue
	fi
	start=$i
	if [[ $c == [=:] ]]; then
		while ((i < n)) && [[ ${line:i:1} == [=:] ]]; do i=$((i + 1)); done
	else
		while ((i < n)) && [[ ${line:i:1} != [[:blank:]=:] ]]; do i=$((i + 1)); done
	fi
	words+=("${line:start:i-start}")
	starts+=("$start")
done
[[ $line == *[[:blank:]] || -z $line ]] && words+=("") && starts+=("$n")
cword=0
for ((i = 0; i < ${#words[@]}; i++)); do
	((starts[i] <= point)) && cword=$i
done
COMP_LINE=$line COMP_POINT=$point COMP_CWORD=$cword COMP_TYPE=9 COMP_KEY=9
COMP_WORDS=("${words[@]}")
cur=${words[cword]:0:point-starts[cword]}

spec=$(complete -p "${words[0]##*/}") || exit 3
func=${spec#*-F }
func=${func%% *}
"$func" "${words[0]}" "$cur" "${words[cword - 1]-}"
printf '%s\n' "${COMPREPLY[@]}"
EOF

# comp MODE PATHDIR LINE [POINT]: complete LINE with PATHDIR first on PATH.
# The replies, one a line, go to $tmp/out, stderr to $tmp/err.
comp() {
	local mode=$1 dir=$2
	shift 2
	rc=0
	: >"$tmp/compopt"
	SCRIPT=$script BC_FILE=$bc_file WORK=$work COMPOPT_LOG=$tmp/compopt \
		PATH="$tmp/$dir:$PATH" timeout -k 5 30 \
		bash --norc --noprofile "$tmp/runner.bash" "$mode" "$@" \
		</dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 0 ] || { note "runner exited $rc"; return 1; }
	[ ! -s "$tmp/err" ] || { note "stderr not empty"; return 1; }
}

# The replies, sorted and unique, on one line.
got() { sort -u "$tmp/out" | grep -v '^$' | tr '\n' ' ' | sed 's/ $//'; }

# is WORD...: the replies are exactly WORDs (in any order).
is() {
	local want
	want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ' | sed 's/ $//')
	[ "$(got)" = "$want" ] || { note "replies '$(got)', want '$want'"; return 1; }
}
# has WORD...: every WORD is among the replies.
has() {
	local w
	for w; do
		grep -Fxq -- "$w" "$tmp/out" || { note "'$w' not among the replies: $(got)"; return 1; }
	done
}
# lacks WORD...: no WORD is among the replies.
lacks() {
	local w
	for w; do
		! grep -Fxq -- "$w" "$tmp/out" || { note "'$w' among the replies"; return 1; }
	done
}
none() { [ ! -s "$tmp/out" ] || [ -z "$(got)" ] || { note "replies '$(got)', want none"; return 1; }; }

# c [-p DIR] LINE [POINT] -- ASSERTION...: complete LINE in $mode, then assert.
c() {
	local dir=groups line point=''
	[ "$1" = -p ] && { dir=$2; shift 2; }
	line=$1
	shift
	[ "$1" != -- ] && { point=$1; shift; }
	shift
	comp "$mode" "$dir" "$line" ${point:+"$point"} && "$@"
}

# The options that a --help text names: "-v, --verbose", "--mode MODE",
# "--libpath=PATH" (then "--libpath=", as offered).
help_options() {
	grep -E '^ +-' | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*=?' | sed 's/^[ ,]*//' | sort -u
}

# drift LINE CMD...: completing LINE offers every option that CMD (a --help)
# prints, at least -h and --help; and "--" where the usage is
# "[OPTIONS] -- CMD" (run, fluxcapacitor; exec wants NAME first).
drift() {
	local line=$1 opts
	shift
	opts=$("$@" | help_options | tr '\n' ' ')
	note "${*#"$PWD"/} names: $opts"
	case " $opts " in *" --help "*) ;; *) note "no --help among them"; return 1 ;; esac
	# shellcheck disable=SC2086 # one word an option
	c "$line" -- has $opts || return 1
	if "$@" | grep -q -- '^Usage: .*\[OPTIONS\] -- CMD'; then
		has --
	fi
}

# The first cgroup2 mount's subdirectories, as --cgroup RELATIVE offers them.
cgroup_subdirs() {
	local mnt d
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$mnt" ] || return 0
	for d in "$mnt"/*/; do
		[ -d "$d" ] && d=${d%/} && echo "${d#"$mnt"/}/"
	done
}

# --- what completion relies on ----------------------------------------------

note "--- fluxctl list --quiet, the source of group names"
check "list --help names -q, --quiet" eval '"$fluxctl" list --help >"$tmp/out" 2>"$tmp/err" &&
	out_has "^Usage: fluxctl list .*\[-q\|--quiet\]" && out_has "^  -q, --quiet +the names only"'
check "list -q -j is a usage error (exit 2)" eval '
	rc=0; "$fluxctl" list -q -j >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 2 ] && err_has "do not go together" && [ ! -s "$tmp/out" ]'
check "show --quiet is refused (list only)" eval '
	rc=0; "$fluxctl" show --quiet x >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = 2 ] && err_has "unknown option .--quiet."'
rc=0
"$fluxctl" list --quiet >"$tmp/real.out" 2>"$tmp/real.err" </dev/null || rc=$?
if [ "$rc" = 0 ]; then
	note "the fluxcap module is loaded: real groups: $(tr '\n' ' ' <"$tmp/real.out")"
else
	check "list --quiet without the module: exit 1, nothing on stdout" eval '
		[ "$rc" = 1 ] && [ ! -s "$tmp/real.out" ] && grep -q "not loaded" "$tmp/real.err"'
fi
check "the script passes bash -n" bash -n "$script"

subs=$("$fluxctl" --help 2>/dev/null | awk '/^  [a-z][a-z-]* +[A-Z]/ { print $1 }')
note "subcommands in fluxctl --help: $(echo "$subs" | tr '\n' ' ')"
check "fluxctl --help lists subcommands (for the drift guards)" test "$(echo "$subs" | wc -w)" -ge 10

# --- the cases, once per mode -------------------------------------------------

cases() {
	mode=$1
	note "--- $mode: subcommands"
	# shellcheck disable=SC2086 # one word a subcommand
	check "$mode: 'fluxctl ' offers exactly the subcommands of fluxctl --help" \
		c 'fluxctl ' -- is $subs
	check "$mode: 'fluxctl cr' -> create" c 'fluxctl cr' -- is create
	check "$mode: 'fluxctl s' -> set show" c 'fluxctl s' -- is set show
	check "$mode: 'fluxctl -' -> --help -h --version" c 'fluxctl -' -- is --help -h --version
	check "$mode: 'fluxctl help mo' -> monitor" c 'fluxctl help mo' -- is monitor
	check "$mode: 'fluxctl sh alpha', cursor after 'sh' -> show" c 'fluxctl sh alpha' 10 -- is show
	check "$mode: nothing after 'fluxctl version '" c 'fluxctl version ' -- none

	note "--- $mode: options and their values"
	check "$mode: 'fluxctl run --mo' -> --mode" c 'fluxctl run --mo' -- is --mode
	check "$mode: 'fluxctl run --mode ' -> auto kernel ptrace" \
		c 'fluxctl run --mode ' -- is auto kernel ptrace
	check "$mode: 'fluxctl run --mode=p' -> ptrace" c 'fluxctl run --mode=p' -- is ptrace
	check "$mode: 'fluxctl run -v --mode k' -> kernel" c 'fluxctl run -v --mode k' -- is kernel
	check "$mode: 'fluxctl run --output ' -> files" c 'fluxctl run --output ' -- \
		has file1 file2 dir1
	check "$mode: 'fluxctl run --output=fi' -> file1 file2" c 'fluxctl run --output=fi' -- \
		is file1 file2
	check "$mode: 'fluxctl run --libpath d' -> directories only" c 'fluxctl run --libpath d' -- \
		is dir1 dir2
	check "$mode: 'fluxctl run --start ' offers nothing (a date)" c 'fluxctl run --start ' -- none
	check "$mode: 'fluxctl list -' -> -j --json -q --quiet -h --help" \
		c 'fluxctl list -' -- is -j --json -q --quiet -h --help
	check "$mode: 'fluxctl version --p' -> --pretty" c 'fluxctl version --p' -- is --pretty
	check "$mode: 'fluxctl create --no' -> --no-auto" c 'fluxctl create --no' -- is --no-auto
	check "$mode: 'fluxctl create --cgroup=\$work/d' -> \$work/dir1 \$work/dir2" \
		c "fluxctl create --cgroup=$work/d" -- is "$work/dir1" "$work/dir2"
	# shellcheck disable=SC2046 # one word a directory
	check "$mode: 'fluxctl create x --cgroup ' -> the cgroup2 mount's directories ($(cgroup_subdirs | wc -l))" \
		c 'fluxctl create x --cgroup ' -- is $(cgroup_subdirs)
	check "$mode: 'fluxctl exec alpha --libpath=d' -> directories" \
		c 'fluxctl exec alpha --libpath=d' -- is dir1 dir2
	check "$mode: 'fluxctl exec alpha ' -> -- and the options, no group" \
		c 'fluxctl exec alpha ' -- is -- --libpath -h --help

	note "--- $mode: set"
	check "$mode: 'fluxctl set alpha ' -> freeze thaw advance start auto external" \
		c 'fluxctl set alpha ' -- is freeze thaw advance start auto external
	check "$mode: 'fluxctl set alpha external ' -> hold ignore" \
		c 'fluxctl set alpha external ' -- is hold ignore
	check "$mode: 'fluxctl create x --external ' -> hold ignore" \
		c 'fluxctl create x --external ' -- is hold ignore
	check "$mode: 'fluxctl run --external i' -> ignore" c 'fluxctl run --external i' -- is ignore
	check "$mode: 'fluxctl set alpha a' -> advance auto" c 'fluxctl set alpha a' -- is advance auto
	check "$mode: 'fluxctl set alpha auto ' -> on off" c 'fluxctl set alpha auto ' -- is on off
	check "$mode: 'fluxctl set alpha auto of' -> off" c 'fluxctl set alpha auto of' -- is off
	check "$mode: 'fluxctl set alpha freeze ' -> nothing" c 'fluxctl set alpha freeze ' -- none
	check "$mode: 'fluxctl set alpha advance ' -> nothing (a duration)" \
		c 'fluxctl set alpha advance ' -- none

	note "--- $mode: group names (a fake fluxctl lists alpha beta-2 gamma.x)"
	local s
	for s in show delete set attach exec monitor; do
		check "$mode: 'fluxctl $s ' -> the groups" c "fluxctl $s " -- is alpha beta-2 gamma.x
	done
	check "$mode: 'fluxctl show b' -> beta-2" c 'fluxctl show b' -- is beta-2
	check "$mode: 'fluxctl show -j g' -> gamma.x" c 'fluxctl show -j g' -- is gamma.x
	check "$mode: 'fluxctl exec --libpath /tmp a' -> alpha" c 'fluxctl exec --libpath /tmp a' -- is alpha
	check "$mode: 'fluxctl show alpha ' -> nothing (one NAME)" c 'fluxctl show alpha ' -- none
	check "$mode: 'fluxctl create ' -> no group (a new name)" c 'fluxctl create ' -- none
	check "$mode: 'fluxctl delete alpha ' -> nothing" c 'fluxctl delete alpha ' -- none
	check "$mode: 'fluxctl attach alpha ' -> process ids (1 among them)" \
		c 'fluxctl attach alpha ' -- eval 'has 1 && ! grep -qv "^[0-9][0-9]*$" "$tmp/out"'
	check "$mode: the fluxctl typed as a path is the one asked" \
		c -p none "$tmp/groups/fluxctl show " -- is alpha beta-2 gamma.x
	check "$mode: only valid names are taken from the output" \
		c -p junk 'fluxctl show ' -- is ok_1

	note "--- $mode: fluxctl list failing: no names, nothing on stderr"
	check "$mode: list fails (module not loaded)" c -p fails 'fluxctl show ' -- none
	check "$mode: list fails, set" c -p fails 'fluxctl set ' -- none
	check "$mode: no fluxctl on PATH" c -p none 'fluxctl delete ' -- none
	if [ "$rc_real" = 0 ]; then
		check "$mode: the real fluxctl: its groups" \
			c -p real 'fluxctl show ' -- eval '[ "$(got)" = "$(sort -u "$tmp/real.out" | tr "\n" " " | sed "s/ $//")" ]'
	else
		check "$mode: the real fluxctl without the module: none" c -p real 'fluxctl show ' -- none
	fi
	check "$mode: list hangs: none, in under 5 s (timeout 2)" eval '
		t0=$(now); c -p hangs "fluxctl exec " -- none && t1=$(now) &&
		expect_range "completion took (s)" "$(minus "$t1" "$t0")" 0 5'

	note "--- $mode: after --, commands and their arguments"
	check "$mode: 'fluxctl run -- sle' -> sleep" c 'fluxctl run -- sle' -- has sleep
	check "$mode: 'fluxctl run --mode=kernel -- true -- sle' -> sleep (2nd command)" \
		c 'fluxctl run --mode=kernel -- true -- sle' -- has sleep
	check "$mode: 'fluxctl run -- cat fi' -> file1 file2" c 'fluxctl run -- cat fi' -- is file1 file2
	check "$mode: 'fluxctl exec alpha -- sle' -> sleep, no group" \
		c 'fluxctl exec alpha -- sle' -- eval 'has sleep && lacks alpha'
	check "$mode: 'fluxctl exec alpha -- cat -- fi' -> files (exec has one command)" \
		c 'fluxctl exec alpha -- cat -- fi' -- is file1 file2
	check "$mode: 'fluxctl run -- --mo': a command, not run's --mode" \
		c 'fluxctl run -- --mo' -- lacks --mode

	note "--- $mode: fluxcapacitor"
	check "$mode: 'fluxcapacitor --li' -> --libpath=, no space after" \
		c 'fluxcapacitor --li' -- eval 'is --libpath= && grep -qx -- "-o nospace" "$tmp/compopt"'
	check "$mode: 'fluxcapacitor --signal=SIGU' -> SIGURG SIGUSR1 SIGUSR2" \
		c 'fluxcapacitor --signal=SIGU' -- is SIGURG SIGUSR1 SIGUSR2
	check "$mode: 'fluxcapacitor --libpath=d' -> directories" \
		c 'fluxcapacitor --libpath=d' -- is dir1 dir2
	check "$mode: 'fluxcapacitor --output f' -> files" c 'fluxcapacitor --output f' -- is file1 file2
	check "$mode: 'fluxcapacitor -v -- true -- sle' -> sleep" \
		c 'fluxcapacitor -v -- true -- sle' -- has sleep

	note "--- $mode: drift guards: every option of each --help is offered"
	check "$mode: 'fluxctl run -' offers every option of fluxctl run --help, and --" \
		drift 'fluxctl run -' "$fluxctl" run --help
	for s in $subs; do
		[ "$s" = run ] || [ "$s" = help ] && continue
		check "$mode: 'fluxctl $s -' offers every option of fluxctl $s --help" \
			drift "fluxctl $s -" "$fluxctl" "$s" --help
	done
	check "$mode: 'fluxcapacitor -' offers every option of fluxcapacitor --help, and --" \
		drift 'fluxcapacitor -' "$fluxcapacitor" --help
}

rc_real=$rc
cases plain
if [ -f "$bc_file" ]; then
	cases bc
else
	note "bash-completion is not installed ($bc_file is missing): tested without it only;"
	note "FLUXCAP_BASH_COMPLETION=/path/to/bash_completion tests both ways"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
