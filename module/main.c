// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry and exit, nothing else. Subsystems come up in order and go
 * down in reverse; the netlink family comes up last, because userspace can
 * call in as soon as it is registered, and goes down first.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "netlink.h"
#include "version.h"

static int __init fc_mod_init(void)
{
	int ret;

	/*
	 * Subsystems added later are initialised here, before netlink, each
	 * unwound through an err_<undo> label below when a later one fails.
	 */
	ret = fc_genl_init();
	if (ret)
		return ret;

	pr_info("version %s loaded\n", FLUXCAP_VERSION);
	return 0;
}

static void __exit fc_mod_exit(void)
{
	fc_genl_uninit();
	pr_debug("unloaded\n");
}

module_init(fc_mod_init);
module_exit(fc_mod_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(FLUXCAP_VERSION);
MODULE_AUTHOR("The fluxcap authors");
MODULE_DESCRIPTION("Virtual time for Linux programs");
