// SPDX-License-Identifier: GPL-2.0
/*
 * Timers of a member on the virtual clock: POSIX timers (each clock,
 * relative and absolute, each notify kind, periodic with overrun, gettime,
 * delete), alarm and ITIMER_REAL, sleeps on the alarm clocks (relative,
 * absolute, cut short), timerfd (each clock, relative and
 * absolute, periodic, missed expirations, gettime, cancel on a new start
 * date), and a wait the module
 * cannot move (SO_RCVTIMEO), which must hold the group instead of being
 * jumped past. The member is alone in its group, so every timer is jumped
 * to; each function checks what the program would see natively and says
 * what differed in r->msg (r->ret 0: as native). Virtual times are read
 * with the clock_gettime syscall.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>

#include "kselftest_harness.h"

#include "group.h"

#define TMO_S		1000LL
#define TMO_NS		(TMO_S * FX_NSEC)
#define SLACK_NS	(2 * FX_NSEC)	/* virtual time a member may run on */

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* r->ret = 1 and a message: not what a native run gives. */
#define BAD(r, ...) do {							\
	if (!(r)->ret) {							\
		(r)->ret = 1;							\
		snprintf((r)->msg, sizeof((r)->msg), __VA_ARGS__);		\
	}									\
} while (0)

static long long vnow(void)
{
	return fx_vclock_ns(CLOCK_MONOTONIC);
}

/* elapsed (virtual ns) must be want, give or take SLACK_NS (never less). */
static void check_elapsed(struct fx_result *r, const char *what,
			  long long elapsed, long long want)
{
	if (elapsed < want - FX_MSEC || elapsed > want + SLACK_NS)
		BAD(r, "%s after %.3f virtual s, not %.3f", what, elapsed / 1e9,
		    want / 1e9);
}

static void block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int wait_sig(int sig, siginfo_t *si)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigwaitinfo(&set, si);
}

/* ---- POSIX timers ---- */

struct posix_arg {
	clockid_t clk;
	bool abs;
};

static void posix_signal(struct fx_result *r, void *arg)
{
	const struct posix_arg *a = arg;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1,
			       .sigev_value.sival_int = 42 };
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) };
	long long t0 = vnow();
	siginfo_t si;
	timer_t id;

	block(SIGUSR1);
	if (timer_create(a->clk, &ev, &id)) {
		BAD(r, "timer_create: %s", strerror(errno));
		return;
	}
	if (a->abs)
		its.it_value = fx_ns_ts(fx_vclock_ns(a->clk) + TMO_NS);
	timer_settime(id, a->abs ? TIMER_ABSTIME : 0, &its, NULL);
	fx_ready();
	if (wait_sig(SIGUSR1, &si) != SIGUSR1) {
		BAD(r, "sigwaitinfo: %s", strerror(errno));
		return;
	}
	check_elapsed(r, "the signal", vnow() - t0, TMO_NS);
	if (si.si_code != SI_TIMER || si.si_value.sival_int != 42 ||
	    si.si_overrun != 0)
		BAD(r, "siginfo: code %d value %d overrun %d", si.si_code,
		    si.si_value.sival_int, si.si_overrun);
}

static const struct posix_arg p_real = { CLOCK_REALTIME, false };
static const struct posix_arg p_mono = { CLOCK_MONOTONIC, false };
static const struct posix_arg p_boot = { CLOCK_BOOTTIME, false };
static const struct posix_arg p_tai = { CLOCK_TAI, false };
static const struct posix_arg p_real_abs = { CLOCK_REALTIME, true };
static const struct posix_arg p_mono_abs = { CLOCK_MONOTONIC, true };
static const struct posix_arg p_boot_abs = { CLOCK_BOOTTIME, true };
static const struct posix_arg p_tai_abs = { CLOCK_TAI, true };

static sem_t thread_fired;

static void on_thread_timer(union sigval v)
{
	(void)v;
	sem_post(&thread_fired);
}

static void posix_sigev_thread(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD,
			       .sigev_notify_function = on_thread_timer };
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) };
	long long t0 = vnow();
	timer_t id;

	(void)arg;
	sem_init(&thread_fired, 0, 0);
	if (timer_create(CLOCK_MONOTONIC, &ev, &id)) {
		BAD(r, "timer_create: %s", strerror(errno));
		return;
	}
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	while (sem_wait(&thread_fired) && errno == EINTR)
		;
	check_elapsed(r, "the thread", vnow() - t0, TMO_NS);
}

