// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the clocks the way programs do, through libc's PLT (so through
 * libfluxcap-preload.so when it is loaded), and compares with the host's
 * time from the raw system call, which no preload sees. Used by
 * tests/host/preload_test.sh. Offsets are decimal seconds ("86400.5",
 * "-1.25"). Checks print "PASS <what>" or "FAIL <what>: <why>"; the exit
 * status is 1 when one failed.
 *
 *   readclocks check MONO REAL       every clock id and time function
 *   readclocks now                   host "MONO_SEC REAL_SEC"
 *   readclocks stress READS MONO_A MONO_B REAL_A REAL_B
 *                                    never a mix of two published states
 *   readclocks fds PAGE yes|no       no fd on PAGE; PAGE mapped or not
 *   readclocks bench N               ns per clock_gettime(CLOCK_MONOTONIC),
 *                                    best of 3 rounds of N calls
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NSEC 1000000000LL
#define SLACK 1000000LL		/* 1 ms, far below any offset tested */
#define TICK 20000000LL		/* what a coarse clock may lag */

/* <sys/timeb.h> is gone from glibc's headers; the function is not. */
struct timeb_abi {
	time_t time;
	unsigned short millitm;
	short timezone;
	short dstflag;
};
int ftime(struct timeb_abi *tb);
int __gettimeofday(struct timeval *tv, void *tz);

static int failures;

/* gettimeofday() for NULL tv, which <sys/time.h> declares nonnull. */
static int (*volatile gtod)(struct timeval *tv, void *tz) = gettimeofday;

static void __attribute__((format(printf, 2, 3))) report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/* "-1.25" → -1250000000 ns. Exits on garbage. */
static __int128 parse_offset(const char *s)
{
	const char *p = s;
	__int128 sec = 0, frac = 0, scale = NSEC;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9')
		sec = sec * 10 + (*p++ - '0');
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			scale /= 10;
			if (!scale)
				goto bad;
			frac += (*p++ - '0') * scale;
		}
	}
	if (*p)
		goto bad;
	return neg ? -(sec * NSEC + frac) : sec * NSEC + frac;
bad:
	fprintf(stderr, "readclocks: bad offset '%s'\n", s);
	exit(2);
}

static __int128 ns_of(const struct timespec *ts)
{
	return (__int128)ts->tv_sec * NSEC + ts->tv_nsec;
}

/* The host's time of clk, past any preload. */
static int host(clockid_t clk, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, clk, ts) ? errno : 0;
}

static __int128 host_ns(clockid_t clk)
{
	struct timespec ts;

	host(clk, &ts);
	return ns_of(&ts);
}

static const char *fmt_ns(__int128 ns, char *buf, size_t size)
{
	bool neg = ns < 0;
	__int128 a = neg ? -ns : ns;

	snprintf(buf, size, "%s%lld.%09lld", neg ? "-" : "",
		 (long long)(a / NSEC), (long long)(a % NSEC));
	return buf;
}

static __int128 floor_div(__int128 a, __int128 b)
{
	return a / b - (a % b < 0);
}

/* v must lie in [lo, hi]; says by how much it misses. */
static void bracket(const char *what, __int128 v, __int128 lo, __int128 hi)
{
	char b1[48], b2[48];

	if (v < lo)
		report(false, "%s: %s s too early", what, fmt_ns(lo - v, b1, sizeof(b1)));
	else if (v > hi)
		report(false, "%s: %s s too late", what, fmt_ns(v - hi, b2, sizeof(b2)));
	else
		report(true, "%s", what);
}

struct clock {
	const char *name;
	clockid_t id;
	char base;	/* 'm' mono offset, 'r' real offset, 0 none */
};

