// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol look-ups (ksym.h). A function is found with a kprobe that is
 * registered disabled (no text is patched) and dropped at once; kprobes
 * resolve names themselves. Variables are not probeable, so they go
 * through kallsyms_lookup_name(), itself found that way since it is no
 * longer exported.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>

#include "ksym.h"

void *fc_ksym_text(const char *name)
{
	struct kprobe kp = { .symbol_name = name,
			     .flags = KPROBE_FLAG_DISABLED };
	char buf[KSYM_SYMBOL_LEN];
	unsigned long addr, off;
	char *plus;

	if (register_kprobe(&kp))
		return NULL;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	/* The probe may sit past the entry (after an endbr): step back. */
	sprint_symbol(buf, addr);
	plus = strchr(buf, '+');
	if (!plus || sscanf(plus, "+%lx", &off) != 1 || off > 16)
		return NULL;
	return (void *)(addr - off);
}

void *fc_ksym_data(const char *name)
{
	unsigned long (*lookup)(const char *name);

	lookup = fc_ksym_text("kallsyms_lookup_name");
	return lookup ? (void *)lookup(name) : NULL;
}