static pid_t waiter_tid;
static siginfo_t waiter_si;

static void *sig_waiter(void *arg)
{
	(void)arg;
	waiter_tid = gettid();
	wait_sig(SIGUSR2, &waiter_si);
	return NULL;
}

static void posix_thread_id(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
			       .sigev_signo = SIGUSR2 };
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) };
	long long t0 = vnow();
	pthread_t th;
	timer_t id;

	(void)arg;
	block(SIGUSR2);
	pthread_create(&th, NULL, sig_waiter, NULL);
	while (!__atomic_load_n(&waiter_tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	ev.sigev_notify_thread_id = waiter_tid;
	if (timer_create(CLOCK_MONOTONIC, &ev, &id)) {
		BAD(r, "timer_create: %s", strerror(errno));
		return;
	}
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	pthread_join(th, NULL);
	check_elapsed(r, "the thread's signal", vnow() - t0, TMO_NS);
	if (waiter_si.si_code != SI_TIMER)
		BAD(r, "si_code %d", waiter_si.si_code);
}

/*
 * Blocked through N + 0.5 periods of 1 s: one signal, overrun N - 1. With
 * N = 1000 the jump is longer than the guest's uptime, so the timer's host
 * expiry moved by it would be below 0.
 */
static void posix_overrun(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value = { 1, 0 }, .it_interval = { 1, 0 } };
	long long periods = arg ? *(const long long *)arg : 10;
	struct timespec ts = { periods, 500000000 };
	siginfo_t si;
	timer_t id;

	block(SIGUSR1);
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	wait_sig(SIGUSR1, &si);
	if (si.si_overrun != periods - 1 || timer_getoverrun(id) != periods - 1)
		BAD(r, "overrun %d, timer_getoverrun %d (native: %lld)",
		    si.si_overrun, timer_getoverrun(id), periods - 1);
}

static const long long long_jump = 1000;

/* After a jump to another wait, timer_gettime counts from the jumped clock. */
static void posix_gettime(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) }, cur;
	struct timespec ts = { 300, 0 };
	long long left;
	timer_t id;

	(void)arg;
	block(SIGUSR1);
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	timer_gettime(id, &cur);
	left = fx_ts_ns(&cur.it_value);
	if (left > 700 * FX_NSEC || left < 700 * FX_NSEC - SLACK_NS)
		BAD(r, "%.3f s left, not 700", left / 1e9);
}

/* A SIGEV_NONE timer is never armed; its time left follows the jumps. */
static void posix_sigev_none(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) }, cur;
	struct timespec ts = { 300, 0 };
	long long left;
	timer_t id;

	(void)arg;
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	timer_gettime(id, &cur);
	left = fx_ts_ns(&cur.it_value);
	if (left > 700 * FX_NSEC || left < 700 * FX_NSEC - SLACK_NS)
		BAD(r, "%.3f s left, not 700", left / 1e9);
}

/* Deleted while armed: no signal, and the group jumps past it. */
static void posix_delete(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value = { 5, 0 } };
	struct timespec ts = { 10, 0 };
	long long t0 = vnow();
	sigset_t pend;
	timer_t id;

	(void)arg;
	block(SIGUSR1);
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	timer_delete(id);
	fx_ready();
	nanosleep(&ts, NULL);
	check_elapsed(r, "the sleep", vnow() - t0, 10 * FX_NSEC);
	sigpending(&pend);
	if (sigismember(&pend, SIGUSR1))
		BAD(r, "a deleted timer's signal came");
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal++;
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/*
 * A 2 s timer ends a 30 s nanosleep (arg NULL), or a clock_nanosleep on
 * the clock *arg: EINTR with 28 s left.
 */
