// SPDX-License-Identifier: GPL-2.0
/*
 * The ptrace supervisor (see tracer.h). It owns:
 *  - the tracee table: every thread of the tree, followed through fork,
 *    vfork, clone and exec (PTRACE_SEIZE + PTRACE_O_TRACE*);
 *  - the virtual clock and the sleeper queue (core/), and the clock page
 *    the preload reads;
 *  - the event loop: waitpid stops, a signalfd (SIGCHLD, forwarded
 *    signals) and a timerfd (the next host deadline or idle re-check).
 * A sleeper is ended with PTRACE_INTERRUPT, which no program can see, and
 * its syscall's result is rewritten to exactly what a real timeout gives.
 * The tree is idle when /proc shows every thread asleep in one pass
 * during which its processes' CPU-time clocks did not move (a thread seen
 * in a pure sleep by such a pass is not read again until a signal may
 * have reached it); then the clock jumps to the earliest deadline. A lone
 * sleeper skips its syscall altogether (one stop).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clockpage.h"
#include "cpuclock.h"
#include "exec_vdso.h"
#include "exit.h"
#include "fc_clock.h"
#include "fc_sleepq.h"
#include "foreign_abi.h"
#include "foreign_call.h"
#include "forward.h"
#include "hidden_wait.h"
#include "preload.h"
#include "sigdisp.h"
#include "signal_due.h"
#include "taskstat.h"
#include "trace_filter.h"
#include "trace_settime.h"
#include "trace_timer.h"
#include "trace_timerfd.h"
#include "trace_wait.h"
#include "tracer.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ERESTART_RESTARTBLOCK 516
#define ERESTARTSYS 512
#define ERESTARTNOHAND 514
#define ERESTARTNOINTR 513

#define RECHECK_MIN_NS 20000LL		/* first idle re-check after 20 us */
#define RECHECK_MAX_NS 10000000LL	/* then backing off to 10 ms */
#define CONFIRM_NS 300000LL		/* idle: look again after 300 us */
#define SPIN_NS 20000LL			/* see await_report() */
#define BLOCKING_NS 200000LL		/* see sees_blocked() */
#define TOOK_NS 100000000LL		/* see took_already() */
#define TOOK_MAX 64
#define TABLE_SIZE 1024

/* IN_TIMER: a timer syscall to finish at its exit; IN_SIGWAIT: a sigwait
 * without timeout, which may dequeue a timer's signal; IN_PTRACE: a ptrace
 * call, which fails if it would trace a tracee; IN_FOREIGN: an ia32 or x32
 * call (foreign_call.h), counted as running until its exit; IN_SETTIME: an
 * adjtimex read whose time is made virtual at its exit */
enum tracee_state {
	RUNNING, IN_WAIT, IN_READ, IN_TIMER, IN_SIGWAIT, IN_PTRACE, IN_FOREIGN, IN_SETTIME
};

struct tracee {
	pid_t tid;
	pid_t tgid;		/* its process, 0 until looked up */
	int cmd;		/* index of the command it leads, or -1 */
	bool startup;		/* auto-attached: its first stop is pending */
	bool swallow_sigcont;	/* our own SIGCONT of the start-up */
	bool listening;		/* in a group-stop (PTRACE_LISTEN) */
	bool vforking;		/* resumed from its vfork event: waits for the child */
	bool reaped;		/* its /proc entry is gone: a stale entry */
	bool refused;		/* a 32-bit program killed at its exec */
	enum tracee_state state;
	bool fired;		/* we ended its wait */
	/* seen blocked in a pure sleep by a look that found the tree idle,
	 * with no report since: only a signal or the supervisor can end it
	 * (see quiescent()); seen: by the look under way */
	bool asleep, seen;
	int shared_ix;		/* quiescent()'s entry of its process, or -1 */
	/* base: its CPU time when a look that found the tree idle saw it in
	 * S, with no report since; while it has not run since, it is in that
	 * same sleep (see look_one()); next: this look's, kept if idle */
	bool base_ok, next_ok;
	unsigned long long base_run, base_slices, next_run, next_slices;
	struct fc_taskstat base_conf, next_conf;	/* its syscall file then */
	struct user_regs_struct saved;	/* registers at the seccomp stop */
	struct fc_wait wait;
	struct fc_timer_call tcall;
	struct fc_foreign_call fcall;
	struct fc_settime_call scall;
	struct fc_sleeper node;
	/* an interrupted wait the kernel will restart: keep its deadline */
	struct {
		bool valid;
		long nr;		/* -1: via restart_syscall */
		struct user_regs_struct regs;	/* its registers at entry */
		struct fc_wait wait;
		bool fresh;	/* re-run with the time left written back */
	} restart;
	struct fc_taskstat_files files;	/* its /proc files, kept open */
	/* its process's [vdso], once looked up, and whether the preload
	 * there reads the clock page (then it adds the offset itself) */
	bool maps_known, preloaded;
	unsigned long vdso_lo, vdso_hi;
	struct tracee *hnext, *prev, *next;
};

struct tracer {
	const struct fc_trace_opts *o;
	struct fc_clock clock;
	struct fc_sleepq q;
	struct fc_timers timers;	/* POSIX timers, itimers, timerfds */
	struct fc_clockpage_file page;
	bool have_page;
	struct tracee *table[TABLE_SIZE];
	struct tracee *all;	/* list of every tracee */
	int ntracees;
	pid_t *pids;		/* the commands' processes */
	int *status;		/* their exit statuses, -1 while running */
	int running;		/* commands not yet exited */
	/*
	 * Signals a user sent the tree's processes (SI_USER) that they took
	 * lately, and the supervisor's own to forward once the reports are
	 * in: a signal sent to a process group reaches both (see
	 * send_forwards()).
	 */
	struct user_signal { pid_t tgid, sender; int sig; struct timespec at; } took[TOOK_MAX];
	int ntook;
	struct user_signal fwd[8];
	int nfwd;
	int tfd, sfd;
	sigset_t oldmask;
	long long recheck_ns;	/* next idle re-check delay, 0: none due */
	struct timespec recheck_at;
	bool reported_forever;
	bool reported_hold;		/* -v said why time holds */
	bool reported_unseen;		/* -v said a tracee is not dumpable */
	bool reported_unpatched;	/* -v said a time read stayed real */
	bool reported_ptrace;		/* said why a tracer inside fails */
	bool jumps_off;			/* a foreign call armed a kernel timer */
	bool idle_pending;		/* idle once: confirming before a jump */
	bool woke_parent;		/* reaped a process since the last jump */
	/* a signal for one thread may come unseen (a CPU-time timer the
	 * kernel runs): no sleeper is trusted, every thread is read */
	bool sleepers_unsure;
	bool may_spin;			/* more than one CPU to run on */
	bool wchan_ok;			/* wchan_says_asleep() may ask */
	int wchan_wrong;		/* sleepers in a row whose wchan read "0" */
	struct rlimit nofile;		/* the caller's, for the commands */
	struct fc_cpuclock cpu;		/* quiescent()'s processes and clocks */
	struct {
		pid_t tgid;
		int sleepers;		/* seen asleep, to be passed over */
		bool clear;		/* ... and no signal pending for the process */
	} *shared;			/* quiescent()'s processes of sleepers */
	int nshared, shared_size;
};

