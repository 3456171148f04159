// SPDX-License-Identifier: GPL-2.0
/*
 * Members' vDSO pages (vdsomap.h).
 *
 * An address space is tied to a group's page by an anchor: a one-page
 * PROT_NONE mapping of an anonymous fluxcap file, made by a member for
 * itself. The anchor holds a reference on the page and, through its file,
 * on the module. Unmapping it takes the [vvar] entries that show the page
 * down (a close), so no address space shows a page nobody holds. fork
 * copies the anchor (an open) but never the [vvar] entries (its
 * copy_page_range is probed): a child faults for them, and finds its
 * anchor, or makes one, or gets the kernel's page.
 *
 * The [vvar] fault handler is probed. A data-page fault in an address
 * space with an anchor installs the anchor's page. A member without one
 * (the first read after exec) gets the kernel's page for now and, on its
 * way back to user mode (task_work), makes its anchor and drops the
 * [vvar] entries: the read that faulted runs again, faults again and finds
 * the group's page. The anchor and the [vvar] entries only change under
 * the address space's mmap lock, which every fault of [vvar] holds.
 *
 * A process that joins a group while it runs (attach, create --cgroup)
 * has its [vvar] entries dropped before the call that moved it returns:
 * its next read faults.
 *
 * The fault and copy hooks stay while the module is loaded, since anchors outlive
 * groups. An address space keeps the page it was given until exec, or
 * until it joins another group: after the group went, the page keeps the
 * group's last offsets, and its time syscalls read that clock too.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/hashtable.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/workqueue.h>

#include "arch.h"
#include "compat.h"
#include "group.h"
#include "redirect.h"
#include "vdsodata.h"
#include "vdsomap.h"
#include "vvar.h"

/* Anchor mappings on the machine: none, and faults need not look. */
static atomic_t fc_anchors = ATOMIC_INIT(0);

static struct workqueue_struct *fc_vdsomap_wq;

/*
 * The page each address space with an anchor shows, by mm, for time
 * syscalls made outside any group (fc_vdsomap_shown()). Counted, as an
 * mremap opens the moved anchor before it closes the old one. Changed
 * under fc_shown_lock, read under RCU; an entry goes before its mm does
 * (exit unmaps every anchor).
 */
struct fc_shown {
	struct hlist_node node;
	struct rcu_head rcu;
	const struct mm_struct *mm;	/* compared only */
	struct fc_vvar *v;		/* a reference of its own */
	unsigned int anchors;
};

static DEFINE_HASHTABLE(fc_shown, 8);
static DEFINE_SPINLOCK(fc_shown_lock);

/* Under fc_shown_lock or RCU. */
static struct fc_shown *fc_shown_find(const struct mm_struct *mm)
{
	struct fc_shown *e;

	hash_for_each_possible_rcu(fc_shown, e, node, (unsigned long)mm)
		if (e->mm == mm)
			return e;
	return NULL;
}

/*
 * An anchor of mm showing v came (open, mmap). The entry's page is the
 * last one an anchor of mm showed; a reference of its own, so that it
 * never outlives the page whatever the anchors do.
 */
static void fc_shown_add(const struct mm_struct *mm, struct fc_vvar *v)
{
	struct fc_shown *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL), *e;
	struct fc_vvar *old = NULL;

	spin_lock(&fc_shown_lock);
	e = fc_shown_find(mm);
	if (e) {
		e->anchors++;
		old = e->v;
		WRITE_ONCE(e->v, fc_vvar_get(v));
	} else if (fresh) {
		/* Without memory: its syscalls read host time, as before. */
		fresh->mm = mm;
		fresh->v = fc_vvar_get(v);
		fresh->anchors = 1;
		hash_add_rcu(fc_shown, &fresh->node, (unsigned long)mm);
		fresh = NULL;
	}
	spin_unlock(&fc_shown_lock);
	kfree(fresh);
	fc_vvar_put(old);	/* readers hold it until a grace period */
}

static void fc_shown_free_rcu(struct rcu_head *rcu)
{
	struct fc_shown *e = container_of(rcu, struct fc_shown, rcu);

	fc_vvar_put(e->v);
	kfree(e);
}

