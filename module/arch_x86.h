/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64: the syscall entry points the module probes, the argument
 * registers of probed functions and of the syscalls behind them, where a
 * process's vDSO and its data page lie. No other module file names a
 * register.
 */
#ifndef _FC_ARCH_X86_H
#define _FC_ARCH_X86_H

#include <linux/compat.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/ptrace.h>
#include <asm/syscall.h>
#include <asm/vdso.h>

/* The kprobe symbol of syscall name's entry (it takes struct pt_regs *). */
#define FC_ARCH_SYSCALL(name)	"__x64_sys_" #name

/* Argument n (from 0) of the probed function, at a kprobe on its entry. */
static inline unsigned long fc_arch_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/* Changes argument n (0 to 3) the probed function will see. */
static inline void fc_arch_set_arg(struct pt_regs *regs, unsigned int n,
				   unsigned long val)
{
	switch (n) {
	case 0:
		regs->di = val;
		break;
	case 1:
		regs->si = val;
		break;
	case 2:
		regs->dx = val;
		break;
	case 3:
		regs->cx = val;
		break;
	}
}

/* The user registers a syscall entry point was given (its first argument). */
static inline struct pt_regs *fc_arch_syscall_regs(struct pt_regs *regs)
{
	return (struct pt_regs *)fc_arch_arg(regs, 0);
}

/*
 * Whether task t, in the syscall of its saved user registers u, entered it
 * by a 32-bit entry (ia32 or x32), whose numbers are not the 64-bit ones.
 */
static inline bool fc_arch_syscall_foreign(struct task_struct *t,
					   const struct pt_regs *u)
{
	return (task_thread_info(t)->status & TS_COMPAT) ||
	       (u->orig_ax & __X32_SYSCALL_BIT);
}

/*
 * The number and argument n (from 0) of the 64-bit syscall that u, a
 * task's saved user registers, entered with.
 */
static inline long fc_arch_syscall_nr(const struct pt_regs *u)
{
	return u->orig_ax;
}

static inline unsigned long fc_arch_syscall_arg(const struct pt_regs *u,
						unsigned int n)
{
	switch (n) {
	case 0:
		return u->di;
	case 1:
		return u->si;
	case 2:
		return u->dx;
	case 3:
		return u->r10;
	case 4:
		return u->r8;
	default:
		return u->r9;
	}
}

/* Argument n (from 0) of an ia32 syscall, from its saved user registers. */
static inline u32 fc_arch_syscall_arg_ia32(const struct pt_regs *u,
					   unsigned int n)
{
	switch (n) {
	case 0:
		return u->bx;
	case 1:
		return u->cx;
	case 2:
		return u->dx;
	case 3:
		return u->si;
	case 4:
		return u->di;
	default:
		return u->bp;
	}
}

/* Argument n of an ia32 syscall as a user pointer. */
static inline void __user *fc_arch_syscall_ptr_ia32(const struct pt_regs *u,
						    unsigned int n)
{
	return compat_ptr(fc_arch_syscall_arg_ia32(u, n));
}

/* The kprobe symbol of ia32 syscall name's entry, where the kernel has one. */
#define FC_ARCH_SYSCALL_IA32(name)	"__ia32_" #name

/* True when a syscall with saved user registers u was made from mm's vDSO. */
static inline bool fc_arch_from_vdso(struct mm_struct *mm,
				     const struct pt_regs *u)
{
	unsigned long base = (unsigned long)mm->context.vdso;

	return mm->context.vdso_image &&
	       u->ip - base < mm->context.vdso_image->size;
}

#ifndef FC_HAVE_VDSO_DATASTORE
/*
 * Up to 6.14 the vDSO data page is the architecture's (vdsodata.h): the
 * kernel's page of it, where in that page the struct vdso_data array
 * starts, the [vvar] mapping's fault handler that installs it and the
 * mapping itself (found by name: all are private).
 */
#define FC_ARCH_VVAR_PAGE	"__vvar_page"
#define FC_ARCH_VDSO_DATA	"_vdso_data"
#define FC_ARCH_VVAR_FAULT	"vvar_fault"
/* Its struct vm_special_mapping: the vm_private_data of every [vvar]. */
#define FC_ARCH_VVAR_MAPPING	"vvar_mapping"

/*
 * True when a fault at vmf in vma, a [vvar] mapping, is for the page
 * with the struct vdso_data (not the pvclock, hvclock or time namespace
 * pages beside it).
 */
static inline bool fc_arch_vvar_data_fault(struct vm_area_struct *vma,
					   struct vm_fault *vmf)
{
	const struct vdso_image *image = vma->vm_mm->context.vdso_image;

	return image && (long)(vmf->pgoff << PAGE_SHIFT) +
		image->sym_vvar_start == image->sym_vvar_page;
}
#endif

#endif /* _FC_ARCH_X86_H */
