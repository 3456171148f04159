#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fluxctl's kernel-mode subcommands (create, delete, list, show, set,
# attach, exec, monitor, run --mode kernel) on a host without the fluxcap
# module: --help of each, usage errors (exit 2, a message, nothing sent),
# "not loaded" (exit 1) for everything that needs the module, and `run
# --mode auto` falling back to ptrace mode. What needs the module is in
# the VM suite. TAP output; exits non-zero if any case failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

fluxctl=build/fluxctl
export LC_ALL=C
. tests/lib/tap.sh

# fx WANT-STATUS ARGS...: fluxctl ARGS (bounded, stdin from /dev/null) must
# exit WANT-STATUS; stdout and stderr go to $tmp/out and $tmp/err.
fx() {
	local want=$1
	shift
	rc=0
	timeout -k 5 30 "$fluxctl" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = "$want" ] || { note "exit $rc, expected $want: fluxctl $*"; return 1; }
}

# help SUB SYNOPSIS-REGEX: --help exits 0 with the synopsis on stdout, no stderr.
help() {
	fx 0 "$1" --help && out_has "^Usage: fluxctl $2" && [ ! -s "$tmp/err" ]
}

# usage WANT-REGEX ARGS...: exit 2, the message and the usage on stderr, no stdout.
usage() {
	local re=$1
	shift
	fx 2 "$@" && err_has "^fluxctl [a-z]+: .*$re" && err_has "^Usage: fluxctl" &&
		[ ! -s "$tmp/out" ]
}

# not_loaded ARGS...: exit 1 and the one-line reason.
not_loaded() {
	fx 1 "$@" && err_has "^fluxctl: the fluxcap module is not loaded \(modprobe fluxcap\)$"
}

[ -x "$fluxctl" ] || { echo "1..0 # SKIP $fluxctl not built (make userspace)"; exit 0; }

# --- --help ------------------------------------------------------------------

note "--- --help of every subcommand"
check "create --help" help create 'create NAME \[--cgroup PATH\] \[--no-auto\] \[--start DATE\]'
check "delete --help" help delete 'delete NAME$'
check "list --help" help list 'list \[-j\|--json\]'
check "show --help" help show 'show NAME \[-j\|--json\]'
check "set --help" help set 'set NAME freeze\|thaw\|advance DURATION\|start DATE\|auto on\|off'
check "attach --help" help attach 'attach NAME PID\.\.\.'
check "exec --help" help exec 'exec NAME \[--libpath DIR\] -- CMD \[ARGS\]'
check "monitor --help" help monitor 'monitor \[NAME\] \[-j\|--json\]'
check "oci-hook --help" help oci-hook 'oci-hook$'
check "run --help names --mode kernel" eval 'help run "run \[OPTIONS\] -- CMD" && out_has "auto \(default\), kernel or ptrace"'
check "-h works like --help (set -h)" help set 'set NAME'
check "--help after other arguments (set t advance --help)" eval 'fx 0 set t advance --help && out_has "^Usage: fluxctl set"'
check "help SUB (help monitor)" eval 'fx 0 help monitor && out_has "^Usage: fluxctl monitor"'
check "fluxctl --help lists every subcommand, none as planned" eval '
	fx 0 --help &&
	for s in version run create attach exec list show set monitor delete oci-hook; do
		out_has "^  $s +[A-Z]" || exit 1
	done &&
	! grep -q -i planned "$tmp/out"'

# --- usage errors: exit 2, before anything is sent ----------------------------------