static void logv(struct tracer *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logv(struct tracer *tr, const char *fmt, ...)
{
	struct fc_host_now now;
	struct fc_time v;
	struct tm tm;
	time_t secs;
	char when[32];
	va_list ap;

	if (!tr->o->verbose)
		return;
	fc_host_now(&now);
	v = fc_clock_to_virtual(&tr->clock, FC_CLOCK_REALTIME, now.real);
	secs = (time_t)v.sec;
	if (gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, sizeof(when), "@%lld", (long long)v.sec);
	fprintf(tr->o->log, "%s: [%s.%06u] ", tr->o->prog, when, v.nsec / 1000);
	va_start(ap, fmt);
	vfprintf(tr->o->log, fmt, ap);
	va_end(ap);
	fputc('\n', tr->o->log);
	fflush(tr->o->log);
}

/* ---- the tracee table ---- */

static pid_t tgid_of(pid_t tid);

/* t's process (thread group), looked up once. */
static pid_t tgid(struct tracee *t)
{
	if (!t->tgid)
		t->tgid = tgid_of(t->tid);
	return t->tgid;
}

/* t's process, or while that is unknown t itself (kill() takes either). */
static pid_t process_of(struct tracee *t)
{
	return tgid(t) ? tgid(t) : t->tid;
}

/* The distinct processes of the tree (the caller frees the array). */
static pid_t *collect_tgids(struct tracer *tr, int *n)
{
	pid_t *all = calloc(tr->ntracees + 1, sizeof(*all)), g;
	struct tracee *t;
	int i;

	*n = 0;
	if (!all)
		return NULL;
	for (t = tr->all; t; t = t->next) {
		g = tgid(t);
		for (i = 0; i < *n && all[i] != g; i++)
			;
		if (g && i == *n)
			all[(*n)++] = g;
	}
	return all;
}

static struct tracee *find(struct tracer *tr, pid_t tid)
{
	struct tracee *t;

	for (t = tr->table[tid % TABLE_SIZE]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

static struct tracee *add(struct tracer *tr, pid_t tid)
{
	struct tracee *t = find(tr, tid);

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "%s: out of memory\n", tr->o->prog);
		exit(1);
	}
	t->tid = tid;
	t->cmd = -1;
	fc_taskstat_open(tid, &t->files);
	t->hnext = tr->table[tid % TABLE_SIZE];
	tr->table[tid % TABLE_SIZE] = t;
	t->next = tr->all;
	if (tr->all)
		tr->all->prev = t;
	tr->all = t;
	tr->ntracees++;
	return t;
}

/*
 * Moves t to the head of the list: a thread that has just stopped is about
 * to run again, and the idle check, which reads the list in order, then
 * finds it running first instead of after every idle thread.
 */
static void to_front(struct tracer *tr, struct tracee *t)
{
	if (tr->all == t)
		return;
	t->prev->next = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = NULL;
	t->next = tr->all;
	tr->all->prev = t;
	tr->all = t;
}

static void drop(struct tracer *tr, struct tracee *t)
{
	struct tracee **pp;

	fc_sleepq_remove(&tr->q, &t->node);
	for (pp = &tr->table[t->tid % TABLE_SIZE]; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	if (t->prev)
		t->prev->next = t->next;
	else
		tr->all = t->next;
	if (t->next)
		t->next->prev = t->prev;
	tr->ntracees--;
	fc_taskstat_close(&t->files);
	free(t);
}

/*
 * A signal is on its way to one thread, or the supervisor sent one: any
 * sleeper may be woken by it, so the next idle check reads them all again.
 */
static void forget_sleepers(struct tracer *tr)
{
	struct tracee *t;

	for (t = tr->all; t; t = t->next)
		t->asleep = false;
}

/* ---- clock ---- */

static struct fc_time vnow_mono(struct tracer *tr)
{
	struct fc_host_now now;

	fc_host_now(&now);
	return fc_clock_to_virtual(&tr->clock, FC_CLOCK_MONOTONIC, now.mono);
}

static void publish(struct tracer *tr)
{
	struct fc_time m, r;

	if (!tr->have_page)
		return;
	m = fc_clock_offset(&tr->clock, FC_CLOCK_MONOTONIC);
	r = fc_clock_offset(&tr->clock, FC_CLOCK_REALTIME);
	fc_clockpage_publish(&tr->page, m.sec, m.nsec, r.sec, r.nsec, tr->clock.jumps);
}

/* Jumps virtual time to target (if it is ahead) and publishes it. */
static void jump_to(struct tracer *tr, struct fc_time target, pid_t why)
{
	struct fc_host_now now;
	s64 ns;

	fc_host_now(&now);
	ns = fc_clock_jump_to(&tr->clock, now.mono, target);
	if (!ns)
		return;
	publish(tr);
	logv(tr, "jump +%lld.%09lld s (for %d)", (long long)(ns / 1000000000LL),
	     (long long)(ns % 1000000000LL), why);
}

/* ---- ending waits ---- */

static void fire(struct tracer *tr, struct tracee *t)
{
	fc_sleepq_remove(&tr->q, &t->node);
	t->fired = true;
	t->asleep = false;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) && errno != ESRCH)
		logv(tr, "PTRACE_INTERRUPT %d: %s", t->tid, strerror(errno));
}

static void schedule_recheck(struct tracer *tr, bool reset);

/* Fires every timer whose virtual expiry has come. */
static void fire_timers(struct tracer *tr, struct fc_time vnow)
{
	struct fc_vtimer *v;
	pid_t *tgids = NULL;
	char what[128];
	int n = 0;

	while ((v = fc_timers_first(&tr->timers)) && fc_time_cmp(v->expiry, vnow) <= 0) {
		if (v->kind == FC_VT_TIMERFD && !tgids)
			tgids = collect_tgids(tr, &n);
		fc_timers_describe(v, what, sizeof(what));
		forget_sleepers(tr);	/* its signal may wake a sleeper */
		if (fc_timers_fire(&tr->timers, v, vnow, tgids, n))
			logv(tr, "%s expired: no one left to notify, dropped", what);
		else
			logv(tr, "%s expired", what);
		/* whether it woke anyone or not, look at the tree again */
		schedule_recheck(tr, true);
	}
	free(tgids);
}

/* Ends every wait whose virtual deadline has come, fires due timers. */
static void fire_due(struct tracer *tr)
{
	struct fc_time vnow = vnow_mono(tr);
	struct fc_sleeper *s;

	fire_timers(tr, vnow);
	while ((s = fc_sleepq_first(&tr->q)) && fc_time_cmp(s->deadline, vnow) <= 0)
		fire(tr, container_of(s, struct tracee, node));
}

/* The tree is idle: time jumps to the earliest deadline, which ends. */
static void jump_and_fire(struct tracer *tr, struct fc_time when, pid_t why)
{
	tr->reported_hold = false;
	jump_to(tr, when, why);
	fire_due(tr);
}

/*
 * The earliest moment something can wake a tracee: a wait's deadline or
 * an armed timer's expiry; *why is the thread or process, for -v.
 */
static bool next_deadline(struct tracer *tr, struct fc_time *when, pid_t *why)
{
	struct fc_sleeper *s = fc_sleepq_first(&tr->q);
	struct fc_vtimer *v = fc_timers_first(&tr->timers);

	if (s && (!v || fc_time_cmp(s->deadline, v->expiry) <= 0)) {
		*when = s->deadline;
		*why = container_of(s, struct tracee, node)->tid;
		return true;
	}
	if (!v)
		return false;
	*when = v->expiry;
	*why = v->tgid;
	return true;
}

/* ---- idleness ---- */

/*
 * A thread-group leader that has exited before its threads: a zombie that
 * never runs again, whose exit is reported with the last of them. (A
 * process that has exited whole is not one: its parent may be waking up.)
 */
static bool zombie_leader(struct tracer *tr, struct tracee *t)
{
	struct tracee *u;

	if (tgid(t) != t->tid)
		return false;
	for (u = tr->all; u; u = u->next)
		if (u != t && !u->reaped && tgid(u) == t->tid)
			return true;
	return false;
}

/*
 * A thread that counts as blocked: asleep in the kernel, group-stopped, a
 * vfork parent waiting for its child (uninterruptible: D), or a zombie
 * leader.
 */
static bool blocked(struct tracer *tr, struct tracee *t, const struct fc_taskstat *st)
{
	return fc_taskstat_sleeping(st) ||
	       (t->listening && (st->state == 't' || st->state == 'T')) ||
	       (t->vforking && st->state == 'D') ||
	       (st->state == 'Z' && zombie_leader(tr, t));
}

/*
 * Is t, seen blocked in the syscall of st, in a timed wait the filter does
 * not stop (hidden_wait.h)? Its timeout runs on host time: no jump may
 * pass it.
 */
static bool holding(struct tracer *tr, struct tracee *t, const struct fc_taskstat *st)
{
	char desc[96];

	if (t->state == IN_WAIT || t->listening || st->nr < 0 ||
	    !fc_hidden_wait(process_of(t), t->tid, st->nr, st->args, desc, sizeof(desc)))
		return false;
	if (!tr->reported_hold)
		logv(tr, "time holds: thread %d is in %s, whose timeout runs on real time",
		     t->tid, desc);
	tr->reported_hold = true;
	return true;
}

/*
 * Is t inside an ia32 or x32 call? Whatever it waits for, on host time,
 * is unseen: it counts as running until its exit stop.
 */
static bool foreign_holding(struct tracer *tr, struct tracee *t)
{
	if (t->state != IN_FOREIGN)
		return false;
	if (!tr->reported_hold)
		logv(tr, "time holds: thread %d is in an %s, which %s does not virtualise",
		     t->tid, t->fcall.desc, tr->o->prog);
	tr->reported_hold = true;
	return true;
}

/*
 * t is not dumpable (prctl(PR_SET_DUMPABLE, 0), an execute-only program)
 * and the supervisor lacks CAP_SYS_PTRACE over it: its syscall file and
 * memory are closed, so what it waits in cannot be known, and time holds
 * while it lives (never a guess). Said once per run under -v.
 */
static void hold_unseen(struct tracer *tr, struct tracee *t)
{
	if (tr->reported_unseen)
		return;
	logv(tr, "time holds: thread %d is not dumpable: its /proc/%d/syscall and memory are closed to %s (run it as root to see it)",
	     t->tid, t->tid, tr->o->prog);
	tr->reported_unseen = true;
}

/*
 * Is a report of a tracee waiting to be reaped? Its thread has changed
 * state since what the tracer knows of it (a thread continued by SIGCONT
 * that has already stopped again still reads as stopped, and the tracer
 * still takes it for group-stopped): not idle until the report is
 * handled. Peeks without reaping it.
 */
static bool report_pending(void)
{
	siginfo_t si;

	si.si_pid = 0;
	if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL))
		return false;
	return si.si_pid != 0;
}

/* Reading a process's ShdPnd (twice a look) costs what reading 5 threads does. */
#define TRUST_MIN_SLEEPERS 8