/* mm's anchor now shows v (repointed), or one went (v NULL). */
static void fc_shown_change(const struct mm_struct *mm, struct fc_vvar *v)
{
	struct fc_vvar *old = NULL;
	struct fc_shown *e;

	spin_lock(&fc_shown_lock);
	e = fc_shown_find(mm);
	if (e && v) {
		old = e->v;
		WRITE_ONCE(e->v, fc_vvar_get(v));
	} else if (e && !--e->anchors) {
		hash_del_rcu(&e->node);
		call_rcu(&e->rcu, fc_shown_free_rcu);
	}
	spin_unlock(&fc_shown_lock);
	fc_vvar_put(old);
}

struct fc_vvar *fc_vdsomap_shown(struct mm_struct *mm)
{
	struct fc_shown *e;

	if (!atomic_read(&fc_anchors) || !mm)
		return NULL;
	e = fc_shown_find(mm);
	return e ? READ_ONCE(e->v) : NULL;
}

bool fc_vdsomap_anchored(void)
{
	return atomic_read(&fc_anchors);
}

static const struct vm_operations_struct fc_anchor_vm_ops;

/* True for a [vvar] mapping (its pages are pfns, or from 7.x refcounted). */
static bool fc_is_vvar(const struct vm_area_struct *vma)
{
	return vma->vm_private_data == fc_vvar_kernel_mapping() &&
	       vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP);
}

/* mm's anchor mapping, or NULL. Caller holds mm's mmap lock. */
static struct vm_area_struct *fc_anchor_vma(struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	for_each_vma(vmi, vma)
		if (vma->vm_ops == &fc_anchor_vm_ops)
			return vma;
	return NULL;
}

static struct fc_vvar *fc_anchor_of(struct mm_struct *mm)
{
	struct vm_area_struct *vma = fc_anchor_vma(mm);

	return vma ? vma->vm_private_data : NULL;
}

/*
 * Drops mm's [vvar] entries, wherever mremap put them: the next read
 * faults. Caller holds the lock.
 */
static void fc_vvar_drop_locked(struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	for_each_vma(vmi, vma)
		if (fc_is_vvar(vma))
			fc_vvar_zap(vma);
}

static void fc_vvar_drop(struct mm_struct *mm)
{
	/* Killed meanwhile: the entries are torn down with the process. */
	if (mmap_read_lock_killable(mm))
		return;
	fc_vvar_drop_locked(mm);
	mmap_read_unlock(mm);
}

/* fork's copy of an anchor: the child holds the page too. */
static void fc_anchor_open(struct vm_area_struct *vma)
{
	fc_vvar_get(vma->vm_private_data);
	atomic_inc(&fc_anchors);
	fc_shown_add(vma->vm_mm, vma->vm_private_data);
}

static void fc_anchor_close(struct vm_area_struct *vma)
{
	/*
	 * Unmapped from a live address space (munmap, mremap): its [vvar]
	 * entries go with it. At exit or exec they are already gone.
	 */
	if (atomic_read(&vma->vm_mm->mm_users))
		fc_vvar_drop_locked(vma->vm_mm);
	fc_shown_change(vma->vm_mm, NULL);
	atomic_dec(&fc_anchors);
	fc_vvar_put(vma->vm_private_data);
}

/* An anchor is never split or moved in part: it is one page. */
static int fc_anchor_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct fc_anchor_vm_ops = {
	.open = fc_anchor_open,
	.close = fc_anchor_close,
	.may_split = fc_anchor_may_split,
};

static int fc_anchor_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	/* One anchor per address space (two threads may race to make it). */
	if (fc_anchor_vma(vma->vm_mm))
		return -EBUSY;
	/* Nothing to read: never readable, writable or in a core dump. */
	fc_vma_mod_flags(vma, VM_DONTEXPAND | VM_DONTDUMP,
			 VM_READ | VM_WRITE | VM_EXEC |
			 VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC);
	vma->vm_private_data = fc_vvar_get(file->private_data);
	vma->vm_ops = &fc_anchor_vm_ops;
	atomic_inc(&fc_anchors);
	fc_shown_add(vma->vm_mm, vma->vm_private_data);
	return 0;
}

static int fc_anchor_release(struct inode *inode, struct file *file)
{
	fc_vvar_put(file->private_data);
	return 0;
}

static const struct file_operations fc_anchor_fops = {
	.owner = THIS_MODULE,
	.mmap = fc_anchor_mmap,
	.release = fc_anchor_release,
};

/* The group page current's address space should show, a reference. */
static struct fc_vvar *fc_wanted_vvar(void)
{
	struct fc_vvar *v = NULL;
	struct fc_group *g;

