// SPDX-License-Identifier: GPL-2.0
/*
 * A group's vDSO data page (see vvar.h). Writers of a page take its lock:
 * the notifier, once per timekeeping update for every page, and a change
 * of the group's clock. Readers are the vDSO, which retries while the
 * sequence count of the clock data it reads is odd or has moved, as it
 * does on the kernel's page. The layout is the kernel's (vdsodata.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pvclock_gtod.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "ksym.h"
#include "vdsodata.h"
#include "vvar.h"

struct fc_vvar {
	refcount_t ref;
	struct page *page;
	raw_spinlock_t lock;		/* the page and snap */
	struct fc_clock_snapshot snap;	/* what the page shows */
	u32 seq;			/* the page's sequence count, even */
	struct list_head node;		/* fc_vvars */
	struct rcu_head rcu;
};

/* The kernel's clock data (CS_BASES entries), and its offset in its page. */
static const struct fc_vdso_clock *fc_host_vd;
static unsigned long fc_vd_off;
static const void *fc_vvar_mapping;

/* Every page, for the notifier: changed under fc_vvars_lock, read by RCU. */
static LIST_HEAD(fc_vvars);
static DEFINE_SPINLOCK(fc_vvars_lock);

bool fc_vvar_supported(void)
{
	return fc_host_vd;
}

const void *fc_vvar_kernel_mapping(void)
{
	return fc_vvar_mapping;
}

static struct fc_vdso_clock *fc_vvar_vd(const struct fc_vvar *v)
{
	return page_address(v->page) + fc_vd_off;
}

#ifdef FC_HAVE_VDSO_CLOCK
/*
 * What the vDSO reads beside the clocks, the same for every group:
 * gettimeofday()'s time zone, clock_getres()'s resolution. Read without
 * the sequence count, as on the kernel's page.
 */
static void fc_vvar_write_rest(struct fc_vvar *v)
{
	const struct vdso_time_data *src = (const void *)fc_host_vd - fc_vd_off;
	struct vdso_time_data *dst = page_address(v->page);

	WRITE_ONCE(dst->tz_minuteswest, READ_ONCE(src->tz_minuteswest));
	WRITE_ONCE(dst->tz_dsttime, READ_ONCE(src->tz_dsttime));
	WRITE_ONCE(dst->hrtimer_res, READ_ONCE(src->hrtimer_res));
}
#else
/* They are in the clocks' own struct vdso_data. */
static void fc_vvar_write_rest(struct fc_vvar *v)
{
}
#endif

/* A consistent copy of the kernel's data, as the vDSO would read it. */
static void fc_host_copy(struct fc_vdso_clock *dst)
{
	u32 seq;

	do {
		while ((seq = READ_ONCE(fc_host_vd[CS_HRES_COARSE].seq)) & 1)
			cpu_relax();
		smp_rmb();	/* the count before the data */
		memcpy(dst, fc_host_vd, sizeof(*dst) * CS_BASES);
		smp_rmb();	/* the data before the count again */
	} while (READ_ONCE(fc_host_vd[CS_HRES_COARSE].seq) != seq);
}

/* ts, a base shifted left by shift (0 for the coarse clocks), moves by off. */
static void fc_base_add(struct vdso_timestamp *ts, struct fc_time off,
			u32 shift)
{
	u64 one_sec = (u64)NSEC_PER_SEC << shift;
	u64 nsec = ts->nsec + ((u64)off.nsec << shift);

	ts->sec += off.sec;
	if (nsec >= one_sec) {
		nsec -= one_sec;
		ts->sec++;
	}
	ts->nsec = nsec;
}

static void fc_base_set(struct vdso_timestamp *ts, struct fc_time t, u32 shift)
{
	ts->sec = t.sec;
	ts->nsec = (u64)t.nsec << shift;
}

/* The host's data with the offsets of a running clock added. */
static void fc_vvar_running(struct fc_vdso_clock *vd,
			    const struct fc_clock_snapshot *s)
{
	struct fc_vdso_clock *hc = &vd[CS_HRES_COARSE], *raw = &vd[CS_RAW];

	fc_base_add(&hc->basetime[CLOCK_REALTIME], s->real_off, hc->shift);
	fc_base_add(&hc->basetime[CLOCK_TAI], s->real_off, hc->shift);
	fc_base_add(&hc->basetime[CLOCK_MONOTONIC], s->mono_off, hc->shift);
	fc_base_add(&hc->basetime[CLOCK_BOOTTIME], s->mono_off, hc->shift);
	fc_base_add(&hc->basetime[CLOCK_REALTIME_COARSE], s->real_off, 0);
	fc_base_add(&hc->basetime[CLOCK_MONOTONIC_COARSE], s->mono_off, 0);
	fc_base_add(&raw->basetime[CLOCK_MONOTONIC_RAW], s->mono_off,
		    raw->shift);
	/*
	 * A clocksource the vDSO cannot read (HPET): the kernel keeps only
	 * the seconds of REALTIME's base up to date, for time(), and not the
	 * shift they are stored with. Take them from the coarse clock.
	 */
	if (hc->clock_mode == VDSO_CLOCKMODE_NONE) {
		hc->basetime[CLOCK_REALTIME].sec =
			hc->basetime[CLOCK_REALTIME_COARSE].sec;
		hc->basetime[CLOCK_REALTIME].nsec = 0;
	}
}