static void posix_cuts_sleep(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value = { 2, 0 } };
	struct timespec ts = { 30, 0 }, rem = { 0, 0 };
	long long t0 = vnow(), left;
	const clockid_t *clk = arg;
	timer_t id;
	int err;

	handle(SIGUSR1);
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	if (clk)
		err = clock_nanosleep(*clk, 0, &ts, &rem);
	else
		err = nanosleep(&ts, &rem) ? errno : 0;
	if (err != EINTR || !got_signal)
		BAD(r, "the sleep: %s, %d signals", strerror(err), got_signal);
	check_elapsed(r, "the sleep", vnow() - t0, 2 * FX_NSEC);
	/*
	 * The sleep started a little after the timer: a little more is left,
	 * never the 30 s a sleep computing from before the jump would say.
	 */
	left = fx_ts_ns(&rem);
	if (left > 28 * FX_NSEC + 100 * FX_MSEC || left < 28 * FX_NSEC - SLACK_NS)
		BAD(r, "%.3f s left, not 28", left / 1e9);
}

static const clockid_t c_boot_alarm = CLOCK_BOOTTIME_ALARM;

/* A 2 s timer's signal ends a 30 s poll: EINTR at 2 s. */
static void posix_cuts_poll(struct fx_result *r, void *arg)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGUSR1 };
	struct itimerspec its = { .it_value = { 2, 0 } };
	long long t0 = vnow();
	timer_t id;
	int ret;

	(void)arg;
	handle(SIGUSR1);
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	timer_settime(id, 0, &its, NULL);
	fx_ready();
	ret = poll(NULL, 0, 30000);
	if (ret != -1 || errno != EINTR || !got_signal)
		BAD(r, "poll: %d (%s), %d signals", ret, strerror(errno),
		    got_signal);
	check_elapsed(r, "poll", vnow() - t0, 2 * FX_NSEC);
}

/*
 * clock_nanosleep on an alarm clock (root: CAP_WAKE_ALARM; the VM has an
 * RTC): 1000 virtual s, relative or absolute.
 */
static void alarm_sleep(struct fx_result *r, void *arg)
{
	const struct posix_arg *a = arg;
	clockid_t base = a->clk == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME :
			 CLOCK_BOOTTIME;
	struct timespec ts = fx_ns_ts(TMO_NS);
	long long t0 = vnow();
	int err;

	if (a->abs)
		ts = fx_ns_ts(fx_vclock_ns(base) + TMO_NS);
	fx_ready();
	err = clock_nanosleep(a->clk, a->abs ? TIMER_ABSTIME : 0, &ts, NULL);
	if (err)
		BAD(r, "clock_nanosleep: %s", strerror(err));
	check_elapsed(r, "the sleep", vnow() - t0, TMO_NS);
}

static const struct posix_arg a_real = { CLOCK_REALTIME_ALARM, false };
static const struct posix_arg a_boot = { CLOCK_BOOTTIME_ALARM, false };
static const struct posix_arg a_real_abs = { CLOCK_REALTIME_ALARM, true };
static const struct posix_arg a_boot_abs = { CLOCK_BOOTTIME_ALARM, true };

/* ---- alarm and ITIMER_REAL ---- */

static void alarm_pause(struct fx_result *r, void *arg)
{
	long long t0 = vnow();
	unsigned int prev;

	(void)arg;
	handle(SIGALRM);
	alarm(40);
	prev = alarm(40);
	if (prev != 40)
		BAD(r, "alarm returned %u, not 40", prev);
	fx_ready();
	pause();
	check_elapsed(r, "pause", vnow() - t0, 40 * FX_NSEC);
}

static void itimer_periodic(struct fx_result *r, void *arg)
{
	struct itimerval it = { .it_value = { 2, 0 }, .it_interval = { 1, 0 } };
	long long t0 = vnow(), left;
	siginfo_t si;
	int i;

	(void)arg;
	block(SIGALRM);
	setitimer(ITIMER_REAL, &it, NULL);
	fx_ready();
	for (i = 0; i < 5; i++)
		wait_sig(SIGALRM, &si);
	check_elapsed(r, "five SIGALRMs", vnow() - t0, 6 * FX_NSEC);
	if (si.si_code != SI_KERNEL)
		BAD(r, "si_code %d, not SI_KERNEL", si.si_code);
	getitimer(ITIMER_REAL, &it);
	left = it.it_value.tv_sec * FX_NSEC + it.it_value.tv_usec * 1000LL;
	if (left > FX_NSEC || left < FX_NSEC - SLACK_NS)
		BAD(r, "getitimer: %.3f s left, not 1", left / 1e9);
}

