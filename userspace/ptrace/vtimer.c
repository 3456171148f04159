// SPDX-License-Identifier: GPL-2.0
/*
 * Timer records and the kernel's timer arithmetic (see vtimer.h). Times are
 * fc_time on the queue's base; intervals and remaining times are s64 ns
 * like the kernel's ktime_t, which saturates at S64_MAX the same way.
 */

#include <stdlib.h>

#include "vtimer.h"

void fc_vt_init(struct fc_vtimers *vt)
{
	vt->all = NULL;
	fc_sleepq_init(&vt->q);
}

struct fc_vtimer *fc_vt_new(struct fc_vtimers *vt, enum fc_vt_kind kind, pid_t tgid, int id)
{
	struct fc_vtimer *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->kind = kind;
	v->tgid = tgid;
	v->id = id;
	v->fd = -1;
	v->overrun = -1;
	fc_sleeper_init(&v->node);
	v->next = vt->all;
	vt->all = v;
	return v;
}

void fc_vt_free(struct fc_vtimers *vt, struct fc_vtimer *v)
{
	struct fc_vtimer **pp;

	fc_sleepq_remove(&vt->q, &v->node);
	for (pp = &vt->all; *pp; pp = &(*pp)->next) {
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	}
	free(v);
}

struct fc_vtimer *fc_vt_find(struct fc_vtimers *vt, enum fc_vt_kind kind, pid_t tgid, int id)
{
	struct fc_vtimer *v;

	for (v = vt->all; v; v = v->next)
		if (v->kind == kind && v->tgid == tgid && v->id == id && !v->dead)
			return v;
	return NULL;
}

s64 fc_vt_ns(long long sec, long long nsec)
{
	s64 ns;

	fc_ns_from_ts(sec, nsec, &ns);	/* clamps, as timespec64_to_ktime */
	return ns;
}

/* a - b in ns, saturating. */
static s64 diff_ns(struct fc_time a, struct fc_time b)
{
	s64 ns;

	fc_time_to_ns(fc_time_sub(a, b), &ns);
	return ns;
}

s64 fc_vt_forward(struct fc_vtimer *v, struct fc_time vnow)
{
	s64 delta = diff_ns(vnow, v->expiry), k;

	if (delta < 0 || v->interval <= 0)
		return 0;
	k = delta / v->interval + 1;
	/* k * interval may pass S64_MAX: add it in two steps, both exact */
	v->expiry = fc_time_add_ns(v->expiry, (k - 1) * v->interval);
	v->expiry = fc_time_add_ns(v->expiry, v->interval);
	return k;
}

void fc_vt_get(struct fc_vtimer *v, struct fc_time vnow, s64 *remain, s64 *interval)
{
	s64 left;

	*remain = 0;
	*interval = v->interval;
	if (v->state == FC_VT_DISARMED && !v->interval)
		return;
	if (v->interval && (v->state != FC_VT_ARMED || v->silent))
		v->overrun = fc_ns_add_sat(v->overrun, fc_vt_forward(v, vnow));
	left = diff_ns(v->expiry, vnow);
	if (left > 0)
		*remain = left;
	else if (!v->silent)
		*remain = 1;	/* due, its signal not sent yet */
}

void fc_vt_requeue(struct fc_vtimers *vt, struct fc_vtimer *v)
{
	if (v->state == FC_VT_ARMED && !v->silent && !v->forever && !v->dead)
		fc_sleepq_insert(&vt->q, &v->node, v->expiry);
	else
		fc_sleepq_remove(&vt->q, &v->node);
}

void fc_vt_set(struct fc_vtimers *vt, struct fc_vtimer *v, struct fc_time expiry, bool arm,
	       s64 interval)
{
	v->stale += v->sent;
	v->sent = 0;
	v->overrun = -1;
	v->overrun_last = 0;
	v->expiry = expiry;
	v->interval = arm ? interval : 0;
	v->state = arm ? FC_VT_ARMED : FC_VT_DISARMED;
	fc_vt_requeue(vt, v);
}

struct fc_vtimer *fc_vt_first(const struct fc_vtimers *vt)
{
	struct fc_sleeper *s = fc_sleepq_first(&vt->q);

	return s ? (struct fc_vtimer *)((char *)s - offsetof(struct fc_vtimer, node)) : NULL;
}