/*
 * Could the look pass over t? A thread seen blocked in a pure sleep
 * (nanosleep, clock_nanosleep, poll or select on no fds) with no report
 * since cannot have run a single instruction of its program: its first
 * would follow a stop we see. Only a signal, the supervisor (which forgets
 * its sleepers when it interrupts or signals) or its host timer can end
 * the sleep; a spurious wakeup sleeps again. Signals for one thread are
 * stopped at (trace_filter.c) and forget every sleeper; those for the
 * process stay pending until a thread has stopped, which the process's
 * ShdPnd (shared_clear()) and the look for reports see. Whatever else wakes
 * it comes from outside the tree and finds it at its stop, after the jump,
 * as if it had come just after: its program cannot tell.
 */
static bool sleeper(const struct tracer *tr, const struct tracee *t)
{
	return !tr->sleepers_unsure && t->asleep && t->state == IN_WAIT && !t->fired &&
	       !t->listening;
}

/* Counts t among the sleepers of its process (t->shared_ix: its entry). */
static void count_sleeper(struct tracer *tr, struct tracee *t)
{
	pid_t g = process_of(t);
	int i;

	t->shared_ix = -1;
	for (i = tr->nshared - 1; i >= 0 && tr->shared[i].tgid != g; i--)
		;
	if (i < 0) {
		if (tr->nshared == tr->shared_size) {
			int size = tr->shared_size ? tr->shared_size * 2 : 8;
			void *more = realloc(tr->shared, size * sizeof(*tr->shared));

			if (!more)
				return;
			tr->shared = more;
			tr->shared_size = size;
		}
		i = tr->nshared++;
		tr->shared[i].tgid = g;
		tr->shared[i].sleepers = 0;
		tr->shared[i].clear = false;
	}
	tr->shared[i].sleepers++;
	t->shared_ix = i;
}

/*
 * Are the counted processes' sleepers safe from signals for the process as
 * a whole? None may be pending (ShdPnd): one sent to it wakes a thread that
 * does not block it and stays pending until that thread is past its exit
 * stop. Nor may the process be ending: exit_group(), a fatal signal or a
 * seccomp kill wakes every thread with a SIGKILL of its own, which no
 * filter sees, and the killed threads make no stop before they are gone
 * (the leader then shows SIGKILL pending, or is a zombie already).
 * Unreadable: not safe. With few sleepers, reading them is cheaper.
 */
static void shared_clear(struct tracer *tr)
{
	int i;

	for (i = 0; i < tr->nshared; i++)
		tr->shared[i].clear = tr->shared[i].sleepers >= TRUST_MIN_SLEEPERS &&
				      fc_taskstat_process_clear(tr->shared[i].tgid);
}

/* ... and still, after the look? */
static bool shared_still_clear(struct tracer *tr)
{
	int i;

	for (i = 0; i < tr->nshared; i++)
		if (tr->shared[i].clear && !fc_taskstat_process_clear(tr->shared[i].tgid))
			return false;
	return true;
}

/* Does the look pass over t (sleeper(), and its process is clear)? */
static bool trusted_sleeper(struct tracer *tr, struct tracee *t)
{
	return sleeper(tr, t) && t->shared_ix >= 0 && tr->shared[t->shared_ix].clear;
}

/* Was t, just seen blocked in the syscall of conf, in a pure sleep? */
static bool in_pure_sleep(const struct tracee *t, const struct fc_taskstat *st,
			  const struct fc_taskstat *conf)
{
	long nr = conf->nr;

	return t->state == IN_WAIT && t->wait.pure_sleep && !t->fired && !t->listening &&
	       st->state == 'S' && conf->state == 'S' &&
	       (nr == SYS_nanosleep || nr == SYS_clock_nanosleep || nr == SYS_poll ||
		nr == SYS_select || nr == SYS_restart_syscall);
}

/* Is the running kernel major.minor or later? */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Does t's wchan name a sleep (see look_one())? Not trusted before Linux
 * 5.16, whose get_wchan() took no lock and told only TASK_RUNNING apart,
 * not a wakeup queued for another CPU, nor once it has read "0" for 16
 * threads in a row that the full reading then found asleep (a kernel that
 * cannot tell, where asking would only add to the cost).
 */
static bool wchan_says_asleep(struct tracer *tr, struct tracee *t, bool *zero)
{
	int r;

	if (!tr->wchan_ok)
		return false;
	r = fc_taskstat_asleep(&t->files);
	*zero = r == 0;
	if (r == 1)
		tr->wchan_wrong = 0;
	return r == 1;
}

/*
 * One thread's part of a look (quiescent()): is t blocked? Its stat letter
 * tells S from R (running, queued, or woken and not yet queued), D,
 * stopped and zombie; its syscall file tells a thread on a CPU that has
 * set S but not yet slept ("running"). A thread whose CPU time and time
 * slices (schedstat) have not moved since an idle look saw it in S has not
 * run since: it is in that same sleep unless woken, which its wchan shows
 * ("0" while woken, queued or on a CPU; see fc_taskstat_asleep()): two
 * reads at a third of the cost. A run between the readings ends in the
 * second clock reading.
 */
static bool look_one(struct tracer *tr, struct tracee *t)
{
	struct fc_taskstat st, conf, rs;
	bool wchan_zero = false, have_rs;
	int err;

	t->asleep = t->seen = t->next_ok = false;
	/* a wait the supervisor ended: it reports before it sleeps again */
	if (t->state == IN_WAIT && t->fired)
		return false;
	have_rs = t->base_ok && !fc_taskstat_runtime(&t->files, &rs);
	if (have_rs && rs.runtime == t->base_run && rs.slices == t->base_slices &&
	    wchan_says_asleep(tr, t, &wchan_zero)) {
		/* not run since: the same sleep, in the same syscall */
		st = rs;
		st.state = 'S';
		conf = t->base_conf;
	} else {
		t->base_ok = false;
		/*
		 * The CPU time just read serves: read before the letter, a
		 * run between them ends in the second clock reading.
		 */
		err = fc_taskstat_read(&t->files, !have_rs, &st);
		/* reaped, yet here (its exit came first): it blocks nothing */
		if (err == -ESRCH || err == -ENOENT) {
			t->reaped = true;
			return true;
		}
		if (!err && have_rs) {
			st.runtime = rs.runtime;
			st.slices = rs.slices;
		}
		if (err || !blocked(tr, t, &st))
			return false;
		/* a zombie has no syscall to confirm, nor a future */
		if (st.state == 'Z')
			return true;
		err = fc_taskstat_confirm(&t->files, false, &conf);
		if (err == -EPERM || err == -EACCES)
			hold_unseen(tr, t);
		if (err || (conf.state != 'S' && !t->listening))
			return false;
	}
	/*
	 * A hidden timed wait holds time. One that ends after this look has
	 * its thread run, which the clocks or its report show; one that
	 * ended before, its reading shows.
	 */
	if (holding(tr, t, &conf))
		return false;
	t->seen = in_pure_sleep(t, &st, &conf);
	if (wchan_zero && st.state == 'S' && conf.state == 'S' && ++tr->wchan_wrong >= 16) {
		tr->wchan_ok = false;	/* "0" for sleepers: this kernel cannot tell */
		logv(tr, "wchan reads 0 for sleeping threads: each is read in full");
	}
	/* no schedstat (all zero): nothing tells a run, no base */
	if (st.state == 'S' && !t->base_ok && st.slices) {
		t->next_ok = true;
		t->next_run = st.runtime;
		t->next_slices = st.slices;
		t->next_conf = conf;
	}
	return true;
}

static long long ns_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - then->tv_sec) * 1000000000LL + now.tv_nsec - then->tv_nsec;
}

/* What a look that found the tree idle saw of t holds from now on. */
static void keep_look(struct tracee *t)
{
	if (t->seen)
		t->asleep = true;
	t->seen = false;
	if (t->next_ok) {
		t->base_ok = true;
		t->base_run = t->next_run;
		t->base_slices = t->next_slices;
		t->base_conf = t->next_conf;
	}
	t->next_ok = false;
}

/*
 * Is every thread but skip blocked at one instant? One pass reads each
 * thread twice, its state letter (stat: S, not D, R or stopped) and its
 * syscall file, which says "running" for a thread on a CPU or queued for
 * one, or woken and not yet run, even where the letter still reads S (a
 * thread on a CPU between setting S and sleeping). The pass is bracketed
 * by the processes' CPU-time clocks (cpuclock.h) and by a look for
 * pending reports. Sleepers seen before are passed over (trusted_sleeper()).
 *
 * Why one pass suffices: take the instant of the first clock reading. A
 * thread runnable then and seen blocked later in the pass must have run
 * and left the CPU in between, which the scheduler accounts at once: the
 * second clock reading differs. So at that instant every thread was
 * blocked, and since then only the supervisor or the world outside can
 * have woken one. The case that needs care: B wakes A, then B blocks,
 * and A has not run yet (R, no CPU time used). If B blocked after the
 * first clock reading, the clocks differ; if before, A is runnable at that
 * instant and its own reading says so ("running"), whatever its letter.
 * A thread still on a CPU, whose time the clocks do not show until a tick,
 * is seen by its own reading. A new thread or process, an exit and a stop
 * come with a report. A thread in a tracked wait that is not a pure sleep
 * (a futex, poll on fds) is read every time: the thread asking to skip, or
 * any other that ran, may just have woken it.
 */