	rcu_read_lock();
	g = fc_group_of(current);
	/* The group holds its page until after a grace period. */
	if (g && fc_group_vvar(g))
		v = fc_vvar_get(fc_group_vvar(g));
	rcu_read_unlock();
	return v;
}

/*
 * In current, on its way to user mode: ties its address space to its
 * group's page, and drops the [vvar] entries that show another.
 */
static void fc_anchor_current(void)
{
	struct mm_struct *mm = current->mm;
	struct fc_vvar *want = fc_wanted_vvar(), *old = NULL;
	struct vm_area_struct *vma;
	struct file *file;
	unsigned long addr;

	if (!want)
		return;
	if (mmap_write_lock_killable(mm))
		goto out;
	vma = fc_anchor_vma(mm);
	if (vma) {
		/* Another group's anchor (the process moved): repoint it. */
		if (vma->vm_private_data != want) {
			old = vma->vm_private_data;
			vma->vm_private_data = want;
			fc_shown_change(mm, want);
			want = old;
			fc_vvar_drop_locked(mm);
		}
		mmap_write_unlock(mm);
		goto out;
	}
	mmap_write_unlock(mm);
	file = anon_inode_getfile("[fluxcap-vdso]", &fc_anchor_fops, want,
				  O_RDONLY);
	if (IS_ERR(file))
		goto out;
	want = NULL;	/* the file's now */
	addr = vm_mmap(file, 0, PAGE_SIZE, PROT_NONE, MAP_SHARED, 0);
	fput(file);
	if (IS_ERR_VALUE(addr)) {
		pr_debug("pid %d: no anchor (%ld): its vDSO reads host time\n",
			 task_pid_nr(current), (long)addr);
		return;
	}
	fc_vvar_drop(mm);
out:
	fc_vvar_put(want);
}

struct fc_anchor_work {
	struct callback_head cb;
};

static void fc_anchor_work_fn(struct callback_head *cb)
{
	kfree(container_of(cb, struct fc_anchor_work, cb));
	if (current->mm && !(current->flags & PF_EXITING))
		fc_anchor_current();
	/* The instructions left run before module exit ends (rcu_tasks). */
	module_put(THIS_MODULE);
}

/* task_work fn for t, holding the module until it ran. Atomic context. */
static void fc_task_work(struct task_struct *t, task_work_func_t fn)
{
	struct fc_anchor_work *w;

	if (!try_module_get(THIS_MODULE))
		return;
	w = kmalloc(sizeof(*w), GFP_ATOMIC);
	if (w) {
		init_task_work(&w->cb, fn);
		if (!task_work_add(t, &w->cb, TWA_RESUME))
			return;
		kfree(w);
	}
	module_put(THIS_MODULE);
}

/* copy_page_range(dst, src) for a [vvar]: copies nothing (see the top). */
static noinline int fc_vvar_no_copy(struct vm_area_struct *dst,
				    struct vm_area_struct *src)
{
	fc_redirect_end();
	return 0;
}

static int fc_copy_probe(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *src = (void *)fc_arch_arg(regs, 1);

	if (!fc_is_vvar(src))
		return 0;
	return fc_redirect(regs, fc_vvar_no_copy);
}

static struct kprobe fc_copy_kprobe = {
	.symbol_name = "copy_page_range",
	.pre_handler = fc_copy_probe,
};

/* The redirected fault: the page of the anchor the probe saw. */
static noinline vm_fault_t fc_vvar_fault(const void *sm,
					 struct vm_area_struct *vma,
					 struct vm_fault *vmf)
{
	struct fc_vvar *v = fc_anchor_of(vma->vm_mm);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (v)
		ret = fc_vvar_fault_page(vma, vmf, fc_vvar_page(v));
	fc_redirect_end();
	return ret;
}

/* vvar_fault(sm, vma, vmf), with vma's mmap lock held for reading. */
static int fc_vvar_fault_probe(struct kprobe *kp, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (void *)fc_arch_arg(regs, 1);
	struct vm_fault *vmf = (void *)fc_arch_arg(regs, 2);
	struct fc_vvar *have = NULL, *want = NULL;
	struct fc_group *g;

	/* Another process's access (ptrace, /proc/pid/mem): the kernel's. */
	if (!fc_vvar_time_fault(vma, vmf) || vmf->flags & FAULT_FLAG_REMOTE)
		return 0;
	if (atomic_read(&fc_anchors))
		have = fc_anchor_of(vma->vm_mm);
	if (current->mm == vma->vm_mm &&
	    !(current->flags & (PF_KTHREAD | PF_IO_WORKER | FC_PF_USER_WORKER))) {
		rcu_read_lock();
		g = fc_group_of(current);
		want = g ? fc_group_vvar(g) : NULL;	/* compared only */
		rcu_read_unlock();
	}
	/* Made on the way back to user mode, before the read runs again. */
	if (want && want != have)
		fc_task_work(current, fc_anchor_work_fn);
	/* A process that left its group keeps the page it had. */
	if (have && (!want || want == have))
		return fc_redirect(regs, fc_vvar_fault);
	return 0;
}