/* ---- timerfd ---- */

struct tfd_arg {
	clockid_t clk;
	bool abs;
};

static void tfd_oneshot(struct fx_result *r, void *arg)
{
	const struct tfd_arg *a = arg;
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) };
	long long t0 = vnow();
	uint64_t n = 0;
	int fd;

	fd = timerfd_create(a->clk, 0);
	if (a->abs)
		its.it_value = fx_ns_ts(fx_vclock_ns(a->clk) + TMO_NS);
	timerfd_settime(fd, a->abs ? TFD_TIMER_ABSTIME : 0, &its, NULL);
	fx_ready();
	if (read(fd, &n, sizeof(n)) != sizeof(n) || n != 1)
		BAD(r, "read: %llu expirations (%s)", (unsigned long long)n,
		    strerror(errno));
	check_elapsed(r, "the read", vnow() - t0, TMO_NS);
}

static const struct tfd_arg t_real = { CLOCK_REALTIME, false };
static const struct tfd_arg t_mono = { CLOCK_MONOTONIC, false };
static const struct tfd_arg t_boot = { CLOCK_BOOTTIME, false };
static const struct tfd_arg t_real_abs = { CLOCK_REALTIME, true };
static const struct tfd_arg t_mono_abs = { CLOCK_MONOTONIC, true };
static const struct tfd_arg t_boot_abs = { CLOCK_BOOTTIME, true };

/* 100 expirations of a 1 s timerfd in an epoll loop: 100 virtual s. */
/* arg: epoll_wait's timeout in ms (NULL: -1, none), never reached. */
static void tfd_epoll(struct fx_result *r, void *arg)
{
	struct itimerspec its = { .it_value = { 1, 0 }, .it_interval = { 1, 0 } };
	struct epoll_event e = { .events = EPOLLIN };
	int tmo = arg ? *(const int *)arg : -1;
	long long t0 = vnow();
	uint64_t n, total = 0;
	int fd, ep, reads = 0;

	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	timerfd_settime(fd, 0, &its, NULL);
	fx_ready();
	while (total < 100 && epoll_wait(ep, &e, 1, tmo) == 1) {
		if (read(fd, &n, sizeof(n)) != sizeof(n))
			break;
		total += n;
		reads++;
	}
	if (total != 100 || reads != 100)
		BAD(r, "%llu expirations in %d reads", (unsigned long long)total,
		    reads);
	check_elapsed(r, "100 expirations", vnow() - t0, 100 * FX_NSEC);
}

static const int epoll_1000s = 1000000;

