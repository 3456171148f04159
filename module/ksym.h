/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses of kernel symbols that are not exported: static functions the
 * hooks compare against, and the vDSO's data. NULL when the running kernel
 * has no such symbol; callers then do without.
 */
#ifndef _FC_KSYM_H
#define _FC_KSYM_H

/* The start of function name. */
void *fc_ksym_text(const char *name);

/* The address of variable name (needs CONFIG_KALLSYMS_ALL). */
void *fc_ksym_data(const char *name);

#endif /* _FC_KSYM_H */
