/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Redirects: a kprobe pre-handler at a function's entry that sets the
 * instruction pointer and returns 1 makes the call continue in another
 * function with the same arguments (the way function error injection
 * works). The target runs after the kprobe has returned, so unregistering
 * the kprobe does not wait for it: module exit waits for this count.
 */
#ifndef _FC_REDIRECT_H
#define _FC_REDIRECT_H

#include <linux/types.h>
#include <linux/uaccess.h>

struct pt_regs;

/*
 * In a kprobe pre-handler: sends the call to target, counted in. Return: 1,
 * for the pre-handler to return. The target calls fc_redirect_end() last.
 */
int fc_redirect(struct pt_regs *regs, void *target);
void fc_redirect_end(void);

/*
 * A redirect target for a syscall entry, fc_sys_NAME(u): runs
 * fc_do_NAME(u), the module's version of the syscall, then counts itself
 * out.
 */
#define FC_REDIRECT_SYSCALL(name)					\
static noinline long fc_sys_##name(const struct pt_regs *u)		\
{									\
	long ret = fc_do_##name(u);					\
									\
	fc_redirect_end();						\
	return ret;							\
}

/*
 * A redirect target's user access may wait on a page fault without bound
 * (a stalled FUSE file, a userfaultfd region), and module exit waits for
 * every redirected call. So an access is tried with page faults off first,
 * which costs nothing more; on a fault it runs again with faults on,
 * holding the module, so that rmmod meanwhile says it is in use instead of
 * waiting. fc_redirect_hold() fails once rmmod has begun: exit then waits
 * for the call anyway.
 */
bool fc_redirect_hold(void);
void fc_redirect_unhold(bool held);

struct fc_user_pass {
	bool first;
	bool held;
};

static inline void fc_user_pass_begin(struct fc_user_pass *p)
{
	if (p->first)
		pagefault_disable();
}

/* After a pass that returned ret: whether to run the access again. */
static inline bool fc_user_pass_again(struct fc_user_pass *p, long ret)
{
	if (p->first) {
		pagefault_enable();
		p->first = false;
		if (ret) {
			p->held = fc_redirect_hold();
			return true;
		}
		return false;
	}
	fc_redirect_unhold(p->held);
	return false;
}

/*
 * In a redirect target: access (put_user, copy_to_user, get_timespec64 ...:
 * non-zero on failure, and safe to run twice) as above; its result.
 */
#define fc_redirect_user(access)					\
({									\
	struct fc_user_pass __fc_pass = { .first = true };		\
	long __fc_ret;							\
									\
	do {								\
		fc_user_pass_begin(&__fc_pass);				\
		__fc_ret = (access);					\
	} while (fc_user_pass_again(&__fc_pass, __fc_ret));		\
	__fc_ret;							\
})

/* Module exit, hooks already gone: waits for redirected calls to return. */
void fc_redirect_exit(void);

#endif /* _FC_REDIRECT_H */