note "--- usage errors"
check "create without NAME" usage 'missing NAME' create
check "delete without NAME" usage 'missing NAME' delete
check "show without NAME" usage 'missing NAME' show
check "set without NAME" usage 'missing NAME' set
check "attach without NAME" usage 'missing NAME' attach
check "exec without NAME" usage 'missing NAME' exec -- true
check "create with a bad name (a path)" usage "bad group name '\.\./x'" create ../x
check "create with a name too long" usage 'bad group name' create "$(printf 'a%.0s' {1..32})"
check "create with a name starting with '.'" usage 'bad group name' create .hidden
check "create with two names" usage 'one NAME only' create a b
check "create with an unknown option" usage "unknown option '--bogus'" create t --bogus
check "create --cgroup without a value" usage "needs a value" create t --cgroup
check "create --start garbage" usage "bad --start date 'garbage'" create t --start garbage
check "set without a setting" usage 'missing what to set' set t
check "set with an unknown setting" usage "unknown setting 'bogus'" set t bogus
check "set advance without a duration" usage "'advance' needs a value" set t advance
check "set advance abc" usage "bad duration 'abc'" set t advance abc
check "set advance -5s: negative" usage "negative duration '-5s'" set t advance -5s
check "set advance 1e999s: no exponents" usage "bad duration '1e999s'" set t advance 1e999s
check "set advance 9999999999h: overflow" usage "duration '9999999999h' is too long" set t advance 9999999999h
check "set advance 0" usage 'advance by 0' set t advance 0
check "set advance 5 parsecs" usage "bad duration '5pc'" set t advance 5pc
check "set freeze with an extra argument" usage "unexpected argument 'now'" set t freeze now
check "set auto maybe" usage "auto takes 'on' or 'off', not 'maybe'" set t auto maybe
check "set auto without a value" usage "'auto' needs a value" set t auto
check "set start garbage" usage "bad date 'yesterday'" set t start yesterday
check "create --external maybe" usage "--external takes 'hold' or 'ignore', not 'maybe'" create t --external maybe
check "create --external without a value" usage "needs a value" create t --external
check "set external maybe" usage "external takes 'hold' or 'ignore', not 'maybe'" set t external maybe
check "set external without a value" usage "'external' needs a value" set t external
check "run --external maybe: says which values, exit 1, the command does not run" eval '
	fx 1 run --external maybe -- touch "$tmp/ran" &&
	err_has "^fluxctl run: --external takes .hold. or .ignore., not .maybe.$" &&
	[ ! -e "$tmp/ran" ]'
check "attach without a PID" usage 'missing PID' attach t
check "attach with a non-numeric PID" usage "not a process id: '12x'" attach t 1 12x
check "attach with PID 0" usage "not a process id: '0'" attach t 0
check "attach with a negative PID" usage "not a process id: '-3'" attach t -3
check "exec without '--'" usage "the command must follow '--'" exec t
check "exec with a command but no '--'" usage "unexpected argument 'true'" exec t true
check "exec with nothing after '--'" usage "no command given after '--'" exec t --
check "exec --libpath without a value" usage "'--libpath' needs a value" exec t --libpath -- true
check "list with an argument" usage "unexpected argument 'x'" list x
check "list with an unknown option" usage "unknown option '--tree'" list --tree
check "show with two names" usage "unexpected argument 'b'" show a b
check "monitor with two names" usage "unexpected argument 'b'" monitor a b
check "monitor with a bad name" usage 'bad group name' monitor 'a b'

# --- without the module ------------------------------------------------------------

if [ -e /sys/module/fluxcap ]; then
	for c in create list show set delete attach exec monitor "run --mode kernel"; do
		skip "$c without the module" "the fluxcap module is loaded here"
	done
