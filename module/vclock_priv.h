/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of a group's clock, for group.c to embed. Every other file
 * goes through vclock.h.
 */
#ifndef _FC_VCLOCK_PRIV_H
#define _FC_VCLOCK_PRIV_H

#include <linux/ktime.h>
#include <linux/mm_types.h>
#include <linux/seqlock.h>

#include "fc_clock.h"

struct fc_vvar;

struct fc_vclock {
	struct fc_clock clock;
	seqcount_t seq;			/* for readers outside the lock */
	bool frozen;			/* virtual time stands ... */
	ktime_t frozen_mono;		/* ... since this host CLOCK_MONOTONIC */
	u64 gen;			/* offset generation, see vclock.h */
	struct page *page;		/* struct fluxcap_clock_page */
	struct fc_vvar *vvar;		/* the vDSO's page, or NULL */
};

#endif /* _FC_VCLOCK_PRIV_H */
