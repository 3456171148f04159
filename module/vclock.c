// SPDX-License-Identifier: GPL-2.0
/*
 * A group's virtual clock (see vclock.h): the core clock under the group's
 * lock, a seqcount for the time syscalls that read it without the lock,
 * and the clock page, rewritten after every change, for the preload.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <uapi/linux/fluxcap.h>

#include "vclock.h"
#include "vclock_priv.h"
#include "vvar.h"

ktime_t fc_host_base_at(clockid_t id, ktime_t mono)
{
	switch (id) {
	case CLOCK_REALTIME:
		return ktime_mono_to_any(mono, TK_OFFS_REAL);
	case CLOCK_BOOTTIME:
		return ktime_mono_to_any(mono, TK_OFFS_BOOT);
	case CLOCK_TAI:
		return ktime_mono_to_any(mono, TK_OFFS_TAI);
	default:
		return mono;
	}
}

ktime_t fc_host_mono(clockid_t base, ktime_t expires, ktime_t mono_now)
{
	if (base == CLOCK_MONOTONIC)
		return expires;
	return fc_ns_sub_sat(expires,
			     fc_ns_sub_sat(fc_host_base_at(base, mono_now),
					   mono_now));
}

static void fc_vclock_snapshot(const struct fc_vclock *vc,
			       struct fc_clock_snapshot *s);

int fc_vclock_init(struct fc_vclock *vc)
{
	struct fluxcap_clock_page *p;
	struct fc_clock_snapshot snap;
	struct fc_vvar *vvar;

	fc_clock_init(&vc->clock);
	seqcount_init(&vc->seq);
	fc_vclock_snapshot(vc, &snap);
	vvar = fc_vvar_new(&snap);
	if (IS_ERR(vvar))
		return PTR_ERR(vvar);
	vc->vvar = vvar;
	vc->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vc->page) {
		fc_vvar_put(vc->vvar);
		vc->vvar = NULL;
		return -ENOMEM;
	}
	p = page_address(vc->page);
	p->version = FLUXCAP_CLOCK_PAGE_VERSION;
	/* Readers check magic with acquire: everything else first. */
	smp_store_release(&p->magic, FLUXCAP_CLOCK_PAGE_MAGIC);
	return 0;
}

void fc_vclock_free(struct fc_vclock *vc)
{
	if (vc->page)
		__free_page(vc->page);
	vc->page = NULL;
	fc_vvar_put(vc->vvar);
	vc->vvar = NULL;
}

struct page *fc_vclock_page(const struct fc_vclock *vc)
{
	return vc->page;
}

struct fc_vvar *fc_vclock_vvar(const struct fc_vclock *vc)
{
	return vc->vvar;
}

bool fc_vclock_frozen(const struct fc_vclock *vc)
{
	return vc->frozen;
}

u64 fc_vclock_gen(const struct fc_vclock *vc)
{
	return vc->gen;
}

/*
 * Copies the clock into its pages: the vDSO's, and the preload's under the
 * page's own sequence count. Where the vDSO already reads virtual time, the
 * preload's page carries no offset, or a program with the preload would
 * count it twice.
 */
static void fc_vclock_publish(struct fc_vclock *vc)
{
	struct fluxcap_clock_page *p = page_address(vc->page);
	struct fc_clock_snapshot snap;
	struct fc_time mono, real;
	u32 flags = 0;

	mono = fc_clock_offset(&vc->clock, FC_CLOCK_MONOTONIC);
	real = fc_clock_offset(&vc->clock, FC_CLOCK_REALTIME);
	if (vc->vvar) {
		fc_vclock_snapshot(vc, &snap);
		fc_vvar_set(vc->vvar, &snap);
		if (!vc->frozen) {
			mono = (struct fc_time){ };
			real = mono;
		}
	}
	if (vc->frozen) {
		/* The frozen virtual times themselves, not offsets. */
		ktime_t real_then = ktime_mono_to_any(vc->frozen_mono,
						      TK_OFFS_REAL);

		mono = fc_time_add(mono, fc_time_from_ns(vc->frozen_mono));
		real = fc_time_add(real, fc_time_from_ns(real_then));
		flags = FLUXCAP_CLOCK_PAGE_F_FROZEN;
	}
	WRITE_ONCE(p->seq, p->seq + 1);
	smp_wmb();	/* odd seq first: readers see an update in progress */
	WRITE_ONCE(p->mono_sec, mono.sec);
	WRITE_ONCE(p->mono_nsec, mono.nsec);
	WRITE_ONCE(p->real_sec, real.sec);
	WRITE_ONCE(p->real_nsec, real.nsec);
	WRITE_ONCE(p->jumps, vc->clock.jumps);
	WRITE_ONCE(p->flags, flags);
	smp_wmb();	/* the offsets before the even seq that ends it */
	WRITE_ONCE(p->seq, p->seq + 1);
}

/*
 * Around every change: lock-free readers (the clock syscalls) retry, then
 * the clock page gets the new offsets.
 */
static void fc_vclock_write_begin(struct fc_vclock *vc)
{
	write_seqcount_begin(&vc->seq);
}