static void check_clock(const struct clock *c, __int128 mono, __int128 real)
{
	__int128 off = c->base == 'm' ? mono : c->base == 'r' ? real : 0;
	struct timespec h1, h2, v = { 12345, 678 };
	char what[128], b[48];
	int herr, r, e;

	snprintf(what, sizeof(what), "clock_gettime(%s) %s", c->name,
		 c->base ? (c->base == 'm' ? "monotonic offset" : "realtime offset")
			 : "untouched");
	herr = host(c->id, &h1);
	errno = EDOM;
	r = clock_gettime(c->id, &v);
	e = errno;
	host(c->id, &h2);
	if (herr) {
		report(r == -1 && e == herr && v.tv_sec == 12345 && v.tv_nsec == 678,
		       "clock_gettime(%s) fails like the host (errno %d), output untouched%s",
		       c->name, herr, r == -1 && e == herr ? "" : ": it did not");
		return;
	}
	if (r || e != EDOM) {
		report(false, "%s: returned %d, errno %d (EDOM expected: kept)", what, r, e);
		return;
	}
	if (c->base)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " %s s",
			 fmt_ns(off, b, sizeof(b)));
	snprintf(what + strlen(what), sizeof(what) - strlen(what), ", errno kept");
	bracket(what, ns_of(&v), ns_of(&h1) + off - SLACK, ns_of(&h2) + off + SLACK);
}