static bool quiescent(struct tracer *tr, struct tracee *skip)
{
	struct tracee *t;

	if (report_pending())
		return false;
	fc_cpuclock_clear(&tr->cpu);
	tr->nshared = 0;
	for (t = tr->all; t; t = t->next) {
		t->shared_ix = -1;
		if (t != skip && !t->reaped && sleeper(tr, t))
			count_sleeper(tr, t);
	}
	shared_clear(tr);
	for (t = tr->all; t; t = t->next) {
		if (t == skip || t->reaped)
			continue;
		if (foreign_holding(tr, t))
			return false;
		if (trusted_sleeper(tr, t))
			continue;
		if (fc_cpuclock_add(&tr->cpu, process_of(t)))
			return false;
	}
	if (tr->cpu.n)
		fc_cpuclock_sample(&tr->cpu);
	for (t = tr->all; t && tr->cpu.n; t = t->next) {
		if (t == skip || t->reaped || trusted_sleeper(tr, t))
			continue;
		if (!look_one(tr, t))
			return false;
	}
	if (tr->cpu.n && !fc_cpuclock_unchanged(&tr->cpu))
		return false;
	/*
	 * Again after the looks: a thread that stops shows t before its
	 * report is posted, and one that looked group-stopped may have been
	 * continued and stopped again meanwhile.
	 */
	if (!shared_still_clear(tr) || report_pending())
		return false;
	/*
	 * Only a look that found the tree idle makes sleepers trusted: in one
	 * that did not, a thread still running (stopped or not) may send a
	 * signal after its trapped entry stop has been and gone.
	 */
	for (t = tr->all; t; t = t->next)
		if (t != skip)
			keep_look(t);
	return true;
}

static void schedule_at(struct tracer *tr, long long ns)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	now.tv_nsec += ns;
	now.tv_sec += now.tv_nsec / 1000000000L;
	now.tv_nsec %= 1000000000L;
	tr->recheck_at = now;
}

static void schedule_recheck(struct tracer *tr, bool reset)
{
	if (reset || !tr->recheck_ns)
		tr->recheck_ns = RECHECK_MIN_NS;
	else if (tr->recheck_ns < RECHECK_MAX_NS)
		tr->recheck_ns *= 2;
	schedule_at(tr, tr->recheck_ns);
}

/* -vv: what every thread was doing when the tree was judged idle. */
static void dump_threads(struct tracer *tr)
{
	struct fc_taskstat st, conf;
	struct tracee *t;

	for (t = tr->all; t; t = t->next) {
		if (fc_taskstat_read(&t->files, true, &st) ||
		    fc_taskstat_confirm(&t->files, false, &conf))
			continue;
		logv(tr, "  thread %d: stat %c, syscall file %s, run %llu ns, %llu slices",
		     t->tid, st.state, conf.state == 'R' ? "running" : "blocked",
		     st.runtime, st.slices);
	}
}

/* Forgets the entries quiescent() found reaped. */
static void drop_reaped(struct tracer *tr)
{
	struct tracee *t, *next;

	for (t = tr->all; t; t = next) {
		next = t->next;
		if (t->reaped) {
			logv(tr, "thread %d is gone", t->tid);
			fc_timers_gone(&tr->timers, t->tid);
			drop(tr, t);
		}
	}
}

/* Jumps if the tree is idle; otherwise arranges to look again soon. */
static void check_idle(struct tracer *tr)
{
	struct fc_time when;
	pid_t why;

	drop_reaped(tr);
	if (!quiescent(tr, NULL)) {
		if (next_deadline(tr, &when, &why))
			schedule_recheck(tr, false);
		tr->reported_forever = false;
		tr->idle_pending = false;
		return;
	}
	tr->recheck_ns = 0;
	/* timer signals dequeued unseen (signalfd): rearm their timers now */
	fc_timers_reconcile(&tr->timers, vnow_mono(tr));
	if (!next_deadline(tr, &when, &why)) {
		if (!tr->reported_forever)
			logv(tr, "every task is blocked with no timeout: waiting for real events");
		tr->reported_forever = true;
		return;
	}
	/*
	 * Idle after we reaped a process: look once more a little later
	 * before jumping. A parent woken by our reaping of its child was
	 * seen asleep (S, and not running per /proc/<tid>/syscall), yet
	 * stopped a few hundred us later: its wakeup was still under way.
	 * Any event in between starts over.
	 */
	if (tr->woke_parent && !tr->idle_pending) {
		tr->idle_pending = true;
		tr->recheck_ns = CONFIRM_NS;
		schedule_at(tr, CONFIRM_NS);
		return;
	}
	tr->idle_pending = false;
	tr->woke_parent = false;
	if (tr->jumps_off)	/* deadlines come in real time (arm_timer) */
		return;
	if (tr->o->verbose > 1)
		dump_threads(tr);
	jump_and_fire(tr, when, why);
}

/* ---- stops ---- */

static void resume(struct tracer *tr, struct tracee *t, int how, int sig)
{
	if (ptrace(how, t->tid, 0, sig) && errno != ESRCH)
		logv(tr, "resuming %d: %s", t->tid, strerror(errno));
}

enum wait_start { WAIT_QUEUE, WAIT_SKIP, WAIT_QUEUE_AND_JUMP };

/*
 * t was resumed into a wait that will block, every other thread blocked
 * since a look and t running only kernel code since: the tree is idle
 * once t is seen blocked. Reads t alone for up to BLOCKING_NS. Time must
 * not jump before: a thread the jump wakes could wake t, or change its
 * futex, before t sleeps, and t would see EAGAIN, the waker 0 woken,
 * where natively t slept through the whole wait.
 */
static bool sees_blocked(struct tracer *tr, struct tracee *t)
{
	struct timespec start;
	unsigned int turns = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		/*
		 * A report means some thread ran: no jump. Asking walks every
		 * traced thread, so it is asked once t reads blocked, and
		 * every 16 turns to give up early.
		 */
		if (look_one(tr, t)) {
			if (report_pending())
				return false;
			keep_look(t);
			return true;
		}
		if (!(++turns % 16) && report_pending())
			return false;
	} while (ns_since(&start) < BLOCKING_NS);
	return false;
}

/*
 * What t's wait does at its entry stop. When every other thread is
 * blocked, nothing but time can end a pure sleep, or a futex wait whose
 * futex holds the expected value: the tree is idle as soon as t sleeps.
 * If t's deadline is the earliest, the clock jumps to it now and the
 * syscall is skipped (WAIT_SKIP: one stop per sleep instead of three);
 * otherwise t goes to sleep and the clock jumps to the earliest deadline
 * at once (WAIT_QUEUE_AND_JUMP), sparing the look that would find the
 * tree idle once t sleeps. A timer due no later than t's deadline may
 * signal t, and so may a signal already pending: those are never skipped.
 */
static enum wait_start wait_start(struct tracer *tr, struct tracee *t)
{
	struct fc_sleeper *first = fc_sleepq_first(&tr->q);
	struct fc_vtimer *timer;

	if (!t->wait.pure_sleep && !t->wait.futex_addr)
		return WAIT_QUEUE;
	if (tr->jumps_off)
		return WAIT_QUEUE;
	if (tr->woke_parent)	/* a wakeup may be under way: see check_idle() */
		return WAIT_QUEUE;
	if (!quiescent(tr, t))
		return WAIT_QUEUE;
	if (!t->wait.pure_sleep && !fc_wait_futex_would_block(t->tid, &t->wait))
		return WAIT_QUEUE;	/* it returns EAGAIN and runs on */
	fc_timers_reconcile(&tr->timers, vnow_mono(tr));
	timer = fc_timers_first(&tr->timers);
	if ((first && fc_time_cmp(t->wait.deadline, first->deadline) > 0) ||
	    (timer && fc_time_cmp(timer->expiry, t->wait.deadline) <= 0))
		/* a CPU-time timer left to the kernel may fire from t's own run */
		return tr->sleepers_unsure ? WAIT_QUEUE : WAIT_QUEUE_AND_JUMP;
	/*
	 * A signal sent while t sat in this stop (by a thread that ran and
	 * blocked before the look, say) is still pending: natively it ends
	 * the wait at once (EINTR). Read after the look: one sent later came
	 * from outside the tree, as if just after the jump.
	 */
	if (fc_signal_due(t->tid))
		return WAIT_QUEUE;
	return WAIT_SKIP;
}

