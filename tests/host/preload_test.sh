#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# libfluxcap-preload.so reading the clock page, with no supervisor: a page
# written by userspace/ptrace/clockpage.c (through build/tests/progs/clockpage_writer)
# shifts every clock a dynamic program reads through libc (readclocks, date,
# python3, a library constructor that runs before the preload's), never a
# CPU clock, never errno; no fd leaks; no torn read while a writer flips the
# page; a missing or bad page leaves time real. TAP output.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

lib=$PWD/build/libfluxcap-preload.so
readclocks=build/tests/progs/readclocks
writer=build/tests/progs/clockpage_writer
mono=1000000.25		# virtual minus host, seconds
real=86400.5
n=0 failed=0 writer_pid=
tmp=$(mktemp -d)
cleanup() {
	[ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null
	rm -rf "$tmp"
	[ -n "${page:-}" ] && rm -f "$page"
}
trap cleanup EXIT

for f in "$lib" "$readclocks" "$writer" "$readclocks.static"; do
	[ -f "$f" ] || { echo "Bail out! $f is missing (make all host-tests)"; exit 1; }
done

result() { # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# skip DESCRIPTION REASON
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

show_stderr() { [ -s "$tmp/err" ] && sed 's/^/#   stderr: /' "$tmp/err"; }

# each PREFIX CMD...: one TAP result per PASS/FAIL line of a test program.
each() {
	local prefix=$1 out rc line seen=0 bad=0
	shift
	out=$("$@" 2>"$tmp/err")
	rc=$?
	while IFS= read -r line; do
		case $line in
		"PASS "*) result 0 "$prefix: ${line#PASS }"; seen=1 ;;
		"FAIL "*) result 1 "$prefix: ${line#FAIL }"; seen=1 bad=1 ;;
		"#"*) echo "$line" ;;
		esac
	done <<<"$out"
	if [ "$seen" = 0 ] || { [ "$rc" != 0 ] && [ "$bad" = 0 ]; }; then
		show_stderr
		result 1 "$prefix: $1 exited with status $rc"
	fi
}

# one DESCRIPTION CMD...: a test program's PASS/FAIL lines as one result.
one() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>"$tmp/err")
	rc=$?
	if [ "$rc" != 0 ] || ! grep -q '^PASS ' <<<"$out"; then
		grep '^FAIL ' <<<"$out" | sed 's/^/#   /'
		show_stderr
		result 1 "$desc (exit status $rc)"
	else
		result 0 "$desc ($(grep -c '^PASS ' <<<"$out") checks)"
	fi
}

# near VALUE EXPECTED SLACK: |VALUE - EXPECTED| <= SLACK (integers)
near() { [ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ]; }

# The preload and the main page on a command.
virt() { LD_PRELOAD=$lib FLUXCAP_CLOCK_PAGE=$page "$@"; }

# --- the writer, userspace/ptrace/clockpage.c

each "clockpage.c" "$writer" selftest
if ! page=$("$writer" create "$mono" "$real" 2>"$tmp/err"); then
	show_stderr
	echo "Bail out! cannot create a clock page"
	exit 1
fi
echo "# page: $page, mono +$mono s, real +$real s"

# --- every clock and time function, through the preload

each "readclocks" virt "$readclocks" check "$mono" "$real"
one "without the preload, readclocks sees the host's time" "$readclocks" check 0 0

while read -r m r why; do
	p=$("$writer" create "$m" "$r")
	one "offsets mono +$m s, real $r s ($why)" \
		env LD_PRELOAD="$lib" FLUXCAP_CLOCK_PAGE="$p" "$readclocks" check "$m" "$r"
	rm -f "$p"
done <<'EOF'
0.000000001 -1000000000.75 a start date in 1994: negative, carries
20000000000.999999999 20000000000.999999999 past the year 2600
EOF

# --- programs users run

host=$(date +%s)
v=$(virt date +%s)
near "$v" $((host + 86400)) 2
result $? "date +%s is 86400 s ahead, ±2 (host $host, virtual $v)"

host=$(date +%s)
out=$(virt sh -c 'date +%s; echo "$LD_PRELOAD|$FLUXCAP_CLOCK_PAGE"')
v=${out%%$'\n'*}
near "$v" $((host + 86400)) 2 && [ "${out#*$'\n'}" = "$lib|$page" ]
result $? "a child of a child: shifted too, and LD_PRELOAD and FLUXCAP_CLOCK_PAGE inherited"