static int check(__int128 mono, __int128 real)
{
	static const struct clock clocks[] = {
		{ "CLOCK_REALTIME", CLOCK_REALTIME, 'r' },
		{ "CLOCK_MONOTONIC", CLOCK_MONOTONIC, 'm' },
		{ "CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID, 0 },
		{ "CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID, 0 },
		{ "CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW, 'm' },
		{ "CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE, 'r' },
		{ "CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE, 'm' },
		{ "CLOCK_BOOTTIME", CLOCK_BOOTTIME, 'm' },
		{ "CLOCK_REALTIME_ALARM", CLOCK_REALTIME_ALARM, 'r' },
		{ "CLOCK_BOOTTIME_ALARM", CLOCK_BOOTTIME_ALARM, 'm' },
		{ "CLOCK_TAI", CLOCK_TAI, 'r' },
		{ "id 10 (unused)", 10, 0 },
		{ "id 12 (past the last)", 12, 0 },
		{ "id 1000", 1000, 0 },
		/* a dynamic clock on an fd that is not open: EINVAL */
		{ "FD_TO_CLOCKID(1000)", (clockid_t)((~1000u << 3) | 3), 0 },
	};
	struct clock dyn;
	struct timespec ts = { 12345, 678 }, h1, h2;
	struct timeval tv;
	struct timezone tz, htz;
	struct timeb_abi tb;
	char what[128], b[48];
	unsigned int i;
	time_t t, t2;
	int r, e;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		check_clock(&clocks[i], mono, real);

	dyn.base = 0;
	dyn.name = "clock_getcpuclockid(0)";
	if (!clock_getcpuclockid(0, &dyn.id))
		check_clock(&dyn, mono, real);
	dyn.name = "pthread_getcpuclockid(self)";
	if (!pthread_getcpuclockid(pthread_self(), &dyn.id))
		check_clock(&dyn, mono, real);

	errno = EDOM;
	r = clock_gettime(100, &ts);
	report(r == -1 && errno == EINVAL, "clock_gettime(100) sets errno EINVAL");

	/* gettimeofday and its twin: microseconds of CLOCK_REALTIME */
	for (i = 0; i < 2; i++) {
		const char *name = i ? "__gettimeofday" : "gettimeofday";

		host(CLOCK_REALTIME, &h1);
		errno = EDOM;
		r = i ? __gettimeofday(&tv, NULL) : gettimeofday(&tv, NULL);
		e = errno;
		host(CLOCK_REALTIME, &h2);
		snprintf(what, sizeof(what), "%s() realtime offset %s s, errno kept", name,
			 fmt_ns(real, b, sizeof(b)));
		if (r || e != EDOM)
			report(false, "%s: returned %d, errno %d", what, r, e);
		else
			bracket(what, (__int128)tv.tv_sec * NSEC + tv.tv_usec * 1000LL,
				ns_of(&h1) + real - 1000 - SLACK, ns_of(&h2) + real + SLACK);
	}
	memset(&htz, 0x55, sizeof(htz));
	memset(&tz, 0xaa, sizeof(tz));
	syscall(SYS_gettimeofday, NULL, &htz);
	host(CLOCK_REALTIME, &h1);
	r = gettimeofday(&tv, &tz);
	host(CLOCK_REALTIME, &h2);
	report(r == 0 && tz.tz_minuteswest == htz.tz_minuteswest &&
	       tz.tz_dsttime == htz.tz_dsttime,
	       "gettimeofday(tv, tz) fills tz like the host");
	bracket("gettimeofday(tv, tz) realtime offset",
		(__int128)tv.tv_sec * NSEC + tv.tv_usec * 1000LL,
		ns_of(&h1) + real - 1000 - SLACK, ns_of(&h2) + real + SLACK);
	memset(&tz, 0xaa, sizeof(tz));
	r = gtod(NULL, &tz);
	report(r == 0 && tz.tz_minuteswest == htz.tz_minuteswest,
	       "gettimeofday(NULL, tz) returns the zone only");
	report(gtod(NULL, NULL) == 0, "gettimeofday(NULL, NULL) returns 0");

	/* time(): whole seconds of the coarse clock, which lags a tick */
	host(CLOCK_REALTIME, &h1);
	errno = EDOM;
	t2 = 0;
	t = time(&t2);
	e = errno;
	host(CLOCK_REALTIME, &h2);
	snprintf(what, sizeof(what), "time() realtime offset %s s, errno kept",
		 fmt_ns(real, b, sizeof(b)));
	if (t != t2 || e != EDOM)
		report(false, "%s: returned %lld, stored %lld, errno %d", what,
		       (long long)t, (long long)t2, e);
	else
		bracket(what, (__int128)t * NSEC,
			floor_div(ns_of(&h1) + real - TICK, NSEC) * NSEC,
			floor_div(ns_of(&h2) + real, NSEC) * NSEC);
	t = time(NULL);
	report(t >= t2 && t <= t2 + 2, "time(NULL) agrees with time(&t)");

	/* timespec_get(TIME_UTC): CLOCK_REALTIME */
	host(CLOCK_REALTIME, &h1);
	errno = EDOM;
	r = timespec_get(&ts, TIME_UTC);
	e = errno;
	host(CLOCK_REALTIME, &h2);
	snprintf(what, sizeof(what), "timespec_get(TIME_UTC) realtime offset %s s, errno kept",
		 fmt_ns(real, b, sizeof(b)));
	if (r != TIME_UTC || e != EDOM)
		report(false, "%s: returned %d, errno %d", what, r, e);
	else
		bracket(what, ns_of(&ts), ns_of(&h1) + real - SLACK, ns_of(&h2) + real + SLACK);
	ts.tv_sec = 12345;
	ts.tv_nsec = 678;
	r = timespec_get(&ts, 12345);
	report(r == 0 && ts.tv_sec == 12345 && ts.tv_nsec == 678,
	       "timespec_get(bad base) returns 0, output untouched");

	/* ftime(): milliseconds of CLOCK_REALTIME */
	memset(&tb, 0x55, sizeof(tb));
	host(CLOCK_REALTIME, &h1);
	errno = EDOM;
	r = ftime(&tb);
	e = errno;
	host(CLOCK_REALTIME, &h2);
	snprintf(what, sizeof(what), "ftime() realtime offset %s s, errno kept",
		 fmt_ns(real, b, sizeof(b)));
	if (r || e != EDOM || tb.timezone || tb.dstflag)
		report(false, "%s: returned %d, errno %d, zone %d, dst %d", what, r, e,
		       tb.timezone, tb.dstflag);
	else
		bracket(what, (__int128)tb.time * NSEC + tb.millitm * 1000000LL,
			ns_of(&h1) + real - 1000000 - SLACK, ns_of(&h2) + real + SLACK);

	/* resolution is not time: untouched */
	r = clock_getres(CLOCK_MONOTONIC, &ts);
	syscall(SYS_clock_getres, CLOCK_MONOTONIC, &h1);
	report(r == 0 && ts.tv_sec == h1.tv_sec && ts.tv_nsec == h1.tv_nsec,
	       "clock_getres(CLOCK_MONOTONIC) untouched");
	return failures ? 1 : 0;
}

/*
 * A torn read would pair one state's seconds with the other's nanoseconds;
 * the states differ in both, by half a second at least, so the offset a
 * read implies, known within the host reads around it, tells.
 */
static int stress(long reads, __int128 mono_a, __int128 mono_b, __int128 real_a,
		  __int128 real_b)
{
	long i, seen_a = 0, seen_b = 0, skipped = 0, torn = 0;
	char b1[48], b2[48];

	for (i = 0; i < reads; i++) {
		bool rt = i & 1;
		clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		__int128 a = rt ? real_a : mono_a, b = rt ? real_b : mono_b;
		struct timespec h1, v, h2;
		__int128 lo, hi;

		host(clk, &h1);
		clock_gettime(clk, &v);
		host(clk, &h2);
		/* the offset applied lies in [v - h2, v - h1] */
		lo = ns_of(&v) - ns_of(&h2) - 1000;
		hi = ns_of(&v) - ns_of(&h1) + 1000;
		if (hi - lo > NSEC / 10) {
			skipped++;	/* preempted: too wide to tell */
			continue;
		}
		if (lo <= a && a <= hi) {
			seen_a++;
		} else if (lo <= b && b <= hi) {
			seen_b++;
		} else if (torn++ < 5) {
			printf("# read %ld of %s: offset in [%s, %s], neither state\n", i,
			       rt ? "CLOCK_REALTIME" : "CLOCK_MONOTONIC",
			       fmt_ns(lo, b1, sizeof(b1)), fmt_ns(hi, b2, sizeof(b2)));
		}
	}
	printf("# %ld reads: %ld of state A, %ld of state B, %ld torn, %ld too slow to tell\n",
	       reads, seen_a, seen_b, torn, skipped);
	report(!torn, "no read mixes two published states (%ld reads)", reads);
	report(seen_a && seen_b, "reads saw both states (the writer was flipping)");
	return failures ? 1 : 0;
}

static int fds(const char *page, bool want_mapped)
{
	char link[PATH_MAX], name[300], line[PATH_MAX + 128], list[512] = "";
	struct timespec ts;
	struct dirent *de;
	bool on_page = false, mapped = false, ro_shared = false;
	FILE *maps;
	DIR *d;
	ssize_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	time(NULL);
	d = opendir("/proc/self/fd");
	if (!d) {
		report(false, "open /proc/self/fd: %s", strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s", de->d_name);
		snprintf(name, sizeof(name), "/proc/self/fd/%s", de->d_name);
		n = readlink(name, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			on_page |= !strcmp(link, page);
		}
	}
	closedir(d);
	printf("# fds:%s\n", list);
	report(!on_page, "no descriptor left open on the page");

	maps = fopen("/proc/self/maps", "re");
	while (maps && fgets(line, sizeof(line), maps)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > strlen(page) &&
		    !strcmp(line + strlen(line) - strlen(page), page)) {
			mapped = true;
			ro_shared = !!strstr(line, " r--s ");
		}
	}
	if (maps)
		fclose(maps);
	if (want_mapped)
		report(mapped && ro_shared, "page mapped read-only and shared%s",
		       mapped ? (ro_shared ? "" : ": not r--s") : ": not mapped");
	else
		report(!mapped, "page not mapped");
	return failures ? 1 : 0;
}

/* The best of 3 rounds of n calls: a sanity number on a busy machine. */
static int bench(long n)
{
	double best = 0;
	struct timespec ts;
	__int128 t0, t1;
	long i, sum = 0;
	int round;

	for (i = 0; i < n / 10; i++) {	/* warm up: caches, page faults, CPU clock */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sum += ts.tv_nsec;
	}
	for (round = 0; round < 3; round++) {
		t0 = host_ns(CLOCK_MONOTONIC);
		for (i = 0; i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sum += ts.tv_nsec;
		}
		t1 = host_ns(CLOCK_MONOTONIC);
		if (!round || (double)(t1 - t0) / n < best)
			best = (double)(t1 - t0) / n;
	}
	printf("%.1f\n", best + (sum == 42) * 1e-9);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(parse_offset(argv[2]), parse_offset(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%lld %lld\n", (long long)(host_ns(CLOCK_MONOTONIC) / NSEC),
		       (long long)(host_ns(CLOCK_REALTIME) / NSEC));
		return 0;
	}
	if (argc == 7 && !strcmp(argv[1], "stress"))
		return stress(atol(argv[2]), parse_offset(argv[3]), parse_offset(argv[4]),
			      parse_offset(argv[5]), parse_offset(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "fds"))
		return fds(argv[2], !strcmp(argv[3], "yes"));
	if (argc == 3 && !strcmp(argv[1], "bench"))
		return bench(atol(argv[2]));
	fprintf(stderr, "usage: see the top of tests/host/progs/readclocks.c\n");
	return 2;
}
