#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make style`: the kernel's checkpatch.pl --strict on every file of module/,
# core/ and include/ (taken at run time from Debian's linux-source package,
# never committed), shellcheck on the project's shell scripts, and
# tests/callgraph.py (no cycles between files, core/ below everything, private
# headers stay private; then the same checks on a fake tree, so the checker
# itself is tested). TAP output.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

n=0 failed=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

cp_dir=build/checkpatch
if [ ! -f "$cp_dir/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$tarball" ]; then
		mkdir -p "$cp_dir"
		tar -xJf "$tarball" -C "$cp_dir" --strip-components=2 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	fi
fi
if [ -f "$cp_dir/checkpatch.pl" ]; then
	for f in $(git ls-files 'module/*.[ch]' 'core/*.[ch]' 'include/*.h' 2>/dev/null ||
		ls module/*.[ch] core/*.[ch] include/uapi/linux/*.h); do
		out=$(perl "$cp_dir/checkpatch.pl" --no-tree --strict --terse --show-types \
			--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$f" 2>&1)
		rc=$?
		[ "$rc" -ne 0 ] && echo "$out" | grep -v '^total:' | sed 's/^/# /'
		result "$rc" "checkpatch --strict $f"
	done
else
	result 1 "checkpatch.pl available (install linux-source-6.1: make deps)"
fi

if command -v shellcheck >/dev/null; then
	for f in tests/vm/run tests/vm/mkinitramfs tests/vm/guest-init tests/vm/guest-suite tests/vm/*.sh \
		tests/check.sh tests/style.sh tests/host/*.sh tests/lib/*.sh scripts/*.sh .ci/run; do
		[ -f "$f" ] || continue
		out=$(shellcheck -x -S warning "$f" 2>&1)
		rc=$?
		[ "$rc" -ne 0 ] && echo "$out" | sed 's/^/# /'
		result "$rc" "shellcheck $f"
	done
	out=$(shellcheck -s bash -S warning userspace/cli/fluxctl.bash-completion 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] && echo "$out" | sed 's/^/# /'
	result "$rc" "shellcheck userspace/cli/fluxctl.bash-completion"
	out=$(shellcheck -s sh -S warning tests/vm/init-stage1 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] && echo "$out" | sed 's/^/# /'
	result "$rc" "shellcheck tests/vm/init-stage1"
else
	result 1 "shellcheck available (make deps)"
fi

# sub_tap CMD...: run a TAP program and count its results as ours (renumbered);
# one failure more if it exits non-zero without saying why or runs no test.
sub_tap() {
	local out rc line desc seen=0 bad=0
	out=$("$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) desc=${line#ok }; result 0 "${desc#* - }"; seen=$((seen + 1)) ;;
		"not ok "*) desc=${line#not ok }; result 1 "${desc#* - }"; seen=$((seen + 1)); bad=1 ;;
		"#"*) echo "$line" ;;
		1..*) ;;
		*) echo "# $line" ;;
		esac
	done <<<"$out"
	[ "$rc" -eq 0 ] || [ "$bad" = 1 ] || result 1 "$* exited with status $rc"
	[ "$seen" -gt 0 ] || result 1 "$* ran no test"
}

sub_tap python3 tests/callgraph.py
sub_tap python3 tests/callgraph.py --self-test

echo "1..$n"
[ "$failed" -eq 0 ]
