/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A group's virtual clock: the core clock (offset, start shift, jumps),
 * freezing, the offset generation that tells a sleeper's host expiry is
 * out of date, the seqcount for lock-free readers, and the clock page the
 * preload maps. Also the conversions between the host's clocks.
 *
 * Writers hold the group's lock (fc_sleepers_lock()); each write bumps the
 * seqcount and publishes the clock page.
 */
#ifndef _FC_VCLOCK_H
#define _FC_VCLOCK_H

#include <linux/ktime.h>
#include <linux/types.h>

#include "fc_time.h"

struct fc_vclock;
struct fc_vvar;
struct page;

/* A copy of the clock taken without the lock (fc_vclock_read()). */
struct fc_clock_snapshot {
	struct fc_time mono_off, real_off;
	bool frozen;
	ktime_t frozen_mono;
};

/* Host CLOCK_MONOTONIC of absolute host time expires on clock base. */
ktime_t fc_host_mono(clockid_t base, ktime_t expires, ktime_t mono_now);

/*
 * Clock id's host reading at the instant CLOCK_MONOTONIC read mono: one
 * reading, so an interrupt between two clock reads cannot skew it.
 */
ktime_t fc_host_base_at(clockid_t id, ktime_t mono);

/* A zeroed clock with its page. Return: 0 or -ENOMEM. */
int fc_vclock_init(struct fc_vclock *vc);

/* Frees the page (mappings keep their own references). */
void fc_vclock_free(struct fc_vclock *vc);

/* The clock page, for /dev/fluxcap; lives as long as vc. */
struct page *fc_vclock_page(const struct fc_vclock *vc);

/* The vDSO's page of the clock (vvar.h), or NULL: lives as long as vc. */
struct fc_vvar *fc_vclock_vvar(const struct fc_vclock *vc);

bool fc_vclock_frozen(const struct fc_vclock *vc);

/*
 * The offset generation: bumped by every change of the offset that moves
 * deadlines (jumps, advances, thaws). A host expiry computed at another
 * generation is out of date.
 */
u64 fc_vclock_gen(const struct fc_vclock *vc);

/* Under the lock: virtual minus host time at host CLOCK_MONOTONIC now. */
struct fc_time fc_vclock_offset(const struct fc_vclock *vc, bool real,
				ktime_t mono_now);

/* Without the lock: a consistent copy. */
void fc_vclock_read(const struct fc_vclock *vc, struct fc_clock_snapshot *snap);

/*
 * Virtual minus host time of a snapshot's clocks at host CLOCK_MONOTONIC
 * mono_now: a frozen clock falls behind the host as the host runs on.
 */
struct fc_time fc_snapshot_offset(const struct fc_clock_snapshot *snap,
				  bool real, ktime_t mono_now);

/* Under the lock: virtual CLOCK_MONOTONIC jumps to target. Return: the jump. */
s64 fc_vclock_jump_to(struct fc_vclock *vc, ktime_t mono_now,
		      struct fc_time target);

/* Under the lock: virtual time moves on by delta_ns. */
void fc_vclock_advance(struct fc_vclock *vc, s64 delta_ns);

/* Under the lock: virtual time stands from mono_now / resumes where it stood. */
void fc_vclock_freeze(struct fc_vclock *vc, ktime_t mono_now);
void fc_vclock_thaw(struct fc_vclock *vc, ktime_t mono_now);

/*
 * Under the lock: virtual REALTIME (and TAI) reads start_ns now; *moved is
 * how far they moved against virtual CLOCK_MONOTONIC. Return: 0 or -EINVAL.
 */
int fc_vclock_set_start(struct fc_vclock *vc, s64 start_ns,
			struct fc_time *moved);

struct fc_vclock_stats {
	s64 mono_ns, boot_ns, real_ns, offset_ns, real_shift_ns;
	u64 jumps, jumped_ns;
};

/* The clocks now (frozen: when it froze) and counters; needs no lock. */
void fc_vclock_stats(const struct fc_vclock *vc, struct fc_vclock_stats *st);

#endif /* _FC_VCLOCK_H */