/* Queues t's wait, or ends it at once (see wait_start()). */
static void start_wait(struct tracer *tr, struct tracee *t, struct user_regs_struct *regs,
		       bool regs_changed)
{
	struct fc_time vnow = vnow_mono(tr), when;
	enum wait_start how = WAIT_SKIP;
	pid_t why;

	logv(tr, "%d %s", t->tid, t->wait.desc);
	if (!t->wait.pure_sleep || fc_time_cmp(t->wait.deadline, vnow) > 0)
		how = wait_start(tr, t);
	if (how == WAIT_SKIP) {
		/* skip the syscall: it returns what its timeout returns */
		jump_to(tr, t->wait.deadline, t->tid);
		*regs = t->saved;
		regs->orig_rax = -1;
		regs->rax = t->wait.timeout_ret;
		ptrace(PTRACE_SETREGS, t->tid, 0, regs);
		fc_wait_timed_out(t->tid, &t->wait);
		fire_due(tr);
		resume(tr, t, PTRACE_CONT, 0);
		return;
	}
	if (regs_changed)
		ptrace(PTRACE_SETREGS, t->tid, 0, regs);
	t->state = IN_WAIT;
	t->fired = false;
	fc_sleepq_insert(&tr->q, &t->node, t->wait.deadline);
	resume(tr, t, PTRACE_SYSCALL, 0);
	if (how == WAIT_QUEUE_AND_JUMP && sees_blocked(tr, t) && next_deadline(tr, &when, &why))
		jump_and_fire(tr, when, why);
	schedule_recheck(tr, true);
}

/* Fills t's [vdso] range and whether its process maps our clock page. */
static void scan_maps(struct tracer *tr, struct tracee *t)
{
	const char *page = tr->have_page ? fc_clockpage_path(&tr->page) : NULL;
	char path[64], line[4096 + 128];
	unsigned long lo, hi;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->tid);
	f = fopen(path, "re");
	if (!f)
		return;
	t->vdso_lo = t->vdso_hi = 0;
	t->preloaded = false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (strstr(line, "[vdso]")) {
			t->vdso_lo = lo;
			t->vdso_hi = hi;
		} else if (page && strstr(line, page)) {
			t->preloaded = true;
		}
	}
	fclose(f);
	/* the preload maps the page lazily: until it has, look again */
	t->maps_known = t->preloaded;
}

/*
 * A time read the vDSO could not serve (no usable clock source in user
 * space, the _ALARM clocks) becomes a syscall made from inside [vdso];
 * when the preload called it, the preload adds the offset itself.
 */
static bool read_by_preload(struct tracer *tr, struct tracee *t,
			    const struct user_regs_struct *regs)
{
	if (!tr->have_page || !tr->o->preload)
		return false;
	if (!t->maps_known)
		scan_maps(tr, t);
	return t->preloaded && regs->rip >= t->vdso_lo && regs->rip < t->vdso_hi;
}

/* A timer syscall: emulated and skipped, or run and maybe finished at exit. */
static void timer_call(struct tracer *tr, struct tracee *t, struct user_regs_struct *regs)
{
	switch (fc_timers_entry(&tr->timers, t->tid, tgid(t), regs, &t->tcall)) {
	case FC_TA_SKIP:
		ptrace(PTRACE_SETREGS, t->tid, 0, regs);
		resume(tr, t, PTRACE_CONT, 0);
		break;
	case FC_TA_EXIT:
		t->state = IN_TIMER;
		resume(tr, t, PTRACE_SYSCALL, 0);
		break;
	default:
		/* a CPU-time timer left to the kernel may signal one thread */
		if ((long)regs->orig_rax == SYS_timer_create)
			tr->sleepers_unsure = true;
		resume(tr, t, PTRACE_CONT, 0);
		break;
	}
	if (fc_timerfd_sweep_due(&tr->timers)) {
		pid_t *tgids;
		int n = 0;

		tgids = collect_tgids(tr, &n);
		fc_timerfd_sweep(&tr->timers, tgids, n);
		free(tgids);
	}
	if (t->tcall.desc[0])
		logv(tr, "%d %s", t->tid, t->tcall.desc);
}

/*
 * The virtual REALTIME moved by shift: the clock page tells the preload,
 * absolute REALTIME and TAI waits and timers move on the queue's base (a
 * deadline passed fires now), TFD_TIMER_CANCEL_ON_SET timerfds cancel.
 */
static void clock_was_set(struct tracer *tr, struct fc_time shift)
{
	struct tracee *u;

	publish(tr);
	fc_timers_clock_set(&tr->timers, shift);
	for (u = tr->all; u; u = u->next) {
		if (u->state != IN_WAIT || !u->wait.absolute || u->wait.forever ||
		    (u->wait.clock != FC_CLOCK_REALTIME && u->wait.clock != FC_CLOCK_TAI))
			continue;
		u->wait.deadline = fc_time_sub(u->wait.deadline, shift);
		if (!u->fired)
			fc_sleepq_insert(&tr->q, &u->node, u->wait.deadline);
	}
	fire_due(tr);
	schedule_recheck(tr, true);
}

/* A call that sets the time (trace_settime.h): the tree's clock, never the host's. */
static void settime_call(struct tracer *tr, struct tracee *t, struct user_regs_struct *regs)
{
	enum fc_timer_action a = fc_settime_entry(&tr->clock, t->tid, regs, &t->scall);

	if (t->scall.desc[0])
		logv(tr, "%d %s: the tree's clock moves %+lld.%09u s", t->tid, t->scall.desc,
		     (long long)t->scall.shift.sec, t->scall.shift.nsec);
	if (t->scall.set)
		clock_was_set(tr, t->scall.shift);
	switch (a) {
	case FC_TA_SKIP:
		ptrace(PTRACE_SETREGS, t->tid, 0, regs);
		resume(tr, t, PTRACE_CONT, 0);
		break;
	case FC_TA_EXIT:
		t->state = IN_SETTIME;
		resume(tr, t, PTRACE_SYSCALL, 0);
		break;
	default:
		resume(tr, t, PTRACE_CONT, 0);
		break;
	}
}

/*
 * Is this seccomp stop the restart of t's interrupted wait: restart_syscall
 * for one restarted that way, else the same syscall from the same place
 * with the same arguments (the kernel re-runs the instruction)?
 */
static bool is_restart(const struct tracee *t, const struct user_regs_struct *regs)
{
	long nr = (long)regs->orig_rax;

	if (nr == SYS_restart_syscall)
		return t->restart.nr == -1;
	return t->restart.nr == nr && regs->rip == t->restart.regs.rip &&
	       fc_regs_args_equal(regs, &t->restart.regs);
}

/*
 * After an event inside a call (a clone's, vfork-done): a foreign call
 * (an ia32 fork) still needs its exit stop, to stop holding time.
 */
static void resume_mid_call(struct tracer *tr, struct tracee *t)
{
	resume(tr, t, t->state == IN_FOREIGN ? PTRACE_SYSCALL : PTRACE_CONT, 0);
}

/* At t's exec stop: reads the new program's vDSO would answer unseen trap. */
static void hide_vdso(struct tracer *tr, struct tracee *t)
{
	struct user_regs_struct regs;
	char why[96];
	enum fc_exec_vdso ret;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs))
		return;
	ret = fc_exec_vdso(t->tid, regs.rsp, tr->have_page ? tr->o->preload : NULL,
			   tr->have_page ? fc_clockpage_path(&tr->page) : NULL,
			   why, sizeof(why));
	if (ret == FC_VDSO_UNREADABLE)
		fprintf(stderr, "%s: pid %d: %s\n", tr->o->prog, t->tid, why);
	else if (ret != FC_VDSO_KEPT)
		logv(tr, "%d exec: %s", t->tid, why);
}

/*
 * An ia32 or x32 call (foreign_call.h): runs to its exit stop, where a
 * time read is made virtual; until then the thread holds time.
 */
static bool foreign_call(struct tracer *tr, struct tracee *t,
			 const struct user_regs_struct *regs)
{
	const struct fc_abi_nrs *abi = fc_foreign_stop_abi(t->tid, regs);

	if (!abi)
		return false;
	t->restart.valid = false;	/* not the restart of a native wait */
	forget_sleepers(tr);		/* it may send a signal unseen */
	if (fc_settime_foreign(abi, (int)regs->orig_rax)) {
		/* never the host's clock: the tree's, or EPERM */
		struct user_regs_struct skip = *regs;

		fc_settime_foreign_entry(&tr->clock, t->tid, abi, &skip, &t->scall);
		if (t->scall.desc[0])
			logv(tr, "%d %s %s: the tree's clock moves %+lld.%09u s", t->tid,
			     abi->name, t->scall.desc, (long long)t->scall.shift.sec,
			     t->scall.shift.nsec);
		else
			logv(tr, "%d: %s syscall %d (sets the time) fails with %ld", t->tid,
			     abi->name, (int)(regs->orig_rax & ~FC_X32_SYSCALL_BIT),
			     (long)skip.rax);
		if (t->scall.set)
			clock_was_set(tr, t->scall.shift);
		ptrace(PTRACE_SETREGS, t->tid, 0, &skip);
		resume(tr, t, PTRACE_CONT, 0);
		return true;
	}
	fc_foreign_enter(&t->fcall, abi, regs);
	t->state = IN_FOREIGN;
	resume(tr, t, PTRACE_SYSCALL, 0);
	return true;
}

/* The exit of a foreign call: a read patched, a timer armed unseen. */
static void foreign_exit(struct tracer *tr, struct tracee *t, struct user_regs_struct *regs)
{
	bool armed;

	if (fc_foreign_exit(t->tid, &t->fcall, regs, &tr->clock, &armed))
		ptrace(PTRACE_SETREGS, t->tid, 0, regs);
	if (!armed || tr->jumps_off)
		return;
	tr->jumps_off = true;
	fprintf(stderr,
		"%s: pid %d armed a kernel timer through an %s, which %s cannot see: from now on virtual time runs at real speed (no more jumps)\n",
		tr->o->prog, t->tid, t->fcall.desc, tr->o->prog);
}

