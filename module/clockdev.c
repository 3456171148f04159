// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/fluxcap: a member maps its group's clock page (vclock.c writes it).
 * A mapping takes its own reference on the page, so it may outlive the
 * group (it then shows the last offsets, which no longer change).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "clockdev.h"
#include "compat.h"
#include "group.h"

/*
 * The address spaces that map a clock page, counted per mapping (fork
 * copies one: vm_ops->open). Their preload adds the page's offsets to what
 * the vDSO returns, so when the vDSO falls back to the time syscall (a
 * clocksource it cannot read, such as HPET), that syscall must stay host
 * time, or the offset counts twice. Looked up under RCU by pointer only.
 */
struct fc_mapper {
	struct hlist_node node;
	struct rcu_head rcu;
	struct mm_struct *mm;
	unsigned int maps;
};

static DEFINE_HASHTABLE(fc_mappers, 6);
static DEFINE_SPINLOCK(fc_mappers_lock);

static struct fc_mapper *fc_mapper_find(struct mm_struct *mm)
{
	struct fc_mapper *m;

	hash_for_each_possible_rcu(fc_mappers, m, node, (unsigned long)mm)
		if (m->mm == mm)
			return m;
	return NULL;
}

bool fc_clockdev_mapped(struct mm_struct *mm)
{
	bool found;

	rcu_read_lock();
	found = fc_mapper_find(mm);
	rcu_read_unlock();
	return found;
}

static void fc_vma_open(struct vm_area_struct *vma)
{
	struct fc_mapper *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	struct fc_mapper *m;

	spin_lock(&fc_mappers_lock);
	m = fc_mapper_find(vma->vm_mm);
	if (!m && fresh) {
		m = fresh;
		fresh = NULL;
		m->mm = vma->vm_mm;
		hash_add_rcu(fc_mappers, &m->node, (unsigned long)m->mm);
	}
	if (m)
		m->maps++;
	spin_unlock(&fc_mappers_lock);
	kfree(fresh);
}

static void fc_vma_close(struct vm_area_struct *vma)
{
	struct fc_mapper *m;

	spin_lock(&fc_mappers_lock);
	m = fc_mapper_find(vma->vm_mm);
	if (m && !--m->maps) {
		hash_del_rcu(&m->node);
		kfree_rcu(m, rcu);
	}
	spin_unlock(&fc_mappers_lock);
}

static const struct vm_operations_struct fc_clockdev_vm_ops = {
	.open = fc_vma_open,
	.close = fc_vma_close,
};

static int fc_clockdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct page *page = NULL;
	struct fc_group *g;
	int ret;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	rcu_read_lock();
	g = fc_group_of(current);
	if (g) {
		/* The group frees its page only after a grace period. */
		page = fc_group_page(g);
		get_page(page);
	}
	rcu_read_unlock();
	if (!page)
		return -ENOENT;
	/* One page, read-only, never grown by mremap, never in a core dump. */
	fc_vma_mod_flags(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	ret = vm_insert_page(vma, vma->vm_start, page);
	put_page(page);
	if (ret)
		return ret;
	vma->vm_ops = &fc_clockdev_vm_ops;
	fc_vma_open(vma);
	return 0;
}

static const struct file_operations fc_clockdev_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.mmap = fc_clockdev_mmap,
};

static struct miscdevice fc_clockdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "fluxcap",
	.fops = &fc_clockdev_fops,
	.mode = 0444,
};

int fc_clockdev_init(void)
{
	return misc_register(&fc_clockdev);
}

void fc_clockdev_exit(void)
{
	misc_deregister(&fc_clockdev);
	/* Mappings hold the device open: none is left when the module goes. */
	rcu_barrier();
}
