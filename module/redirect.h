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

/* Module exit, hooks already gone: waits for redirected calls to return. */
void fc_redirect_exit(void);

#endif /* _FC_REDIRECT_H */