/* Not read for N + 0.5 periods of 1 s: the read says N (see posix_overrun). */
static void tfd_missed(struct fx_result *r, void *arg)
{
	struct itimerspec its = { .it_value = { 1, 0 }, .it_interval = { 1, 0 } };
	long long periods = arg ? *(const long long *)arg : 10;
	struct timespec ts = { periods, 500000000 };
	uint64_t n = 0;
	int fd;

	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(fd, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	if (read(fd, &n, sizeof(n)) != sizeof(n) || (long long)n != periods)
		BAD(r, "read %llu expirations, not %lld", (unsigned long long)n,
		    periods);
	timerfd_gettime(fd, &its);
	if (fx_ts_ns(&its.it_value) > FX_NSEC / 2 + SLACK_NS)
		BAD(r, "next in %.3f s, not 0.5", fx_ts_ns(&its.it_value) / 1e9);
}

static void tfd_gettime(struct fx_result *r, void *arg)
{
	struct itimerspec its = { .it_value = fx_ns_ts(TMO_NS) };
	struct timespec ts = { 300, 0 };
	long long left;
	int fd;

	(void)arg;
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(fd, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	timerfd_gettime(fd, &its);
	left = fx_ts_ns(&its.it_value);
	if (left > 700 * FX_NSEC || left < 700 * FX_NSEC - SLACK_NS)
		BAD(r, "%.3f s left, not 700", left / 1e9);
}

/* A timer 300 years away is no timeout: a 5 s sleep ends at 5 s. */
static void far_timer(struct fx_result *r, void *arg)
{
	struct itimerspec its = { .it_value = { 300LL * 365 * 86400, 0 } };
	struct timespec ts = { 5, 0 };
	long long t0 = vnow();
	int fd;

	(void)arg;
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(fd, 0, &its, NULL);
	fx_ready();
	nanosleep(&ts, NULL);
	check_elapsed(r, "the sleep", vnow() - t0, 5 * FX_NSEC);
}

/* ---- a wait the module cannot move holds the group ---- */

static void *long_sleeper(void *arg)
{
	struct timespec ts = { 100, 0 };

	(void)arg;
	nanosleep(&ts, NULL);
	return NULL;
}

/*
 * recv with SO_RCVTIMEO of 1 s while a second thread sleeps 100 s: the recv
 * gets EAGAIN at 1 s, not after a jump of 100 s.
 */
static void rcvtimeo_holds(struct fx_result *r, void *arg)
{
	struct timeval tv = { 1, 0 };
	long long t0 = vnow();
	pthread_t th;
	int sv[2], ret;
	char c;

	(void)arg;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(&th, NULL, long_sleeper, NULL);
	fx_ready();
	ret = recv(sv[0], &c, 1, 0);
	if (ret != -1 || errno != EAGAIN)
		BAD(r, "recv: %d (%s), not EAGAIN", ret, strerror(errno));
	check_elapsed(r, "recv", vnow() - t0, FX_NSEC);
	pthread_join(th, NULL);
	check_elapsed(r, "the long sleep", vnow() - t0, 100 * FX_NSEC);
}

/* ---- a wait re-armed after a stop keeps its virtual deadline ---- */

/*
 * poll(10 s), or a 10 s clock_nanosleep on the clock *arg, stopped and
 * continued every virtual second by a child: the kernel restarts it
 * (restart_syscall) with the host deadline it computed at entry, which must
 * still mean 10 virtual seconds after the jumps in between.
 */
static void poll_restarted(struct fx_result *r, void *arg)
{
	struct timespec ts = { 1, 0 }, ten = { 10, 0 };
	const clockid_t *clk = arg;
	long long t0 = vnow();
	pid_t parent = getpid(), kid;
	int ret, i;

	kid = fork();
	if (kid == 0) {
		for (i = 0; i < 5; i++) {
			nanosleep(&ts, NULL);
			kill(parent, SIGSTOP);
			kill(parent, SIGCONT);
		}
		_exit(0);
	}
	fx_ready();
	if (clk) {
		ret = clock_nanosleep(*clk, 0, &ten, NULL);
		if (ret)
			BAD(r, "clock_nanosleep: %s", strerror(ret));
	} else {
		ret = poll(NULL, 0, 10000);
		if (ret != 0)
			BAD(r, "poll: %d (%s)", ret, strerror(errno));
	}
	check_elapsed(r, "the wait", vnow() - t0, 10 * FX_NSEC);
	waitpid(kid, NULL, 0);
}

/*
 * Timers that expired before they were armed (an absolute time long past):
 * the arm fires them at once (7.x leaves them unqueued for their caller
 * to fire), and they are no deadline afterwards: a later sleep still
 * jumps.
 */
static void expired_at_arm(struct fx_result *r, void *arg)
{
	struct itimerspec past = { .it_value = { 0, 1 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct timespec zero = { 0, 0 };
	long long t0;
	uint64_t n = 0;
	sigset_t set;
	timer_t pt;
	int fd;

	(void)arg;
	block(SIGUSR1);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (fd < 0 || timerfd_settime(fd, TFD_TIMER_ABSTIME, &past, NULL))
		BAD(r, "timerfd: %s", strerror(errno));
	else if (read(fd, &n, sizeof(n)) != sizeof(n) || n != 1)
		BAD(r, "timerfd read %llu expirations, not 1", (unsigned long long)n);
	if (timer_create(CLOCK_MONOTONIC, &sev, &pt) ||
	    timer_settime(pt, TIMER_ABSTIME, &past, NULL))
		BAD(r, "timer_create/settime: %s", strerror(errno));
	/* Fired at the arm (7.x) or by an interrupt soon after (6.x). */
	t0 = fx_vclock_ns(CLOCK_THREAD_CPUTIME_ID);
	do
		sigpending(&set);
	while (!sigismember(&set, SIGUSR1) &&
	       fx_vclock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < FX_NSEC);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigtimedwait(&set, NULL, &zero) != SIGUSR1)
		BAD(r, "the POSIX timer's SIGUSR1 is not pending");
	fx_ready();
	t0 = vnow();
	clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ TMO_S, 0 }, NULL);
	check_elapsed(r, "the sleep after them", vnow() - t0, TMO_NS);
	close(fd);
	timer_delete(pt);
}

FIXTURE(timer) {
	struct fx_env e;
};

FIXTURE_VARIANT(timer) {
	fx_fn fn;
	const void *arg;
	bool held;		/* the group reports it held (GROUP_HELD) */
};

#define KIND(vname, f, a, ...)							\
	FIXTURE_VARIANT_ADD(timer, vname) { .fn = f, .arg = a, __VA_ARGS__ }

KIND(posix_realtime, posix_signal, &p_real);
KIND(posix_monotonic, posix_signal, &p_mono);
KIND(posix_boottime, posix_signal, &p_boot);
KIND(posix_tai, posix_signal, &p_tai);
KIND(posix_abs_realtime, posix_signal, &p_real_abs);
KIND(posix_abs_monotonic, posix_signal, &p_mono_abs);
KIND(posix_abs_boottime, posix_signal, &p_boot_abs);
KIND(posix_abs_tai, posix_signal, &p_tai_abs);
KIND(posix_sigev_thread, posix_sigev_thread, NULL);
KIND(posix_sigev_thread_id, posix_thread_id, NULL);
KIND(posix_periodic_overrun, posix_overrun, NULL);
KIND(posix_periodic_overrun_long_jump, posix_overrun, &long_jump);
KIND(posix_gettime_after_jump, posix_gettime, NULL);
KIND(posix_sigev_none_gettime, posix_sigev_none, NULL);
KIND(posix_deleted_while_armed, posix_delete, NULL);
KIND(posix_ends_nanosleep_eintr, posix_cuts_sleep, NULL);
KIND(posix_ends_alarm_sleep_eintr, posix_cuts_sleep, &c_boot_alarm);
KIND(posix_ends_poll_eintr, posix_cuts_poll, NULL);
KIND(alarm_sleep_realtime, alarm_sleep, &a_real);
KIND(alarm_sleep_boottime, alarm_sleep, &a_boot);
KIND(alarm_sleep_abs_realtime, alarm_sleep, &a_real_abs);
KIND(alarm_sleep_abs_boottime, alarm_sleep, &a_boot_abs);
KIND(alarm_pause, alarm_pause, NULL);
KIND(itimer_real_periodic, itimer_periodic, NULL);
KIND(timerfd_realtime, tfd_oneshot, &t_real);
KIND(timerfd_monotonic, tfd_oneshot, &t_mono);
KIND(timerfd_boottime, tfd_oneshot, &t_boot);
KIND(timerfd_abs_realtime, tfd_oneshot, &t_real_abs);
KIND(timerfd_abs_monotonic, tfd_oneshot, &t_mono_abs);
KIND(timerfd_abs_boottime, tfd_oneshot, &t_boot_abs);
KIND(timerfd_periodic_epoll_100, tfd_epoll, NULL);
KIND(timerfd_periodic_epoll_100_with_timeout, tfd_epoll, &epoll_1000s);
KIND(timerfd_missed_expirations, tfd_missed, NULL);
KIND(timerfd_missed_expirations_long_jump, tfd_missed, &long_jump);
KIND(timerfd_gettime_after_jump, tfd_gettime, NULL);
KIND(timer_300_years_is_no_timeout, far_timer, NULL);
KIND(expired_at_arm_then_sleep, expired_at_arm, NULL);
KIND(so_rcvtimeo_holds, rcvtimeo_holds, NULL, .held = true);
KIND(poll_restarted_keeps_deadline, poll_restarted, NULL);
KIND(alarm_sleep_restarted_keeps_deadline, poll_restarted, &c_boot_alarm);

FIXTURE_SETUP(timer)
{
	FX_SETUP("timer", -1);
}

FIXTURE_TEARDOWN(timer)
{
	fx_env_cleanup(&self->e);
}

TEST_F_TIMEOUT(timer, as_native, 60)
{
	struct fx_result r;
	struct fx_child *c;
	struct fx_group g;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, variant->fn, (void *)variant->arg);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r)) {
		fx_get(&self->e, &g);
		TH_LOG("no result within %d ms of real time (group: members %u sleepers %u jumps %llu)",
		       FX_BOUND_MS, g.members, g.sleepers,
		       (unsigned long long)g.jumps);
	}
	ASSERT_NE(FX_NOJOIN, r.ret) TH_LOG("%s: %s", r.msg, strerror(r.err));
	TH_LOG("%.3f s real", (c->t_done - c->t_spawn) / 1e9);
	EXPECT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	ASSERT_EQ(0, fx_get(&self->e, &g));
	EXPECT_EQ(0, g.holds);	/* nothing armed is left */
	if (variant->held)
		EXPECT_LT(0, g.held);
}

