// SPDX-License-Identifier: GPL-2.0
/*
 * Reads every clock a program can read, through libc (the vDSO, or the
 * preload's clock page under fluxctl) and through the raw syscalls, prints
 * them one per line as "<source>.<clock> <sec>.<nsec>", and checks that they
 * agree with each other. With --sleep=SEC it sleeps (nanosleep), reads them
 * again and checks that every one moved by the sleep, not less, not much more.
 *
 * With --lines it reads them at start and again at each line on stdin (a
 * process attached to a group by pid, driven from outside), printing "read N"
 * after the Nth set, until end of file.
 *
 * usage: clocks [--only=libc|sys] [--sleep=SEC] [--slack=SEC] [--lines]
 * A static binary's libc reads go through the vDSO: ptrace mode hides it at
 * exec; kernel mode must make the vDSO itself virtual (issue 13), and --only=sys
 * tests the syscalls alone. CLOCK_MONOTONIC_RAW is left out: issue 3 does not
 * ask for it to be virtual.
 * Last line "ok clocks ..." and exit 0, or "FAIL ..." and exit 1.
 */
#define _GNU_SOURCE
#include "prog.h"

enum src { LIBC, SYS };

struct reading {
	enum src src;
	const char *name;
	clockid_t clk; /* -1: gettimeofday, -2: time */
	__int128 ns;
};

#define GETTIMEOFDAY ((clockid_t)-1)
#define TIME ((clockid_t)-2)

static const clockid_t clock_ids[] = {
	CLOCK_REALTIME,	 CLOCK_MONOTONIC,	CLOCK_BOOTTIME,
	CLOCK_TAI,	 CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
};

#define MAX_READINGS 32

static const char *src_name(enum src s)
{
	return s == LIBC ? "libc" : "sys";
}

static __int128 read_one(enum src s, clockid_t clk)
{
	struct timeval tv;
	time_t t;

	if (clk >= 0)
		return prog_read(clk, s == SYS);
	if (clk == GETTIMEOFDAY) {
		if (s == SYS ? syscall(SYS_gettimeofday, &tv, NULL) : gettimeofday(&tv, NULL))
			prog_fail("gettimeofday (%s): %s", src_name(s), strerror(errno));
		return (__int128)tv.tv_sec * PROG_NSEC + tv.tv_usec * 1000;
	}
#ifdef SYS_time
	t = s == SYS ? (time_t)syscall(SYS_time, NULL) : time(NULL);
#else
	t = time(NULL);
#endif
	if (t == (time_t)-1)
		prog_fail("time (%s): %s", src_name(s), strerror(errno));
	return (__int128)t * PROG_NSEC;
}

static size_t read_all(struct reading *r, bool want[2])
{
	size_t n = 0, i;
	int s;

	for (s = LIBC; s <= SYS; s++) {
		if (!want[s])
			continue;
		for (i = 0; i < PROG_ARRAY_SIZE(clock_ids); i++)
			r[n++] = (struct reading){ s, prog_clock_name(clock_ids[i]), clock_ids[i],
						   0 };
		r[n++] = (struct reading){ s, "gettimeofday", GETTIMEOFDAY, 0 };
#ifdef SYS_time
		r[n++] = (struct reading){ s, "time", TIME, 0 };
#else
		if (s == LIBC)
			r[n++] = (struct reading){ s, "time", TIME, 0 };
#endif
	}
	for (i = 0; i < n; i++)
		r[i].ns = read_one(r[i].src, r[i].clk);
	return n;
}

static const struct reading *find(const struct reading *r, size_t n, enum src s, clockid_t clk)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].src == s && r[i].clk == clk)
			return &r[i];
	return NULL;
}

/* Reads made within microseconds of each other: a second is plenty. */
static bool near(const struct reading *a, const struct reading *b, __int128 lo, __int128 hi)
{
	__int128 d = b->ns - a->ns;

	if (d >= lo && d <= hi)
		return true;
	printf("# %s.%s - %s.%s = %s s, want [%s, %s]\n", src_name(b->src), b->name,
	       src_name(a->src), a->name, prog_s(d), prog_s(lo), prog_s(hi));
	return false;
}

