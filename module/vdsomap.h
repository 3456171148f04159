/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Members' address spaces show their group's vDSO page (vvar.h) in place
 * of the kernel's, so a member's vDSO reads virtual time with no preload:
 * static binaries, musl, Go, containers and processes attached by pid.
 */
#ifndef _FC_VDSOMAP_H
#define _FC_VDSOMAP_H

#include <linux/types.h>

struct fc_group;
struct fc_vvar;
struct mm_struct;
struct task_struct;

/* Task moved into a cgroup: a member's next vDSO read shows the group's. */
void fc_vdsomap_note_attach(struct task_struct *task);

/* A new group over a cgroup that already has processes: the same for each. */
void fc_vdsomap_adopt(struct fc_group *g);

/*
 * The page address space mm shows (its anchor's), or NULL; under RCU. A
 * process keeps its last group's page until exec, even outside the group
 * (it left, or the group was deleted): its time syscalls read that page's
 * clock too, so that they and the vDSO agree.
 */
struct fc_vvar *fc_vdsomap_shown(struct mm_struct *mm);

/* Whether any address space shows a group's page (has an anchor). */
bool fc_vdsomap_anchored(void);

/*
 * Its own hooks, on the [vvar] fault handler and on fork, stay for the
 * module's life: anchors outlive groups (and the other hooks).
 */
int fc_vdsomap_init(void);
/* After the other hooks went: waits for the work still queued. */
void fc_vdsomap_exit(void);

#endif /* _FC_VDSOMAP_H */