/* ---- an advance passes the periods of an armed periodic timer ---- */

/* SET_GROUP ADVANCE_NS: the group's clock moves on by delta_ns now. */
static int advance_by(struct fx_env *e, long long delta_ns)
{
	struct fx_group g;

	return fx_group_set(&e->sock, e->family, e->name,
			    FLUXCAP_A_GROUP_ADVANCE_NS, delta_ns, 8, &g);
}

struct advance_arg {
	int go[2];		/* the test writes a byte when it has advanced */
};

static void tfd_after_advance(struct fx_result *r, void *arg)
{
	struct itimerspec its = { .it_value = { 1, 0 }, .it_interval = { 1, 0 } };
	struct advance_arg *a = arg;
	uint64_t n = 0;
	char c;
	int fd;

	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(fd, 0, &its, NULL);
	fx_ready();
	if (read(a->go[0], &c, 1) != 1)
		BAD(r, "no go from the test");
	r->t1 = vnow();
	if (read(fd, &n, sizeof(n)) != sizeof(n))
		BAD(r, "read: %s", strerror(errno));
	r->v[0] = n;
}

FIXTURE(manual) {
	struct fx_env e;
};

FIXTURE_SETUP(manual)
{
	FX_SETUP("tmrm", 0);	/* AUTO off: only the advance moves time */
}

