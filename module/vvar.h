/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A group's vDSO data page: a copy of the kernel's page that the vDSO reads
 * the same way, with the group's offsets already added to every clock's
 * base, so that a member's vDSO returns virtual time at native speed
 * (vdsomap.c puts it into members' address spaces).
 *
 * The copy is remade from the kernel's data after every timekeeping update
 * (a pvclock_gtod notifier, as the kernel's own page is) and after every
 * change of the group's clock. A frozen clock's page has multiplier 0, so
 * the vDSO returns the base, the frozen time, without asking the hardware.
 *
 * Pages are reference counted: an address space that shows one holds it
 * (its anchor), so it outlives its group, and shows the group's last
 * offsets until the address space goes.
 */
#ifndef _FC_VVAR_H
#define _FC_VVAR_H

#include <linux/types.h>

#include "vclock.h"

struct fc_vvar;
struct page;

/*
 * Finds the kernel's vDSO data and starts the notifier. Without them
 * (another layout, no KALLSYMS_ALL) fc_vvar_supported() is false and the
 * vDSO of members reads host time, as before.
 */
void fc_vvar_init(void);
void fc_vvar_exit(void);
bool fc_vvar_supported(void);

/* The kernel's [vvar] struct vm_special_mapping, when supported. */
const void *fc_vvar_kernel_mapping(void);

/* A page showing clock snap. Return: NULL when unsupported, ERR_PTR. */
struct fc_vvar *fc_vvar_new(const struct fc_clock_snapshot *snap);
struct fc_vvar *fc_vvar_get(struct fc_vvar *v);
void fc_vvar_put(struct fc_vvar *v);
struct page *fc_vvar_page(const struct fc_vvar *v);

/* What page v shows (any context; v held, or under RCU). */
void fc_vvar_read(struct fc_vvar *v, struct fc_clock_snapshot *snap);

/* Any context but the notifier's: the page shows clock snap from now. */
void fc_vvar_set(struct fc_vvar *v, const struct fc_clock_snapshot *snap);

#endif /* _FC_VVAR_H */
