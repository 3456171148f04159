// SPDX-License-Identifier: GPL-2.0
/*
 * The clock page's writer for tests/host/preload_test.sh. Test programs are
 * single files, so this one compiles the supervisor's own writer,
 * userspace/ptrace/clockpage.c, in: the tests exercise the code fluxctl runs.
 * Offsets are decimal seconds ("86400.5", "-1.25").
 *
 *   clockpage_writer create MONO REAL   a page as fluxctl makes it; prints
 *                                       a second name of it, left for the
 *                                       caller (the janitor removes the first)
 *   clockpage_writer write PATH MONO REAL [magic=N] [version=N] [size=N]
 *                                       a page at PATH, valid or not
 *   clockpage_writer flip PATH SECONDS MONO_A REAL_A MONO_B REAL_B
 *                                       alternates two states until
 *                                       SIGTERM or SECONDS, half of the
 *                                       time with a slow writer; prints
 *                                       "flips N"
 *   clockpage_writer selftest           checks userspace/ptrace/clockpage.c
 *
 * selftest prints "PASS <what>" or "FAIL <what>: <why>", like readclocks.
 */

#include "../../../userspace/ptrace/clockpage.c"
#include "../../../userspace/ptrace/janitor.c"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <time.h>

static int failures;

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

/* "-1.25" → sec -2, nsec 750000000: the page's normalised form. */
static void parse_offset(const char *s, int64_t *sec, uint32_t *nsec)
{
	const char *p = s;
	int64_t whole = 0;
	uint32_t frac = 0, scale = NSEC_PER_SEC;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9')
		whole = whole * 10 + (*p++ - '0');
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
	*sec = neg ? -whole : whole;
	*nsec = frac;
	if (neg && frac) {
		*sec -= 1;
		*nsec = NSEC_PER_SEC - frac;
	}
	return;
bad:
	fprintf(stderr, "clockpage_writer: bad offset '%s'\n", s);
	exit(2);
}