static bool agree(const struct reading *r, size_t n)
{
	const __int128 s = PROG_NSEC;
	const struct reading *real, *mono, *x;
	bool ok = true;
	size_t i;
	int src;

	for (src = LIBC; src <= SYS; src++) {
		real = find(r, n, src, CLOCK_REALTIME);
		mono = find(r, n, src, CLOCK_MONOTONIC);
		if (!real)
			continue;
		/* REALTIME family: coarse lags by a tick, time() truncates. */
		x = find(r, n, src, CLOCK_REALTIME_COARSE);
		ok &= near(real, x, -s, s);
		x = find(r, n, src, GETTIMEOFDAY);
		ok &= near(real, x, -s, s);
		x = find(r, n, src, TIME);
		if (x)
			ok &= near(real, x, -2 * s, s);
		/* TAI is REALTIME plus the kernel's TAI offset: 0 or 37 s. */
		x = find(r, n, src, CLOCK_TAI);
		ok &= near(real, x, -s, 100 * s);
		x = find(r, n, src, CLOCK_MONOTONIC_COARSE);
		ok &= near(mono, x, -s, s);
		/* BOOTTIME = MONOTONIC + time suspended. */
		x = find(r, n, src, CLOCK_BOOTTIME);
		ok &= near(mono, x, -s, 1000000 * s);
	}
	/* Both ways to read a clock show the same clock. */
	for (i = 0; i < n; i++) {
		if (r[i].src != LIBC)
			continue;
		x = find(r, n, SYS, r[i].clk);
		if (x)
			ok &= near(&r[i], x, -2 * s, 2 * s);
	}
	return ok;
}

static void print_all(const struct reading *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s.%s %s\n", src_name(r[i].src), r[i].name, prog_s(r[i].ns));
}

/* --lines: a set of readings now and at each line on stdin, "read N" after each. */
static int read_each_line(bool want[2])
{
	struct reading r[MAX_READINGS];
	char buf[256];
	int round = 0;
	size_t n;

	do {
		n = read_all(r, want);
		print_all(r, n);
		if (!agree(r, n))
			prog_fail("clocks: the clocks of read %d disagree", round);
		printf("read %d\n", round++);
		fflush(stdout);
	} while (fgets(buf, sizeof(buf), stdin));
	printf("ok clocks reads=%d\n", round);
	return 0;
}

int main(int argc, char **argv)
{
	struct reading before[MAX_READINGS], after[MAX_READINGS];
	__int128 sleep_ns = -1, slack = 5 * PROG_NSEC;
	bool want[2] = { true, true }, lines = false, ok;
	size_t n, i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--only=libc")) {
			want[SYS] = false;
		} else if (!strcmp(argv[a], "--only=sys")) {
			want[LIBC] = false;
		} else if (!strncmp(argv[a], "--sleep=", 8)) {
			sleep_ns = prog_parse_sec_or_die("--sleep", argv[a] + 8);
		} else if (!strncmp(argv[a], "--slack=", 8)) {
			slack = prog_parse_sec_or_die("--slack", argv[a] + 8);
		} else if (!strcmp(argv[a], "--lines")) {
			lines = true;
		} else {
			fprintf(stderr, "usage: clocks [--only=libc|sys] [--sleep=SEC] "
					"[--slack=SEC] [--lines]\n");
			return 1;
		}
	}
	if (lines)
		return read_each_line(want);

	n = read_all(before, want);
	print_all(before, n);
	ok = agree(before, n);
	if (sleep_ns >= 0) {
		struct timespec ts = prog_ns_ts(sleep_ns);

		if (nanosleep(&ts, NULL))
			prog_fail("nanosleep: %s", strerror(errno));
		read_all(after, want);
		ok &= agree(after, n);
		for (i = 0; i < n; i++) {
			__int128 d = after[i].ns - before[i].ns;
			/* A coarse clock lags by a tick; time() by up to 1 s. */
			__int128 early = before[i].clk == TIME ? PROG_NSEC : 20000000;
			char label[64];

			snprintf(label, sizeof(label), "%s.%s", src_name(after[i].src),
				 after[i].name);
			printf("moved %s %s\n", label, prog_s(d));
			ok &= prog_elapsed_ok("sleep", label, d, sleep_ns, early, slack);
		}
	}
	if (!ok)
		prog_fail("clocks: the clocks disagree or did not move with the sleep");
	printf("ok clocks readings=%zu", n);
	if (sleep_ns >= 0)
		printf(" slept=%s", prog_s(sleep_ns));
	printf("\n");
	return 0;
}
