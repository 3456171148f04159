/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task's scheduling state as the kernel reports it in /proc: the state
 * letter of /proc/<tid>/stat and the CPU time of /proc/<tid>/schedstat.
 * ptrace mode decides that a process tree is idle from these facts.
 */
#ifndef _FC_TASKSTAT_H
#define _FC_TASKSTAT_H

#include <stdbool.h>
#include <sys/types.h>

struct fc_taskstat {
	char state;			/* R, S, D, T, t, Z, ... */
	unsigned long long runtime;	/* ns on a CPU, ever */
	unsigned long long slices;	/* times it was given a CPU */
	long nr;			/* confirm: the syscall it blocks in, or -1 */
	unsigned long args[6];		/* ... and its arguments */
};

/* Did the task run between two readings? */
static inline bool fc_taskstat_ran(const struct fc_taskstat *a,
				   const struct fc_taskstat *b)
{
	return a->runtime != b->runtime || a->slices != b->slices;
}

/* A task's /proc files, opened once: a pread is half the cost of an open. */
struct fc_taskstat_files {
	int stat_fd, sched_fd, syscall_fd, wchan_fd;	/* -1 when not open */
	pid_t tid;
};

/* Opens tid's files; on failure (EMFILE) reads fall back to opening by path. */
void fc_taskstat_open(pid_t tid, struct fc_taskstat_files *f);
void fc_taskstat_close(struct fc_taskstat_files *f);

/*
 * Reads the state, and with runtime also the CPU time counters (else they
 * read 0). Return: 0, or -errno (-ESRCH or -ENOENT once the task is gone).
 */
int fc_taskstat_read(struct fc_taskstat_files *f, bool runtime, struct fc_taskstat *st);

/* Reads the CPU time counters alone (schedstat: a quarter of stat's cost). */
int fc_taskstat_runtime(struct fc_taskstat_files *f, struct fc_taskstat *st);

/* Blocked in the kernel and not about to run: interruptible sleep. */
static inline bool fc_taskstat_sleeping(const struct fc_taskstat *st)
{
	return st->state == 'S';
}

/*
 * The confirming reading: /proc/<tid>/syscall says "running" for a task
 * on a CPU or on a runqueue, where the state letter of stat reads S for a
 * task on a CPU that has set S and not yet slept. It does not see a wakeup
 * still queued for another CPU (TASK_WAKING: the task is on no runqueue
 * yet; stat reads R, wchan 0): a woken task shows as blocked there for as
 * long as the other CPU takes to take it (tens of microseconds between the
 * vCPUs of a VM), so it only confirms a stat that read S. Fills state with
 * 'R' for running, else 'S' (blocked), nr and args with the syscall it
 * blocks in (nr -1 if none), and with runtime the CPU time counters.
 */
int fc_taskstat_confirm(struct fc_taskstat_files *f, bool runtime, struct fc_taskstat *st);

/*
 * Is the task asleep: off every CPU, on no runqueue and not being woken?
 * /proc/<tid>/wchan names the function it sleeps in only then (the kernel
 * checks under the task's pi_lock), else it reads "0", as it does when the
 * kernel cannot tell. Half the cost of the syscall file, a third of stat's.
 * Return: 1 asleep, 0 not known to be, or -errno.
 */
int fc_taskstat_asleep(struct fc_taskstat_files *f);

/*
 * One field of /proc/<tgid>/status (tid 0) or /proc/<tgid>/task/<tid>/status,
 * key with its colon ("Tgid:", "SigCgt:"), its value read in base (10, or
 * 16 for signal masks) into *val. Return: true when the field was found.
 */
bool fc_taskstat_status(pid_t tgid, pid_t tid, const char *key, int base,
			unsigned long long *val);

/*
 * Is process tgid free of what wakes its threads unseen by a tracer: no
 * signal pending for the process (ShdPnd), no SIGKILL for its leader
 * (SigPnd: a group exit or fatal signal under way kills every thread with
 * one of its own) and a leader asleep or stopped (State S, t or T: not
 * exiting, not a zombie that ended the process or waits for its threads;
 * a leader that has taken its SIGKILL off SigPnd is running its exit)?
 * One read of /proc/<tgid>/status; false when it cannot be read.
 */
bool fc_taskstat_process_clear(pid_t tgid);

#endif /* _FC_TASKSTAT_H */