/* Does syscall nr send a signal to one thread (trace_filter.c stops these)? */
static bool sends_thread_signal(long nr)
{
	return nr == SYS_tgkill || nr == SYS_tkill || nr == SYS_rt_tgsigqueueinfo ||
	       nr == SYS_pidfd_send_signal;
}

static void seccomp_stop(struct tracer *tr, struct tracee *t)
{
	struct user_regs_struct regs;
	struct fc_host_now now;
	bool changed = false, restarted;
	int ret;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs)) {
		resume(tr, t, PTRACE_CONT, 0);
		return;
	}
	/*
	 * The kernel runs the call (int)orig_rax: bits above those (set by
	 * hand, syscall(1L << 32 | nr)) are dropped here as the kernel drops
	 * them, so that the decoders read the call that runs.
	 */
	if (regs.orig_rax != (unsigned long long)(long long)(int)regs.orig_rax) {
		regs.orig_rax = (unsigned long long)(long long)(int)regs.orig_rax;
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	}
	t->saved = regs;
	if (foreign_call(tr, t, &regs))
		return;
	/* a record serves the thread's very next stop, if that is its restart */
	if (t->restart.valid && !is_restart(t, &regs))
		t->restart.valid = false;
	if (sends_thread_signal((long)regs.orig_rax)) {
		forget_sleepers(tr);
		resume(tr, t, PTRACE_CONT, 0);
		return;
	}
	if (fc_wait_is_timeread((long)regs.orig_rax)) {
		if (read_by_preload(tr, t, &regs)) {
			resume(tr, t, PTRACE_CONT, 0);
			return;
		}
		t->state = IN_READ;
		resume(tr, t, PTRACE_SYSCALL, 0);
		return;
	}
	if ((long)regs.orig_rax == SYS_restart_syscall) {
		if (t->restart.valid && t->restart.nr == -1) {
			t->restart.valid = false;
			t->wait = t->restart.wait;
			start_wait(tr, t, &regs, false);
		} else {
			resume(tr, t, PTRACE_CONT, 0);
		}
		return;
	}

	if (fc_timers_traps((long)regs.orig_rax)) {
		timer_call(tr, t, &regs);
		return;
	}
	if (fc_settime_traps((long)regs.orig_rax)) {
		settime_call(tr, t, &regs);
		return;
	}
	if ((long)regs.orig_rax == SYS_ptrace) {
		t->state = IN_PTRACE;
		resume(tr, t, PTRACE_SYSCALL, 0);
		return;
	}

	/* the kernel re-running an interrupted wait keeps its deadline */
	restarted = t->restart.valid;
	t->restart.valid = false;
	fc_host_now(&now);
	ret = fc_wait_decode(t->tid, &regs, &tr->clock, &now, &t->wait, &changed);
	if (ret != 1 && (long)regs.orig_rax == SYS_rt_sigtimedwait) {
		/* no timeout: still, it may take a timer's signal */
		t->state = IN_SIGWAIT;
		resume(tr, t, PTRACE_SYSCALL, 0);
		return;
	}
	if (ret != 1) {
		resume(tr, t, PTRACE_CONT, 0);
		return;
	}
	if (restarted && !t->restart.fresh)
		t->wait.deadline = t->restart.wait.deadline;
	start_wait(tr, t, &regs, changed);
}

/*
 * Does the wait entered with regs run under a signal mask of its own
 * (epoll_pwait, epoll_pwait2)? Signals it holds back are delivered as it
 * returns: one it ended for cannot be undone by restarting it.
 */
static bool own_sigmask(const struct user_regs_struct *regs)
{
	long nr = (long)regs->orig_rax;

	return (nr == SYS_epoll_pwait || nr == SYS_epoll_pwait2) && regs->r8;
}

/* Records t's wait, ended by a signal, for its restart as call nr. */
static void record_restart(struct tracee *t, long nr)
{
	t->restart.valid = true;
	t->restart.nr = nr;
	t->restart.regs = t->saved;
	t->restart.wait = t->wait;
	t->restart.fresh = false;
}

static void syscall_exit_stop(struct tracer *tr, struct tracee *t)
{
	struct user_regs_struct regs;
	long ret;
	bool timed_out;

	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs)) {
		resume(tr, t, PTRACE_CONT, 0);
		return;
	}
	if (t->state == IN_READ) {
		if (fc_wait_patch_timeread(t->tid, &regs, &t->saved, &tr->clock) == -EPERM &&
		    !tr->reported_unpatched) {
			logv(tr, "thread %d: its time read stays real: its memory is closed to %s (not dumpable?)",
			     t->tid, tr->o->prog);
			tr->reported_unpatched = true;
		}
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	} else if (t->state == IN_WAIT) {
		fc_sleepq_remove(&tr->q, &t->node);
		ret = (long)regs.rax;
		timed_out = t->fired;
		fc_wait_finish(t->tid, &regs, &t->wait, timed_out, vnow_mono(tr));
		if ((long)regs.rax == ret &&
		    (ret == -ERESTART_RESTARTBLOCK || ret == -ERESTARTSYS ||
		     ret == -ERESTARTNOHAND || ret == -ERESTARTNOINTR)) {
			/* a signal interrupted it; the kernel may restart it */
			record_restart(t, ret == -ERESTART_RESTARTBLOCK ? -1 : t->wait.nr);
			/*
			 * Natively a signal the process ignores is never sent:
			 * as if nothing happened. Anything else, a stop say,
			 * leaves what the kernel leaves: the time left in a
			 * select's timeout, which its re-run waits afresh from
			 * then, and in a nanosleep's rem, which stays.
			 */
			if (!fc_signal_only_ignored(t->tid, process_of(t))) {
				t->restart.fresh = fc_wait_rerun_fresh(&t->wait);
				fc_wait_keep_remaining(t->tid, &t->restart.wait);
			}
		}
		if (!timed_out && ret == -EINTR && (long)regs.rax == ret &&
		    !own_sigmask(&t->saved) && fc_signal_only_ignored(t->tid, process_of(t))) {
			/*
			 * Ended by a signal its process ignores, which only a
			 * traced thread is sent: natively the wait goes on.
			 * The kernel restarts it unless a handler runs (one
			 * for a signal come since: then EINTR, as natively),
			 * its deadline kept (is_restart()).
			 */
			record_restart(t, t->wait.nr);
			regs.rax = (unsigned long)-ERESTARTNOHAND;
			logv(tr, "%d %s: EINTR by an ignored signal, restarted", t->tid,
			     fc_syscall_name(t->wait.nr));
		}
		if (timed_out && (long)regs.rax != ret)
			logv(tr, "%d %s timed out", t->tid, fc_syscall_name(t->wait.nr));
		if (t->wait.nr == SYS_rt_sigtimedwait && (long)regs.rax > 0)
			fc_timers_sigwait(&tr->timers, t->tid, tgid(t), (int)regs.rax, t->saved.rsi);
		/* the syscall ABI preserves argument registers: give them back */
		fc_regs_restore_args(&regs, &t->saved);
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	} else if (t->state == IN_FOREIGN) {
		foreign_exit(tr, t, &regs);
	} else if (t->state == IN_TIMER) {
		ret = (long)regs.rax;
		fc_timers_exit(&tr->timers, t->tid, tgid(t), &t->tcall, &regs);
		if ((long)regs.rax != ret)
			ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	} else if (t->state == IN_SETTIME) {
		fc_settime_exit(&tr->clock, t->tid, &t->scall, &regs);
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	} else if (t->state == IN_PTRACE && (long)regs.rax == -EPERM && !tr->reported_ptrace) {
		/* a tracee cannot be traced twice: strace, gdb and the like fail */
		fprintf(stderr,
			"%s: pid %d's ptrace() failed (EPERM): in ptrace mode every process is traced by %s already, so debuggers and tracers cannot run inside; use kernel mode (--mode kernel) for them\n",
			tr->o->prog, t->tid, tr->o->prog);
		tr->reported_ptrace = true;
	} else if (t->state == IN_SIGWAIT && (long)regs.rax > 0) {
		fc_timers_sigwait(&tr->timers, t->tid, tgid(t), (int)regs.rax, t->saved.rsi);
	}
	t->state = RUNNING;
	t->fired = false;
	resume(tr, t, PTRACE_CONT, 0);
}

static void tracee_exited(struct tracer *tr, struct tracee *t, int wstatus)
{
	int i;

	for (i = 0; i < tr->o->ncmds; i++) {
		if (tr->pids[i] != t->tid || tr->status[i] >= 0)
			continue;
		tr->status[i] = t->refused ? 126 : fc_status_of(wstatus);
		tr->running--;
		logv(tr, "command %d (pid %d) exited with status %d", i + 1, t->tid,
		     fc_status_code(tr->status[i]));
	}
	tr->woke_parent = true;
	fc_timers_gone(&tr->timers, t->tid);	/* a process's timers end with it */
	/* a thread gone: its process may be ending, killing its sleepers unseen */
	forget_sleepers(tr);
	drop(tr, t);
}

