/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Members' address spaces show their group's vDSO page (vvar.h) in place
 * of the kernel's, so a member's vDSO reads virtual time with no preload:
 * static binaries, musl, Go, containers and processes attached by pid.
 */
#ifndef _FC_VDSOMAP_H
#define _FC_VDSOMAP_H

struct fc_group;
struct task_struct;

/* Task moved into a cgroup: a member's next vDSO read shows the group's. */
void fc_vdsomap_note_attach(struct task_struct *task);

/* A new group over a cgroup that already has processes: the same for each. */
void fc_vdsomap_adopt(struct fc_group *g);

/*
 * Its own hooks, on the [vvar] fault handler and on fork, stay for the
 * module's life: anchors outlive groups (and the other hooks).
 */
int fc_vdsomap_init(void);
/* After the other hooks went: waits for the work still queued. */
void fc_vdsomap_exit(void);

#endif /* _FC_VDSOMAP_H */