/* Maps an existing page read-write into f, as fc_clockpage_create would. */
static int open_page(const char *path, struct fc_clockpage_file *f)
{
	void *map;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	map = mmap(NULL, sizeof(*f->page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -errno;
	f->page = map;
	f->size = sizeof(*f->page);
	snprintf(f->path, sizeof(f->path), "%s", path);
	return 0;
}

static int cmd_create(char **argv)
{
	char kept[PATH_MAX + 8];
	struct fc_clockpage_file f;
	int64_t ms, rs;
	uint32_t mn, rn;
	int ret;

	parse_offset(argv[0], &ms, &mn);
	parse_offset(argv[1], &rs, &rn);
	ret = fc_clockpage_create(&f);
	if (ret) {
		fprintf(stderr, "clockpage_writer: create: %s\n", strerror(-ret));
		return 1;
	}
	fc_clockpage_publish(&f, ms, mn, rs, rn, 1);
	/* The janitor removes the file's name when we exit: a second one stays. */
	snprintf(kept, sizeof(kept), "%s.kept", fc_clockpage_path(&f));
	if (link(fc_clockpage_path(&f), kept)) {
		fprintf(stderr, "clockpage_writer: link: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", kept);
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	struct fc_clockpage_file f = { 0 };
	unsigned long magic = FLUXCAP_CLOCK_PAGE_MAGIC;
	unsigned long version = FLUXCAP_CLOCK_PAGE_VERSION;
	unsigned long size = 4096;
	int64_t ms, rs;
	uint32_t mn, rn;
	int i, fd, ret;

	parse_offset(argv[1], &ms, &mn);
	parse_offset(argv[2], &rs, &rn);
	for (i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "magic=", 6))
			magic = strtoul(argv[i] + 6, NULL, 0);
		else if (!strncmp(argv[i], "version=", 8))
			version = strtoul(argv[i] + 8, NULL, 0);
		else if (!strncmp(argv[i], "size=", 5))
			size = strtoul(argv[i] + 5, NULL, 0);
	}
	fd = open(argv[0], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, size)) {
		perror(argv[0]);
		return 1;
	}
	close(fd);
	if (size < sizeof(*f.page))
		return 0;	/* too short to hold a page: leave it zero */
	ret = open_page(argv[0], &f);
	if (ret) {
		fprintf(stderr, "clockpage_writer: %s: %s\n", argv[0], strerror(-ret));
		return 1;
	}
	f.page->version = version;
	fc_clockpage_publish(&f, ms, mn, rs, rn, 1);
	__atomic_store_n(&f.page->magic, magic, __ATOMIC_RELEASE);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The same protocol as fc_clockpage_publish(), with a pause between the
 * stores, like a writer preempted half way: without the sequence lock, a
 * reader would mix the halves quite often here, whereas its window with a
 * fast writer is a nanosecond or two.
 */
static void slow_publish(struct fluxcap_clock_page *p, int64_t ms, uint32_t mn,
			 int64_t rs, uint32_t rn)
{
	uint32_t odd = __atomic_load_n(&p->seq, __ATOMIC_RELAXED) | 1;
	volatile int spin;

	__atomic_store_n(&p->seq, odd, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&p->mono_sec, ms, __ATOMIC_RELAXED);
	__atomic_store_n(&p->real_sec, rs, __ATOMIC_RELAXED);
	for (spin = 0; spin < 200; spin++)
		;
	__atomic_store_n(&p->mono_nsec, mn, __ATOMIC_RELAXED);
	__atomic_store_n(&p->real_nsec, rn, __ATOMIC_RELAXED);
	__atomic_store_n(&p->seq, odd + 1, __ATOMIC_RELEASE);
}

static int cmd_flip(char **argv)
{
	struct fc_clockpage_file f = { 0 };
	int64_t ms[2], rs[2];
	uint32_t mn[2], rn[2];
	struct timespec now;
	unsigned long flips = 0;
	time_t end;
	int ret, k;

	parse_offset(argv[2], &ms[0], &mn[0]);
	parse_offset(argv[3], &rs[0], &rn[0]);
	parse_offset(argv[4], &ms[1], &mn[1]);
	parse_offset(argv[5], &rs[1], &rn[1]);
	ret = open_page(argv[0], &f);
	if (ret) {
		fprintf(stderr, "clockpage_writer: %s: %s\n", argv[0], strerror(-ret));
		return 1;
	}
	signal(SIGTERM, on_term);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now.tv_sec + atoi(argv[1]);
	while (!stop) {
		for (k = 0; k < 4096; k++) {
			int s = flips++ & 1;
			volatile int spin;

			if (flips & 2)
				slow_publish(f.page, ms[s], mn[s], rs[s], rn[s]);
			else
				fc_clockpage_publish(&f, ms[s], mn[s], rs[s], rn[s], flips);
			for (spin = 0; spin < 100; spin++)
				;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= end)
			break;
	}
	printf("flips %lu\n", flips);
	return 0;
}

/* Whether any fd of ours refers to path. */
static bool fd_on(const char *path)
{
	char name[300], link[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d = opendir("/proc/self/fd");
	ssize_t n;

	while (d && (de = readdir(d))) {
		snprintf(name, sizeof(name), "/proc/self/fd/%s", de->d_name);
		n = readlink(name, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found |= !strcmp(link, path);
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int cmd_selftest(void)
{
	struct fc_clockpage_file f, g, none = { 0 };
	struct fluxcap_clock_page *p;
	char prefix[PATH_MAX], path[PATH_MAX];
	struct stat st;
	int ret;

	umask(077);	/* the mode must not depend on it */
	ret = fc_clockpage_create(&f);
	report(!ret, "fc_clockpage_create returns 0 (%s)", ret ? strerror(-ret) : "ok");
	if (ret)
		return 1;
	p = f.page;
	/* /dev/shm, unless this system has none we can write to */
	snprintf(prefix, sizeof(prefix), "%s/fluxcap-%d-clock-",
		 !access("/dev/shm", W_OK | X_OK) ? "/dev/shm" :
		 getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	report(!strncmp(fc_clockpage_path(&f), prefix, strlen(prefix)),
	       "the page is %s* (%s)", prefix, fc_clockpage_path(&f));
	ret = stat(f.path, &st);
	report(!ret && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644,
	       "a regular file, mode 0644 under umask 077 (%o)", st.st_mode & 07777);
	report(st.st_size >= (off_t)sizeof(*p) && st.st_blocks > 0,
	       "sized (%lld bytes) and allocated", (long long)st.st_size);
	report(p->magic == FLUXCAP_CLOCK_PAGE_MAGIC && p->version == FLUXCAP_CLOCK_PAGE_VERSION &&
	       p->seq == 0 && p->flags == 0 && !p->mono_sec && !p->real_sec && !p->jumps,
	       "magic, version; seq, flags and offsets zero");
	report(!fd_on(f.path), "no descriptor left open on the page");

	fc_clockpage_publish(&f, 86400, 500000000, -2, 750000000, 7);
	report(p->seq == 2 && p->mono_sec == 86400 && p->mono_nsec == 500000000 &&
	       p->real_sec == -2 && p->real_nsec == 750000000 && p->jumps == 7,
	       "publish stores the offsets, seq 0 -> 2");
	fc_clockpage_publish(&f, 1, 2500000000U, 3, 999999999, 8);
	report(p->seq == 4 && p->mono_sec == 3 && p->mono_nsec == 500000000 &&
	       p->real_sec == 3 && p->real_nsec == 999999999,
	       "publish carries nanoseconds >= 1e9 into seconds, seq 2 -> 4");
	p->seq = 5;	/* as if a writer had died half way */
	fc_clockpage_publish(&f, 1, 0, 1, 0, 9);
	report(p->seq == 6, "publish after a left-odd seq ends even (%u)", p->seq);

	ret = fc_clockpage_create(&g);
	report(!ret && strcmp(f.path, g.path), "a second page gets another name");
	if (!ret)
		fc_clockpage_destroy(&g);

	snprintf(path, sizeof(path), "%s", f.path);
	fc_clockpage_destroy(&f);
	report(stat(path, &st) && errno == ENOENT && !f.page && !*fc_clockpage_path(&f),
	       "destroy unlinks the file and forgets it");
	fc_clockpage_destroy(&f);
	fc_clockpage_destroy(&none);
	fc_clockpage_publish(&none, 1, 0, 1, 0, 1);
	report(true, "destroy twice, publish and destroy without a page: no-ops");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "create"))
		return cmd_create(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "write"))
		return cmd_write(argc - 2, argv + 2);
	if (argc == 8 && !strcmp(argv[1], "flip"))
		return cmd_flip(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "selftest"))
		return cmd_selftest();
	fprintf(stderr, "usage: see the top of tests/host/progs/clockpage_writer.c\n");
	return 2;
}