FIXTURE_TEARDOWN(manual)
{
	fx_env_cleanup(&self->e);
}

/*
 * A 1 s periodic timerfd, then ADVANCE 10.5 s while its member waits on a
 * pipe: the read counts 10 expirations, as 10.5 s of time would.
 */
TEST_F_TIMEOUT(manual, advance_counts_periods, 60)
{
	struct advance_arg a;
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	ASSERT_EQ(0, pipe(a.go));
	c = fx_spawn(&self->e, tfd_after_advance, &a);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	fx_msleep(100);
	ASSERT_EQ(0, advance_by(&self->e, 10 * FX_NSEC + FX_NSEC / 2));
	ASSERT_EQ(1, write(a.go[1], "g", 1));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	/* 10.5 s advanced, and less than 0.5 s of real time since the arm. */
	EXPECT_EQ(10, r.v[0]) TH_LOG("read %lld expirations", r.v[0]);
}

/* ---- a new start date sets the group's REALTIME ---- */

/* Remaining time of a timerfd, in virtual ns. */
static long long tfd_left(int fd)
{
	struct itimerspec its;

	if (timerfd_gettime(fd, &its))
		return -1;
	return fx_ts_ns(&its.it_value);
}

/* A non-blocking read's errno (0: it read expirations). */
static int tfd_read_err(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) == sizeof(n))
		return 0;
	return errno;
}

/*
 * Three REALTIME timerfds armed absolute, TMO_S ahead: one to cancel on
 * set, one not, and one to cancel on set that never expires (how systemd
 * watches the clock). The member blocks in a read of the last one; the
 * test moves the start date by +100 s. Natively: that read fails with
 * ECANCELED, so does the first read of the other cancel-on-set one, never
 * the plain one's; the two others now expire TMO_S - 100 s from now.
 */