/* The virtual times a frozen clock stands at. */
struct fc_frozen_times {
	struct fc_time mono, boot, real, tai;
};

static struct fc_time fc_frozen_at(ktime_t mono, enum tk_offsets offs,
				   struct fc_time off)
{
	ktime_t host = offs == TK_OFFS_MAX ? mono : ktime_mono_to_any(mono, offs);

	return fc_time_add(fc_time_from_ns(host), off);
}

/*
 * Reads the timekeeper's offsets, so never under a page's lock: the
 * notifier takes that lock inside the timekeeper's write section.
 */
static void fc_frozen_times(const struct fc_clock_snapshot *s,
			    struct fc_frozen_times *t)
{
	t->mono = fc_frozen_at(s->frozen_mono, TK_OFFS_MAX, s->mono_off);
	t->boot = fc_frozen_at(s->frozen_mono, TK_OFFS_BOOT, s->mono_off);
	t->real = fc_frozen_at(s->frozen_mono, TK_OFFS_REAL, s->real_off);
	t->tai = fc_frozen_at(s->frozen_mono, TK_OFFS_TAI, s->real_off);
}

/*
 * A frozen clock: every base is the virtual time at the freeze and the
 * multiplier is 0, so no reading moves. MONOTONIC_RAW reads as MONOTONIC,
 * as the time syscalls make it while frozen.
 */
static void fc_vvar_frozen(struct fc_vdso_clock *vd,
			   const struct fc_frozen_times *t)
{
	struct fc_vdso_clock *hc = &vd[CS_HRES_COARSE], *raw = &vd[CS_RAW];

	fc_base_set(&hc->basetime[CLOCK_REALTIME], t->real, hc->shift);
	fc_base_set(&hc->basetime[CLOCK_TAI], t->tai, hc->shift);
	fc_base_set(&hc->basetime[CLOCK_MONOTONIC], t->mono, hc->shift);
	fc_base_set(&hc->basetime[CLOCK_BOOTTIME], t->boot, hc->shift);
	fc_base_set(&hc->basetime[CLOCK_REALTIME_COARSE], t->real, 0);
	fc_base_set(&hc->basetime[CLOCK_MONOTONIC_COARSE], t->mono, 0);
	fc_base_set(&raw->basetime[CLOCK_MONOTONIC_RAW], t->mono, raw->shift);
	hc->mult = 0;
	raw->mult = 0;
}

/* Under v->lock: the page shows vd (CS_BASES entries). */
static void fc_vvar_write(struct fc_vvar *v, const struct fc_vdso_clock *vd)
{
	struct fc_vdso_clock *dst = fc_vvar_vd(v);
	size_t skip = offsetofend(struct fc_vdso_clock, seq);
	int i;

	for (i = 0; i < CS_BASES; i++)
		WRITE_ONCE(dst[i].seq, v->seq + 1);
	smp_wmb();	/* readers see the odd count before any change */
	for (i = 0; i < CS_BASES; i++)
		memcpy((char *)&dst[i] + skip, (const char *)&vd[i] + skip,
		       offsetof(struct fc_vdso_clock, basetime) - skip);
	/* time() reads this one without the count: never torn. */
	WRITE_ONCE(dst[CS_HRES_COARSE].basetime[CLOCK_REALTIME].sec,
		   vd[CS_HRES_COARSE].basetime[CLOCK_REALTIME].sec);
	WRITE_ONCE(dst[CS_HRES_COARSE].basetime[CLOCK_REALTIME].nsec,
		   vd[CS_HRES_COARSE].basetime[CLOCK_REALTIME].nsec);
	for (i = 0; i < CS_BASES; i++) {
		size_t from = i == CS_HRES_COARSE ?
			      offsetof(struct fc_vdso_clock, basetime[1]) :
			      offsetof(struct fc_vdso_clock, basetime);

		memcpy((char *)&dst[i] + from, (const char *)&vd[i] + from,
		       sizeof(*dst) - from);
	}
	smp_wmb();	/* the data before the even count that ends it */
	v->seq += 2;
	for (i = 0; i < CS_BASES; i++)
		WRITE_ONCE(dst[i].seq, v->seq);
	fc_vvar_write_rest(v);
}