else
	note "--- the module is not loaded"
	mnt=$(awk '$(NF-2) == "cgroup2" || $9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	name=fc-cli-$$
	# create must ask the module before it makes the cgroup
	no_cgroup_made() {
		[ -z "$mnt" ] || [ ! -e "$mnt/fluxcap/$name" ] ||
			{ note "$mnt/fluxcap/$name exists"; return 1; }
	}
	check "create: not loaded, exit 1, no cgroup made" eval 'not_loaded create "$name" && no_cgroup_made'
	check "create --cgroup: not loaded" not_loaded create "$name" --cgroup /sys/fs/cgroup/x
	check "list: not loaded" not_loaded list
	check "list -j: not loaded, nothing on stdout" eval 'not_loaded list -j && [ ! -s "$tmp/out" ]'
	check "show: not loaded" not_loaded show "$name"
	check "set freeze: not loaded" not_loaded set "$name" freeze
	check "set advance 1.5h: not loaded" not_loaded set "$name" advance 1.5h
	check "delete: not loaded" not_loaded delete "$name"
	check "attach: not loaded" not_loaded attach "$name" $$
	check "exec: not loaded, the command does not run" eval '
		not_loaded exec "$name" -- touch "$tmp/ran" && [ ! -e "$tmp/ran" ]'
	check "monitor: not loaded" not_loaded monitor
	check "run --mode kernel: says so, exit 1 (not 2), the command does not run" eval '
		fx 1 run --mode kernel -- touch "$tmp/ran" &&
		err_has "kernel mode needs the fluxcap module, which is not loaded" &&
		[ ! -e "$tmp/ran" ]'
fi

# --- oci-hook: bad input from a runtime: one line, exit 2, never a hang ----------------

note "--- oci-hook input"
# hk WANT-STATUS INPUT [ARGS...]: fluxctl oci-hook with INPUT on stdin.
hk() {
	local want=$1 input=$2
	shift 2
	rc=0
	printf '%s' "$input" | timeout -k 5 30 "$fluxctl" oci-hook "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" = "$want" ] || { note "exit $rc, expected $want: oci-hook <<<'${input:0:80}'"; return 1; }
}
# hk_bad REGEX INPUT: exit 2, one line on stderr matching REGEX, nothing on stdout.
hk_bad() {
	hk 2 "$2" && err_has "^fluxctl oci-hook: .*$1" && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		[ ! -s "$tmp/out" ]
}
ann='"annotations":{"io.fluxcap.group":"ci"}'
state="{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"pid\":$$,\"status\":\"creating\",\"bundle\":\"$tmp/nob\",$ann}"
check "oci-hook: no state on stdin (/dev/null)" eval '
	fx 2 oci-hook && err_has "no OCI state on standard input \(it was empty\)" && [ ! -s "$tmp/out" ]'
check "oci-hook: white space only" hk_bad 'no OCI state on standard input' $' \n\t'
check "oci-hook: malformed JSON (cut short)" hk_bad 'not valid JSON: at byte 6: unexpected end of input' '{"id":'
check "oci-hook: malformed JSON (a trailing comma)" hk_bad "not valid JSON: at byte 10: expected a member name" '{"id":"a",}'
check "oci-hook: malformed JSON (a raw newline in a string)" hk_bad 'control character in a string' $'{"id":"a\nb"}'
check "oci-hook: text after the object" hk_bad 'text after the JSON value' "$state x"
check "oci-hook: invalid UTF-8" hk_bad 'invalid UTF-8' $'{"id":"\xff"}'
check "oci-hook: not an object" hk_bad 'the OCI state is not a JSON object' '["id"]'
check "oci-hook: nested 1000 deep: refused, no crash" hk_bad 'nested deeper than 64' "$(printf '[%.0s' {1..1000})"
check "oci-hook: no id" hk_bad 'has no "id"' '{"status":"creating","pid":1}'
check "oci-hook: pid not a number" hk_bad '"pid" is not a process id' '{"id":"a","status":"creating","pid":"12"}'
check "oci-hook: missing annotation (no annotations, no bundle)" \
	hk_bad 'no io.fluxcap.group annotation in the OCI state$' '{"id":"a","status":"creating","pid":1}'
mkdir -p "$tmp/bundle"
echo '{"ociVersion":"1.0.2","annotations":{"other":"x"}}' >"$tmp/bundle/config.json"
check "oci-hook: missing annotation (neither in the state nor in config.json)" \
	hk_bad "no io.fluxcap.group annotation in the OCI state or in the bundle's config.json" \
	"{\"id\":\"a\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"$tmp/bundle\",\"annotations\":{}}"
check "oci-hook: annotation not a string" hk_bad '"io.fluxcap.group" is not a string' \
	'{"id":"a","status":"creating","annotations":{"io.fluxcap.group":7}}'
check "oci-hook: bad group name in the annotation" hk_bad "bad group name '\.\./x'" \
	'{"id":"a","status":"creating","annotations":{"io.fluxcap.group":"../x"}}'
check "oci-hook: io.fluxcap.transient=yes" hk_bad "io.fluxcap.transient is 'yes', not 'true' or 'false'" \
	'{"id":"a","status":"creating","annotations":{"io.fluxcap.group":"ci","io.fluxcap.transient":"yes"}}'