static void tfd_cancel_on_set(struct fx_result *r, void *arg)
{
	const int cancel_abs = TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET;
	struct itimerspec its = { .it_value = fx_ns_ts(0) };
	struct itimerspec never = { .it_value = { LONG_MAX, 0 } };
	int c, plain, far;
	uint64_t n;

	(void)arg;
	c = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	plain = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	far = timerfd_create(CLOCK_REALTIME, 0);
	its.it_value = fx_ns_ts(fx_vclock_ns(CLOCK_REALTIME) + TMO_NS);
	if (timerfd_settime(c, cancel_abs, &its, NULL) ||
	    timerfd_settime(plain, TFD_TIMER_ABSTIME, &its, NULL) ||
	    timerfd_settime(far, cancel_abs, &never, NULL)) {
		BAD(r, "timerfd_settime: %s", strerror(errno));
		return;
	}
	fx_ready();
	if (read(far, &n, sizeof(n)) != -1)
		BAD(r, "the blocking read gave %llu expirations, not ECANCELED",
		    (unsigned long long)n);
	else if (errno != ECANCELED)
		BAD(r, "the blocking read: %s, not ECANCELED", strerror(errno));
	r->v[0] = tfd_read_err(c);
	r->v[1] = tfd_read_err(c);
	r->v[2] = tfd_read_err(plain);
	r->v[3] = tfd_left(c);
	r->v[4] = tfd_left(plain);
}

/*
 * An absolute REALTIME sleep TMO_S ahead; the test moves the start date
 * by TMO_S - 10 s, then advances 10 s: natively the sleep ends then, 10 s
 * of CLOCK_MONOTONIC after it began.
 */
static void real_sleep_set(struct fx_result *r, void *arg)
{
	struct timespec ts = fx_ns_ts(fx_vclock_ns(CLOCK_REALTIME) + TMO_NS);

	(void)arg;
	r->t0 = vnow();
	fx_ready();
	r->ret = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
	r->t1 = vnow();
}

/* The group's virtual REALTIME now, moved by delta_ns. */
static int set_start_by(struct fx_env *e, long long delta_ns)
{
	struct fx_group g;

	if (fx_get(e, &g))
		return -1;
	return fx_group_set(&e->sock, e->family, e->name,
			    FLUXCAP_A_GROUP_START_NS, g.real_ns + delta_ns, 8,
			    &g);
}

TEST_F_TIMEOUT(manual, cancel_on_set, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, tfd_cancel_on_set, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, c->pid, "S", 10000));
	ASSERT_EQ(0, set_start_by(&self->e, 100 * FX_NSEC));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret) TH_LOG("%s", r.msg);
	EXPECT_EQ(ECANCELED, r.v[0]);
	EXPECT_EQ(EAGAIN, r.v[1]);	/* cancelled once per set */
	EXPECT_EQ(EAGAIN, r.v[2]);	/* a plain timerfd is not cancelled */
	/* Both still armed, 100 s nearer (real time passes too: AUTO is off). */
	EXPECT_LE((TMO_S - 100 - 20) * FX_NSEC, r.v[3]);
	EXPECT_GE((TMO_S - 100) * FX_NSEC, r.v[3]);
	EXPECT_LE((TMO_S - 100 - 20) * FX_NSEC, r.v[4]);
	EXPECT_GE((TMO_S - 100) * FX_NSEC, r.v[4]);
}

TEST_F_TIMEOUT(manual, realtime_sleep_follows_set, 60)
{
	struct fx_result r;
	struct fx_child *c;

	FX_RETURN_IF_SKIPPED();
	c = fx_spawn(&self->e, real_sleep_set, NULL);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, fx_wait_ready(c, 10000));
	ASSERT_EQ(0, fx_wait_state(c->pid, c->pid, "S", 10000));
	ASSERT_EQ(0, set_start_by(&self->e, (TMO_S - 10) * FX_NSEC));
	/* About 10 s are left (less the real time since the arm). */
	ASSERT_EQ(0, advance_by(&self->e, 8 * FX_NSEC));
	fx_msleep(200);
	ASSERT_FALSE(fx_has_result(c));
	ASSERT_EQ(0, advance_by(&self->e, 3 * FX_NSEC));
	ASSERT_EQ(0, fx_collect(c, FX_BOUND_MS, &r));
	EXPECT_EQ(0, r.ret);
	/* 11 s advanced, and the real time the test took (AUTO is off). */
	EXPECT_LE(11 * FX_NSEC - FX_MSEC, r.t1 - r.t0);
	EXPECT_GE(11 * FX_NSEC + 20 * FX_NSEC, r.t1 - r.t0);
}

TEST_HARNESS_MAIN