void fc_vvar_read(struct fc_vvar *v, struct fc_clock_snapshot *snap)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&v->lock, flags);
	*snap = v->snap;
	raw_spin_unlock_irqrestore(&v->lock, flags);
}

void fc_vvar_set(struct fc_vvar *v, const struct fc_clock_snapshot *snap)
{
	struct fc_vdso_clock vd[CS_BASES];
	struct fc_frozen_times t;
	unsigned long flags;

	if (snap->frozen)
		fc_frozen_times(snap, &t);
	raw_spin_lock_irqsave(&v->lock, flags);
	v->snap = *snap;
	fc_host_copy(vd);
	if (snap->frozen)
		fc_vvar_frozen(vd, &t);
	else
		fc_vvar_running(vd, snap);
	fc_vvar_write(v, vd);
	raw_spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * After every timekeeping update, inside it (the timekeeper's lock is held,
 * so nothing here reads a clock): the kernel's page is already new.
 */
static int fc_vvar_tick(struct notifier_block *nb, unsigned long was_set,
			void *tk)
{
	struct fc_vdso_clock vd[CS_BASES];
	struct fc_vvar *v;

	rcu_read_lock();
	list_for_each_entry_rcu(v, &fc_vvars, node) {
		raw_spin_lock(&v->lock);
		if (!v->snap.frozen) {
			fc_host_copy(vd);
			fc_vvar_running(vd, &v->snap);
			fc_vvar_write(v, vd);
		}
		raw_spin_unlock(&v->lock);
	}
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block fc_vvar_nb = { .notifier_call = fc_vvar_tick };

struct fc_vvar *fc_vvar_new(const struct fc_clock_snapshot *snap)
{
	struct fc_vvar *v;

	if (!fc_vvar_supported())
		return NULL;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!v->page) {
		kfree(v);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&v->ref, 1);
	raw_spin_lock_init(&v->lock);
	/*
	 * Far from the kernel's count and from other pages': a reader caught
	 * by a switch of pages (another group's) does not see its count again.
	 */
	v->seq = (READ_ONCE(fc_host_vd->seq) & ~1U) + (get_random_u32() & ~1U);
	fc_vvar_set(v, snap);
	spin_lock_irq(&fc_vvars_lock);
	list_add_rcu(&v->node, &fc_vvars);
	spin_unlock_irq(&fc_vvars_lock);
	return v;
}

struct fc_vvar *fc_vvar_get(struct fc_vvar *v)
{
	refcount_inc(&v->ref);
	return v;
}

static void fc_vvar_free_rcu(struct rcu_head *rcu)
{
	struct fc_vvar *v = container_of(rcu, struct fc_vvar, rcu);

	__free_page(v->page);
	kfree(v);
}

/* May run in an RCU callback (a group's end). */
void fc_vvar_put(struct fc_vvar *v)
{
	unsigned long flags;

	if (!v || !refcount_dec_and_test(&v->ref))
		return;
	spin_lock_irqsave(&fc_vvars_lock, flags);
	list_del_rcu(&v->node);
	spin_unlock_irqrestore(&fc_vvars_lock, flags);
	call_rcu(&v->rcu, fc_vvar_free_rcu);
}

struct page *fc_vvar_page(const struct fc_vvar *v)
{
	return v->page;
}

void fc_vvar_init(void)
{
	const struct fc_vdso_clock *vd;
	unsigned long off;

	vd = fc_vdso_host_clocks(&off);
	fc_vvar_mapping = fc_ksym_data(FC_VVAR_MAPPING);
	if (!vd || off + sizeof(*vd) * CS_BASES > PAGE_SIZE ||
	    !fc_ksym_text(FC_VVAR_FAULT) || !fc_vvar_mapping) {
		pr_info("no vDSO data page found: members' vDSO reads need the preload\n");
		return;
	}
	fc_vd_off = off;
	fc_host_vd = vd;
	if (pvclock_gtod_register_notifier(&fc_vvar_nb)) {
		pr_info("no timekeeping notifier: members' vDSO reads need the preload\n");
		fc_host_vd = NULL;
	}
}

/* After every group and anchor went. */
void fc_vvar_exit(void)
{
	if (fc_host_vd)
		pvclock_gtod_unregister_notifier(&fc_vvar_nb);
	/* Pages freed by call_rcu: those callbacks run module code. */
	rcu_barrier();
}