/* Does thread tid's process catch sig with a handler (SigCgt)? */
static bool caught(pid_t tid, int sig)
{
	unsigned long long mask;

	/* cannot tell: assume the restart is off */
	return !fc_taskstat_status(tid, 0, "SigCgt:", 16, &mask) || (mask >> (sig - 1)) & 1;
}

/*
 * A signal-delivery-stop: the signal has just been dequeued. A timer's
 * gets what the kernel does at dequeue (rearm, si_overrun, SI_KERNEL for
 * SIGALRM); one the kernel would drop is dropped. Returns the signal.
 */
static int delivering(struct tracer *tr, struct tracee *t, int sig)
{
	bool changed;
	siginfo_t si;

	if (!ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si)) {
		if (!fc_timers_dequeued(&tr->timers, tgid(t), &si, &changed)) {
			logv(tr, "%d: signal %d of a re-armed or deleted timer dropped",
			     t->tid, sig);
			return 0;	/* as if none came: the restart stays */
		}
		if (changed)
			ptrace(PTRACE_SETSIGINFO, t->tid, 0, &si);
		if (si.si_code == SI_USER) {
			struct user_signal *u = &tr->took[tr->ntook++ % TOOK_MAX];

			u->tgid = process_of(t);
			u->sender = si.si_pid;
			u->sig = sig;
			clock_gettime(CLOCK_MONOTONIC, &u->at);
		}
	}
	/*
	 * A handler ends an interrupted wait (EINTR) or restarts it only
	 * after it ran: either way, no restart of the record follows.
	 */
	if (t->restart.valid && caught(t->tid, sig))
		t->restart.valid = false;
	return sig;
}

/* Has thread tid been reaped (its /proc entry is gone)? */
static bool gone(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	return access(path, F_OK) && errno == ENOENT;
}

/*
 * At an exec stop: a 32-bit program (ia32 or x32) is killed before its
 * first instruction, since its time calls would not be virtual. Its parent
 * sees it killed by SIGKILL; a command's status is 126, as a shell gives
 * for a program it cannot execute.
 */
static void refuse_foreign_exec(struct tracer *tr, struct tracee *t)
{
	char path[64], exe[4096];
	ssize_t n;

	if (!fc_foreign_exec_abi(t->tid))
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", t->tid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	fprintf(stderr,
		"%s: %s: 32-bit programs cannot run in ptrace mode (their time calls are not virtualised); use --mode kernel\n",
		tr->o->prog, n > 0 ? exe : path);
	t->refused = true;
	kill(t->tid, SIGKILL);
}

static void handle_event(struct tracer *tr, pid_t tid, int wstatus)
{
	struct tracee *t = find(tr, tid);
	int sig, event;
	unsigned long msg;

	if (!t)
		t = add(tr, tid);	/* a new child seen before its parent's event */
	to_front(tr, t);
	if (WIFEXITED(wstatus) || WIFSIGNALED(wstatus)) {
		tracee_exited(tr, t, wstatus);
		return;
	}
	if (!WIFSTOPPED(wstatus))
		return;
	sig = WSTOPSIG(wstatus);
	event = wstatus >> 16;
	/* any report means it is no longer sitting in a group-stop, nor asleep */
	t->listening = false;
	t->asleep = false;
	t->base_ok = false;
	t->vforking = false;

	if (sig == (SIGTRAP | 0x80)) {
		syscall_exit_stop(tr, t);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		seccomp_stop(tr, t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (!ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg)) {
			struct tracee *child = find(tr, (pid_t)msg);

			if (!child && gone((pid_t)msg)) {
				/* a thread that ran, exited and was reaped already */
			} else if (!child) {
				child = add(tr, (pid_t)msg);
				child->startup = true;
			}
			/* a new process (a vfork may be CLONE_THREAD: looked up) */
			if (child && event == PTRACE_EVENT_FORK)
				child->tgid = child->tid;
		}
		/* a vfork parent now waits until its child execs or exits */
		t->vforking = event == PTRACE_EVENT_VFORK;
		resume_mid_call(tr, t);
		return;
	case PTRACE_EVENT_EXEC:
		/* a non-leader thread exec'ed and took over the leader's tid */
		if (!ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) && (pid_t)msg != tid) {
			struct tracee *old = find(tr, (pid_t)msg);

			if (old)
				drop(tr, old);
		}
		fc_sleepq_remove(&tr->q, &t->node);
		t->state = RUNNING;
		t->restart.valid = false;
		t->maps_known = false;
		t->tgid = tid;
		fc_timers_exec(&tr->timers, tid);	/* exec deletes POSIX timers */
		refuse_foreign_exec(tr, t);
		if (!t->refused)
			hide_vdso(tr, t);
		resume(tr, t, PTRACE_CONT, 0);
		return;
	case PTRACE_EVENT_STOP:
		if (t->startup || sig == SIGTRAP) {
			/* a new thread's first stop, or our interrupt */
			t->startup = false;
			t->listening = false;
			resume(tr, t, PTRACE_CONT, 0);
		} else {
			/* group-stop (SIGSTOP, Ctrl-Z): stay stopped */
			t->listening = true;
			resume(tr, t, PTRACE_LISTEN, 0);
		}
		return;
	case 0:
		break;
	default:
		resume_mid_call(tr, t);
		return;
	}
	/* a signal on its way to the program: deliver it unchanged */
	if (sig == SIGCONT && t->swallow_sigcont) {
		t->swallow_sigcont = false;
		sig = 0;
	}
	t->listening = false;
	if (sig)
		sig = delivering(tr, t, sig);
	resume(tr, t, PTRACE_CONT, sig);
}

/* ---- start-up ---- */

static void child_exec(struct tracer *tr, int i)
{
	int ret;

	/* the page's janitor must see end of file when the supervisor dies */
	fc_clockpage_forget_janitor(&tr->page);
	sigprocmask(SIG_SETMASK, &tr->oldmask, NULL);
	setrlimit(RLIMIT_NOFILE, &tr->nofile);	/* as the caller had it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	raise(SIGSTOP);		/* the supervisor seizes us here */
	if (getppid() == 1)
		_exit(127);
	/* seized with EXITKILL, which outlives exec: the program's own is 0 */
	prctl(PR_SET_PDEATHSIG, 0);
	if (fc_preload_setenv(tr->o->preload,
			      tr->have_page ? fc_clockpage_path(&tr->page) : NULL))
		_exit(127);
	ret = fc_trace_filter_install();
	if (ret) {
		fprintf(stderr, "%s: cannot install the seccomp filter: %s\n",
			tr->o->prog, strerror(-ret));
		_exit(127);
	}
	fc_sigdisp_child();
	execvp(tr->o->cmds[i][0], tr->o->cmds[i]);
	fprintf(stderr, "%s: cannot run '%s': %s\n", tr->o->prog, tr->o->cmds[i][0],
		strerror(errno));
	_exit(127);
}

static int spawn(struct tracer *tr, int i)
{
	/* VFORKDONE: a stop that ends vforking as soon as the child let go */
	const long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACECLONE |
			  PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |
			  PTRACE_O_EXITKILL;
	struct tracee *t;
	int wstatus, err;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(tr, i);

	if (waitpid(pid, &wstatus, WUNTRACED) != pid || !WIFSTOPPED(wstatus)) {
		err = -ECHILD;
		goto err_kill;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, opts)) {
		err = -errno;
		fprintf(stderr, "%s: cannot trace '%s' (ptrace: %s)\n", tr->o->prog,
			tr->o->cmds[i][0], strerror(errno));
		goto err_kill;
	}
	t = add(tr, pid);
	t->cmd = i;
	/* seized in its SIGSTOP: its first PTRACE_EVENT_STOP is ours, not a
	 * group-stop of the program, and our SIGCONT is not for it either */
	t->startup = true;
	t->swallow_sigcont = true;
	tr->pids[i] = pid;
	tr->status[i] = -1;
	tr->running++;
	kill(pid, SIGCONT);
	return 0;

err_kill:
	kill(pid, SIGKILL);
	waitpid(pid, &wstatus, 0);
	return err;
}

/* ---- the loop ---- */