check "oci-hook: status running (a poststart hook)" hk_bad "status 'running': run the hook at createRuntime" \
	"{\"id\":\"a\",\"status\":\"running\",$ann}"
check "oci-hook: an id that cannot name a cgroup" hk_bad "container id 'a/\.\./b' cannot name a cgroup" \
	"{\"id\":\"a/../b\",\"status\":\"creating\",$ann}"
check "oci-hook: an argument is a usage error" eval '
	hk 2 "$state" now && err_has "unexpected argument .now." && err_has "^Usage: fluxctl oci-hook"'
check "oci-hook: more than 4 MiB" eval '
	head -c 5000000 /dev/zero | tr "\0" " " | timeout 30 "$fluxctl" oci-hook 2>"$tmp/err"; [ $? = 2 ] &&
	err_has "larger than 4 MiB"'
# A writer that never closes: sleep holds the pipe open.
open_stdin() {
	local s=$SECONDS
	rc=0
	mkfifo "$tmp/open"
	sleep 40 >"$tmp/open" &
	bg_pids+=("$!")
	timeout -k 5 30 "$fluxctl" oci-hook <"$tmp/open" 2>"$tmp/err" || rc=$?
	kill "${bg_pids[-1]}" 2>/dev/null
	note "gave up after $((SECONDS - s)) s, exit $rc"
	[ "$rc" = 2 ] && err_has "standard input still open after 10 s" && [ $((SECONDS - s)) -lt 25 ]
}
check "oci-hook: stdin left open: gives up after 10 s (exit 2)" open_stdin
# Every prefix of a valid state: bad input or (the module absent) a failure, never a crash.
prefixes_ok() {
	local i bad=0
	for ((i = 0; i < ${#state}; i += 3)); do
		hk 2 "${state:0:i}" 2>/dev/null || { note "prefix of $i bytes: exit $rc"; bad=1; }
	done
	return "$bad"
}
check "oci-hook: each of ${#state} prefixes of a state is bad input (exit 2)" prefixes_ok
if [ -e /sys/module/fluxcap ]; then
	skip "oci-hook: a good state without the module: exit 1" "the fluxcap module is loaded here"
else
	check "oci-hook: a good state without the module: exit 1, not loaded" eval '
		hk 1 "$state" && err_has "the fluxcap module is not loaded"'
	check "oci-hook: poststop without the module: exit 1, not loaded" eval '
		hk 1 "${state/creating/stopped}" && err_has "the fluxcap module is not loaded"'
fi
mkdir -p "$tmp/fifob" && mkfifo "$tmp/fifob/config.json"
check "oci-hook: a config.json that is a FIFO: refused at once (exit 2)" hk_bad \
	"$tmp/fifob/config.json is not a regular file" \
	"{\"id\":\"a\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"$tmp/fifob\"}"
check "oci-hook: annotations from a missing config.json: exit 1, says which file" eval '
	hk 1 "{\"id\":\"a\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"$tmp/nob\"}" &&
	err_has "cannot read $tmp/nob/config.json: No such file"'

# --- run --mode auto: ptrace mode without the module ----------------------------------

note "--- run --mode auto"
if [ -e /sys/module/fluxcap ] && [ "$(id -u)" = 0 ]; then
	skip "run --mode auto falls back to ptrace" "kernel mode is usable here"
else
	check "run --mode auto -- true: exit 0" fx 0 run --mode auto -- true
	check "run --mode auto -- sh -c 'exit 3': exit 3" fx 3 run --mode auto -- sh -c 'exit 3'
	check "run --mode auto -v: picks ptrace mode, says why" eval '
		fx 0 run --mode auto -v -- true &&
		err_has "mode ptrace \(kernel mode is not available\)"'
	check "run (auto) -- sleep 3600 returns at once" eval '
		s=$SECONDS; fx 0 run -- sleep 3600 && [ $((SECONDS - s)) -lt 20 ]'
fi
check "version still exits 0" eval 'fx 0 version && out_has "^fluxctl "'

echo "1..$n"
[ "$failed" -eq 0 ] || note "$failed of $n cases failed"
[ "$failed" -eq 0 ]