static struct kprobe fc_vvar_kprobe = {
	.symbol_name = FC_VVAR_FAULT,
	.pre_handler = fc_vvar_fault_probe,
};

struct fc_drop_work {
	struct callback_head cb;
	struct work_struct work;
	struct mm_struct *mm;
};

static void fc_drop(struct fc_drop_work *w)
{
	fc_vvar_drop(w->mm);
	mmput(w->mm);
	kfree(w);
}

static void fc_drop_work_fn(struct work_struct *work)
{
	fc_drop(container_of(work, struct fc_drop_work, work));
}

static void fc_drop_cb_fn(struct callback_head *cb)
{
	fc_drop(container_of(cb, struct fc_drop_work, cb));
	module_put(THIS_MODULE);
}

/*
 * Atomic context: drops the [vvar] entries of task's mm before current
 * returns to user mode (it wrote cgroup.procs, or asked for the group), so
 * that they are gone when that call returns; from a kernel thread, soon.
 */
static void fc_vvar_drop_async(struct task_struct *task)
{
	struct fc_drop_work *w;
	struct mm_struct *mm;

	mm = get_task_mm(task);
	if (!mm)
		return;
	w = kmalloc(sizeof(*w), GFP_ATOMIC);
	if (!w) {
		mmput_async(mm);
		return;
	}
	w->mm = mm;
	/* Workers of io_uring and vhost do not return to user mode soon. */
	if (!(current->flags & (PF_KTHREAD | PF_IO_WORKER | FC_PF_USER_WORKER)) &&
	    try_module_get(THIS_MODULE)) {
		init_task_work(&w->cb, fc_drop_cb_fn);
		if (!task_work_add(current, &w->cb, TWA_RESUME))
			return;
		module_put(THIS_MODULE);
	}
	INIT_WORK(&w->work, fc_drop_work_fn);
	queue_work(fc_vdsomap_wq, &w->work);
}

void fc_vdsomap_note_attach(struct task_struct *task)
{
	bool member;

	if (!fc_vvar_supported() || task->flags & PF_KTHREAD)
		return;
	rcu_read_lock();
	member = fc_group_of(task);
	rcu_read_unlock();
	if (member)
		fc_vvar_drop_async(task);
}

void fc_vdsomap_adopt(struct fc_group *g)
{
	struct task_struct *p;

	if (!fc_vvar_supported())
		return;
	rcu_read_lock();
	for_each_process(p)
		if (!(p->flags & PF_KTHREAD) && fc_group_of(p) == g)
			fc_vvar_drop_async(p);
	rcu_read_unlock();
}

int fc_vdsomap_init(void)
{
	int ret;

	if (!fc_vvar_supported())
		return 0;
	fc_vdsomap_wq = alloc_workqueue("fluxcap_vdso", WQ_UNBOUND, 0);
	if (!fc_vdsomap_wq)
		return -ENOMEM;
	ret = register_kprobe(&fc_copy_kprobe);
	if (ret) {
		pr_err("kprobe copy_page_range: %d\n", ret);
		goto err_wq;
	}
	ret = register_kprobe(&fc_vvar_kprobe);
	if (ret) {
		pr_err("kprobe %s: %d\n", FC_VVAR_FAULT, ret);
		goto err_copy;
	}
	return 0;

err_copy:
	unregister_kprobe(&fc_copy_kprobe);
err_wq:
	destroy_workqueue(fc_vdsomap_wq);
	return ret;
}

void fc_vdsomap_exit(void)
{
	/* Entries freed by call_rcu (module code) put pages: before vvar's. */
	rcu_barrier();
	if (!fc_vvar_supported())
		return;
	unregister_kprobe(&fc_vvar_kprobe);
	unregister_kprobe(&fc_copy_kprobe);
	destroy_workqueue(fc_vdsomap_wq);
}