static void arm_timer(struct tracer *tr)
{
	struct itimerspec its = { 0 };
	struct timespec when = { 0, 0 };
	struct fc_time deadline;
	bool have = false;
	pid_t why;

	if (next_deadline(tr, &deadline, &why)) {
		struct fc_time h = fc_clock_to_host(&tr->clock, FC_CLOCK_MONOTONIC, deadline);

		when.tv_sec = h.sec;
		when.tv_nsec = h.nsec;
		if (h.sec <= 0 && h.nsec == 0)
			when.tv_nsec = 1;
		have = true;
	}
	if (tr->recheck_ns && (!have || tr->recheck_at.tv_sec < when.tv_sec ||
			       (tr->recheck_at.tv_sec == when.tv_sec &&
				tr->recheck_at.tv_nsec < when.tv_nsec))) {
		when = tr->recheck_at;
		have = true;
	}
	if (have)
		its.it_value = when;
	timerfd_settime(tr->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The process (thread group) a thread belongs to, from /proc; 0 if gone. */
static pid_t tgid_of(pid_t tid)
{
	unsigned long long tgid;

	return fc_taskstat_status(tid, 0, "Tgid:", 10, &tgid) ? (pid_t)tgid : 0;
}

/*
 * Did process pid take sig from sender lately (the same kill() as the
 * supervisor's, to their process group)? Each taking answers once.
 */
static bool took_already(struct tracer *tr, pid_t pid, const struct user_signal *f)
{
	struct user_signal *u;
	int i;

	for (i = 0; i < TOOK_MAX && i < tr->ntook; i++) {
		u = &tr->took[i];
		if (u->tgid == pid && u->sig == f->sig && u->sender == f->sender &&
		    ns_since(&u->at) < TOOK_NS) {
			u->tgid = 0;
			return true;
		}
	}
	return false;
}

/*
 * Sends the supervisor's signals on to every process of the tree, as a
 * Ctrl-C reaches the whole foreground process group (a shell waiting for
 * its child would otherwise ignore it), after the reports pending have
 * been handled: one a user sent to a process
 * group is in the tree's too, and natively each process takes it once.
 * Still pending there, the forwarded copy merges with it; taken already
 * (its delivery stop came first), it is not sent again.
 */
static void send_forwards(struct tracer *tr)
{
	pid_t *done, pid;
	struct tracee *t;
	int n, i, f;

	if (!tr->nfwd)
		return;
	forget_sleepers(tr);
	done = calloc(tr->ntracees + 1, sizeof(*done));
	for (f = 0; f < tr->nfwd && done; f++) {
		logv(tr, "forwarding signal %d to the tree", tr->fwd[f].sig);
		n = 0;
		for (t = tr->all; t; t = t->next) {
			pid = process_of(t);
			for (i = 0; i < n && done[i] != pid; i++)
				;
			if (i < n)
				continue;
			done[n++] = pid;
			if (took_already(tr, pid, &tr->fwd[f]))
				logv(tr, "process %d took signal %d from %d already", pid,
				     tr->fwd[f].sig, tr->fwd[f].sender);
			else
				kill(pid, tr->fwd[f].sig);
		}
	}
	free(done);
	tr->nfwd = 0;
}

/* A signal for the supervisor: the tree's (see send_forwards()). */
static void forward_signal(struct tracer *tr, const struct signalfd_siginfo *si)
{
	struct user_signal *f;

	if (si->ssi_code == SI_KERNEL)	/* the terminal's: the tree has its own */
		return;
	if (tr->nfwd == 8)
		send_forwards(tr);
	f = &tr->fwd[tr->nfwd++];
	f->sig = (int)si->ssi_signo;
	f->sender = si->ssi_code == SI_USER ? (pid_t)si->ssi_pid : 0;
}

static void kill_leftovers(struct tracer *tr)
{
	struct tracee *t;
	int wstatus, spins = 0;
	pid_t tid;

	if (!tr->all)
		return;
	logv(tr, "the commands have exited; ending %d task(s) they left behind",
	     tr->ntracees);
	for (t = tr->all; t; t = t->next)
		kill(t->tid, SIGKILL);
	while (tr->all && spins++ < 1000) {
		tid = waitpid(-1, &wstatus, __WALL);
		if (tid < 0)
			break;
		t = find(tr, tid);
		if (t && (WIFEXITED(wstatus) || WIFSIGNALED(wstatus)))
			drop(tr, t);
	}
}

/*
 * Forwards the signals sent to the supervisor; true if one was SIGCHLD,
 * which every stop, exit or event of a tracee posts (once while pending).
 */
static bool take_signals(struct tracer *tr)
{
	struct signalfd_siginfo si;
	bool child = false;

	while (read(tr->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			child = true;
		else
			forward_signal(tr, &si);
	}
	return child || tr->nfwd;
}

/*
 * Right after a stop, the tracee resumed is likely to stop again within
 * microseconds (a sleep loop, a woken thread going back to its wait):
 * poll for its SIGCHLD for up to SPIN_NS (or until a re-check is due)
 * before sleeping in poll(). A supervisor that sleeps must be woken, and
 * waking a CPU that went idle can cost more than the whole stop (27 us one
 * way between the two vCPUs of the VM this was measured on, 2 us on one
 * CPU). With one CPU, polling would only delay the tracee.
 */
static bool await_report(struct tracer *tr)
{
	struct timespec start;
	long long limit = SPIN_NS, until_recheck;

	if (!tr->may_spin)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (tr->recheck_ns) {
		until_recheck = -ns_since(&tr->recheck_at);
		if (until_recheck < limit)
			limit = until_recheck;
	}
	do {
		/*
		 * One for a report taken already costs a turn of the loop
		 * (which reaps every report pending, whatever the signal was
		 * for) and this poll: waitid() here would walk every thread.
		 */
		if (take_signals(tr))
			return true;
	} while (ns_since(&start) < limit);
	return false;
}

static void loop(struct tracer *tr)
{
	struct pollfd pfd[2];
	int wstatus;
	bool events;
	pid_t tid;
	uint64_t ticks;

	pfd[0].fd = tr->sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = tr->tfd;
	pfd[1].events = POLLIN;
	while (tr->running > 0) {
		/* first: a stop after this posts a SIGCHLD await_report() sees */
		take_signals(tr);
		events = false;
		while ((tid = waitpid(-1, &wstatus, __WALL | WNOHANG)) > 0) {
			handle_event(tr, tid, wstatus);
			events = true;
			tr->idle_pending = false;
		}
		send_forwards(tr);
		if (tr->running <= 0)
			break;
		fire_due(tr);
		if (events || (tr->recheck_ns && ns_since(&tr->recheck_at) >= 0))
			check_idle(tr);
		if (events && await_report(tr))
			continue;
		arm_timer(tr);
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			(void)!read(tr->tfd, &ticks, sizeof(ticks));
	}
	kill_leftovers(tr);
}

/*
 * The idle check keeps four /proc files open per thread: a program of a
 * thousand threads needs about 4000, over the usual soft limit of 1024. The
 * supervisor takes the hard limit; the commands get the caller's back.
 */
static void raise_nofile(struct tracer *tr)
{
	struct rlimit more;

	if (getrlimit(RLIMIT_NOFILE, &tr->nofile)) {
		tr->nofile.rlim_cur = tr->nofile.rlim_max = RLIM_INFINITY;
		return;
	}
	more = tr->nofile;
	more.rlim_cur = more.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &more))
		logv(tr, "cannot raise the open-file limit (%s): about %llu threads at most",
		     strerror(errno), (unsigned long long)tr->nofile.rlim_cur / 4);
}

int fc_trace_run(const struct fc_trace_opts *o, int *exit_status)
{
	struct tracer *tr;
	struct fc_host_now now;
	cpu_set_t cpus;
	sigset_t mask;
	int i, ret = 0;

	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return -ENOMEM;
	tr->o = o;
	tr->pids = calloc(o->ncmds, sizeof(*tr->pids));
	tr->status = calloc(o->ncmds, sizeof(*tr->status));
	if (!tr->pids || !tr->status) {
		ret = -ENOMEM;
		goto out;
	}
	fc_clock_init(&tr->clock);
	fc_sleepq_init(&tr->q);
	fc_timers_init(&tr->timers, &tr->clock);
	raise_nofile(tr);
	tr->may_spin = sched_getaffinity(0, sizeof(cpus), &cpus) || CPU_COUNT(&cpus) > 1;
	tr->wchan_ok = kernel_at_least(5, 16);
	if (o->has_start) {
		fc_host_now(&now);
		fc_clock_set_start(&tr->clock, now.real, o->start);
	}
	ret = fc_clockpage_create(&tr->page);
	if (ret) {
		logv(tr, "no clock page (%s): vDSO time reads stay real", strerror(-ret));
	} else {
		tr->have_page = true;
		publish(tr);
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	fc_forward_add_signals(&mask);
	sigprocmask(SIG_BLOCK, &mask, &tr->oldmask);
	tr->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tr->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tr->sfd < 0 || tr->tfd < 0) {
		ret = -errno;
		goto out_mask;
	}

	for (i = 0; i < o->ncmds; i++) {
		ret = spawn(tr, i);
		if (ret) {
			/* already running commands are killed by EXITKILL */
			goto out_mask;
		}
	}
	logv(tr, "ptrace mode: %d command(s)%s", o->ncmds,
	     o->preload ? "" : ", no preload: vDSO time reads stay real");
	loop(tr);

	*exit_status = 0;
	for (i = 0; i < o->ncmds; i++) {
		if (tr->status[i] > 0) {
			*exit_status = tr->status[i];
			break;
		}
	}
out_mask:
	if (tr->sfd > 0)
		close(tr->sfd);
	if (tr->tfd > 0)
		close(tr->tfd);
	sigprocmask(SIG_SETMASK, &tr->oldmask, NULL);
out:
	if (tr->have_page)
		fc_clockpage_destroy(&tr->page);
	while (tr->all)
		drop(tr, tr->all);
	fc_timers_destroy(&tr->timers);
	free(tr->pids);
	free(tr->status);
	fc_cpuclock_free(&tr->cpu);
	free(tr->shared);
	free(tr);
	return ret;
}