if py=$(command -v python3) && "$py" -c 'import time' 2>/dev/null; then
	read -r hmono hreal < <("$readclocks" now)
	read -r vmono vreal < <(virt "$py" -c 'import time; print(int(time.monotonic()), int(time.time()))')
	near "${vmono:-0}" $((hmono + 1000000)) 2 && near "${vreal:-0}" $((hreal + 86400)) 2
	result $? "python3 time.monotonic() +1000000 s and time.time() +86400 s, ±2 (got $((${vmono:-0} - hmono)), $((${vreal:-0} - hreal)))"
else
	skip "python3 time.monotonic() and time.time() shifted" "no python3"
fi

# --- no fd leaks: the same descriptors as without the preload

base=$(ls /proc/self/fd | tr '\n' ' ')
with=$(virt ls /proc/self/fd | tr '\n' ' ')
[ "$base" = "$with" ]
result $? "ls /proc/self/fd lists the same fds with the preload ($with) as without ($base)"
base=$("$readclocks" fds "$page" no | grep '^# fds:')
each "fds" virt "$readclocks" fds "$page" yes
with=$(virt "$readclocks" fds "$page" yes | grep '^# fds:')
[ "$base" = "$with" ]
result $? "fds: after reading the clocks, the same fds as without the preload"

# --- torn reads: another process flips the page between two states

"$writer" flip "$page" 30 1000.25 2000.25 3000.75 -5000.75 >"$tmp/flips" &
writer_pid=$!
sleep 0.2
each "stress" virt "$readclocks" stress 400000 1000.25 3000.75 2000.25 -5000.75
kill "$writer_pid"
wait "$writer_pid"
echo "# writer: $(cat "$tmp/flips") in the meantime"
writer_pid=
"$writer" write "$page" "$mono" "$real"	# back to the main offsets

# --- another library's constructor reads the time before the preload's ran

cat >"$tmp/early.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4

static pthread_barrier_t go;
static long long mono_ms[THREADS + 1];

/* virtual minus host time, in ms */
static long long offset_ms(clockid_t clk)
{
	struct timespec h, v;

	syscall(SYS_clock_gettime, clk, &h);
	clock_gettime(clk, &v);
	return ((v.tv_sec - h.tv_sec) * 1000000000LL + v.tv_nsec - h.tv_nsec) / 1000000;
}

static void *reader(void *arg)
{
	pthread_barrier_wait(&go);
	mono_ms[(long)arg] = offset_ms(CLOCK_MONOTONIC);
	return NULL;
}

/* The first reads of the process, from five threads at once. */
__attribute__((constructor)) static void early(void)
{
	pthread_t t[THREADS];
	struct timespec h;
	long i;
	int e;

	pthread_barrier_init(&go, NULL, THREADS + 1);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, reader, (void *)i);
	errno = EDOM;
	pthread_barrier_wait(&go);
	mono_ms[THREADS] = offset_ms(CLOCK_MONOTONIC);
	e = errno;
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("errno %s\n", e == EDOM ? "kept" : "changed");
	for (i = 0; i <= THREADS; i++)
		printf("mono_ms %lld\n", mono_ms[i]);
	printf("real_ms %lld\n", offset_ms(CLOCK_REALTIME));
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &h);
	printf("time_s %lld\n", (long long)(time(NULL) - h.tv_sec));
}
EOF
printf 'int main(void) { return 0; }\n' >"$tmp/main.c"
if ! command -v cc >/dev/null; then
	skip "a library constructor reads the time before the preload's constructor" "no cc"
elif ! cc -O2 -fPIC -shared -o "$tmp/libearly.so" "$tmp/early.c" -lpthread 2>"$tmp/err" ||
	! cc -o "$tmp/early" "$tmp/main.c" -L"$tmp" -Wl,--no-as-needed -learly \
		-Wl,-rpath,"$tmp" 2>"$tmp/err"; then
	show_stderr
	result 1 "build the constructor test in $tmp"
else
	out=$(LD_DEBUG=libs virt "$tmp/early" 2>"$tmp/err")
	order=$(grep -o 'calling init: .*\(libearly\|libfluxcap-preload\)\.so' "$tmp/err" |
		sed 's|.*/||' | tr '\n' ' ')
	[ "$order" = "libearly.so libfluxcap-preload.so " ]
	result $? "the test library's constructor runs first (init order: $order)"
	[ "$(grep -c '^errno kept' <<<"$out")" = 1 ]
	result $? "constructor: the first read (which maps the page) keeps errno"
	bad=0
	while read -r ms; do near "$ms" 1000000250 50 || bad=1; done < <(sed -n 's/^mono_ms //p' <<<"$out")
	[ "$bad" = 0 ] && [ "$(grep -c '^mono_ms' <<<"$out")" = 5 ]
	result $? "constructor: 5 threads racing to the first read all see +1000000.25 s ($(sed -n 's/^mono_ms //p' <<<"$out" | tr '\n' ' ')ms)"
	ms=$(sed -n 's/^real_ms //p' <<<"$out")
	s=$(sed -n 's/^time_s //p' <<<"$out")
	near "${ms:-0}" 86400500 50 && near "${s:-0}" 86400 2
	result $? "constructor: CLOCK_REALTIME +${ms:-?} ms and time() +${s:-?} s"