static void fc_vclock_write_end(struct fc_vclock *vc)
{
	write_seqcount_end(&vc->seq);
	fc_vclock_publish(vc);
}

static void fc_vclock_snapshot(const struct fc_vclock *vc,
			       struct fc_clock_snapshot *s)
{
	s->mono_off = fc_clock_offset(&vc->clock, FC_CLOCK_MONOTONIC);
	s->real_off = fc_clock_offset(&vc->clock, FC_CLOCK_REALTIME);
	s->frozen = vc->frozen;
	s->frozen_mono = vc->frozen_mono;
}

struct fc_time fc_snapshot_offset(const struct fc_clock_snapshot *snap,
				  bool real, ktime_t mono_now)
{
	struct fc_time off = real ? snap->real_off : snap->mono_off;

	if (snap->frozen)
		off = fc_time_sub(off, fc_time_from_ns(mono_now -
						       snap->frozen_mono));
	return off;
}

struct fc_time fc_vclock_offset(const struct fc_vclock *vc, bool real,
				ktime_t mono_now)
{
	struct fc_clock_snapshot snap;

	fc_vclock_snapshot(vc, &snap);
	return fc_snapshot_offset(&snap, real, mono_now);
}

void fc_vclock_read(const struct fc_vclock *vc, struct fc_clock_snapshot *snap)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&vc->seq);
		fc_vclock_snapshot(vc, snap);
	} while (read_seqcount_retry(&vc->seq, seq));
}

s64 fc_vclock_jump_to(struct fc_vclock *vc, ktime_t mono_now,
		      struct fc_time target)
{
	s64 jump;

	fc_vclock_write_begin(vc);
	jump = fc_clock_jump_to(&vc->clock, fc_time_from_ns(mono_now), target);
	/* Nothing moved (a deadline already passed): every expiry still holds. */
	if (jump)
		vc->gen++;
	fc_vclock_write_end(vc);
	return jump;
}

void fc_vclock_advance(struct fc_vclock *vc, s64 delta_ns)
{
	fc_vclock_write_begin(vc);
	fc_clock_advance(&vc->clock, delta_ns);
	vc->gen++;
	fc_vclock_write_end(vc);
}

void fc_vclock_freeze(struct fc_vclock *vc, ktime_t mono_now)
{
	fc_vclock_write_begin(vc);
	vc->frozen = true;
	vc->frozen_mono = mono_now;
	fc_vclock_write_end(vc);
}

void fc_vclock_thaw(struct fc_vclock *vc, ktime_t mono_now)
{
	fc_vclock_write_begin(vc);
	fc_clock_hold(&vc->clock, mono_now - vc->frozen_mono);
	vc->frozen = false;
	vc->gen++;
	fc_vclock_write_end(vc);
}

int fc_vclock_set_start(struct fc_vclock *vc, s64 start_ns,
			struct fc_time *moved)
{
	struct fc_time before = vc->clock.real_shift;
	/* Frozen: the date is what the frozen clock reads, from the freeze. */
	ktime_t host_real = vc->frozen ?
		ktime_mono_to_any(vc->frozen_mono, TK_OFFS_REAL) : ktime_get_real();
	int ret;

	fc_vclock_write_begin(vc);
	ret = fc_clock_set_start(&vc->clock, fc_time_from_ns(host_real),
				 fc_time_from_ns(start_ns));
	fc_vclock_write_end(vc);
	*moved = fc_time_sub(vc->clock.real_shift, before);
	return ret;
}

void fc_vclock_stats(const struct fc_vclock *vc, struct fc_vclock_stats *st)
{
	struct fc_clock_snapshot snap;
	struct fc_time shift, jumped;
	ktime_t now, mono, boot, real;
	unsigned int seq;
	u64 jumps;
	s64 ns;

	/* Under the seqcount: with the group's lock or without it. */
	do {
		seq = read_seqcount_begin(&vc->seq);
		fc_vclock_snapshot(vc, &snap);
		shift = vc->clock.real_shift;
		jumped = vc->clock.jumped;
		jumps = vc->clock.jumps;
	} while (read_seqcount_retry(&vc->seq, seq));
	now = ktime_get();
	/* Frozen: the host's clocks at the instant the group froze. */
	mono = snap.frozen ? snap.frozen_mono : now;
	boot = ktime_mono_to_any(mono, TK_OFFS_BOOT);
	real = ktime_mono_to_any(mono, TK_OFFS_REAL);
	fc_time_to_ns(fc_time_add(snap.mono_off, fc_time_from_ns(mono)),
		      &st->mono_ns);
	fc_time_to_ns(fc_time_add(snap.mono_off, fc_time_from_ns(boot)),
		      &st->boot_ns);
	fc_time_to_ns(fc_time_add(snap.real_off, fc_time_from_ns(real)),
		      &st->real_ns);
	/* What virtual minus host reads now: a frozen clock falls behind. */
	fc_time_to_ns(fc_snapshot_offset(&snap, false, now), &st->offset_ns);
	fc_time_to_ns(shift, &st->real_shift_ns);
	fc_time_to_ns(jumped, &ns);
	st->jumped_ns = ns;
	st->jumps = jumps;
}
