/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/fluxcap: a member maps its group's clock page (struct
 * fluxcap_clock_page) read-only, and the preload library adds its offsets
 * to what the vDSO returns.
 */
#ifndef _FC_CLOCKDEV_H
#define _FC_CLOCKDEV_H

#include <linux/types.h>

struct mm_struct;

/* True when mm maps a clock page (its preload adds the offsets itself). */
bool fc_clockdev_mapped(struct mm_struct *mm);

int fc_clockdev_init(void);
void fc_clockdev_exit(void);

#endif /* _FC_CLOCKDEV_H */