fi

# --- no page, or a bad one: transparent; one line with FLUXCAP_DEBUG only

mkfifo "$tmp/fifo"
mkdir "$tmp/dir"
"$writer" write "$tmp/short" "$mono" "$real" size=16
"$writer" write "$tmp/magic" "$mono" "$real" magic=0x12345678
"$writer" write "$tmp/v0" "$mono" "$real" version=0
# transparent NAME ENV-ASSIGNMENT...: readclocks sees host time, says nothing
# unless FLUXCAP_DEBUG is set, and then one line about the page.
transparent() {
	local name=$1 out rc lines
	shift
	out=$(timeout 20 env -u FLUXCAP_CLOCK_PAGE -u FLUXCAP_DEBUG LD_PRELOAD="$lib" "$@" \
		"$readclocks" check 0 0 2>"$tmp/err")
	rc=$?
	[ "$rc" = 0 ] && [ ! -s "$tmp/err" ]
	rc=$?
	lines=$(timeout 20 env -u FLUXCAP_CLOCK_PAGE LD_PRELOAD="$lib" FLUXCAP_DEBUG=1 "$@" \
		"$readclocks" check 0 0 2>&1 >/dev/null | grep -c 'clock page:')
	[ "$rc" = 0 ] && [ "$lines" = 1 ]
	rc=$?
	[ "$rc" = 0 ] || { grep '^FAIL' <<<"$out" | sed 's/^/#   /'; show_stderr; }
	result "$rc" "$name: time stays real, silent; one line with FLUXCAP_DEBUG=1 ($lines)"
}
transparent "FLUXCAP_CLOCK_PAGE unset"
transparent "FLUXCAP_CLOCK_PAGE empty" FLUXCAP_CLOCK_PAGE=
transparent "page missing" FLUXCAP_CLOCK_PAGE="$tmp/nonexistent"
transparent "page is a directory" FLUXCAP_CLOCK_PAGE="$tmp/dir"
transparent "page is a FIFO (must not block)" FLUXCAP_CLOCK_PAGE="$tmp/fifo"
transparent "page is /dev/null" FLUXCAP_CLOCK_PAGE=/dev/null
transparent "page of 16 bytes" FLUXCAP_CLOCK_PAGE="$tmp/short"
transparent "page with a bad magic" FLUXCAP_CLOCK_PAGE="$tmp/magic"
transparent "page of version 0" FLUXCAP_CLOCK_PAGE="$tmp/v0"

"$writer" write "$tmp/v2" "$mono" "$real" version=2
one "a page of a later version (fields only appended) is read" \
	env LD_PRELOAD="$lib" FLUXCAP_CLOCK_PAGE="$tmp/v2" "$readclocks" check "$mono" "$real"
one "a static program ignores LD_PRELOAD: its vDSO reads stay real (documented)" \
	virt "$readclocks.static" check 0 0

# --- under the ptrace supervisor: the preload's reads (vDSO + page) agree
# with the raw system calls the supervisor virtualises, after a jump

if build/fluxctl run --help >/dev/null 2>&1; then
	one "under fluxctl run, after a 1000 s jump, vDSO reads agree with virtualised syscalls" \
		timeout 60 build/fluxctl run -- sh -c "sleep 1000 && exec $readclocks check 0 0"
else
	skip "under fluxctl run, vDSO reads agree with virtualised syscalls" "no fluxctl run"
fi

# --- speed: a sanity bound, not a benchmark (bench/ is)

native=$("$readclocks" bench 1000000)
with=$(virt "$readclocks" bench 1000000)
ratio=$(awk -v a="$with" -v b="$native" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }')
echo "# 10^6 clock_gettime(CLOCK_MONOTONIC), best of 3: native $native ns/call, preload $with ns/call (${ratio}x)"
awk -v r="$ratio" 'BEGIN { exit !(r < 20) }'
result $? "clock_gettime with the preload costs less than 20x native (${ratio}x)"

echo "1..$n"
[ "$failed" -eq 0 ]
