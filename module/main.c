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

#include "clockdev.h"
#include "group.h"
#include "hooks.h"
#include "netlink.h"
#include "redirect.h"
#include "settime.h"
#include "sleeper.h"
#include "vdsomap.h"
#include "version.h"
#include "vvar.h"

static int __init fc_mod_init(void)
{
	int ret;

	ret = fc_regs_init();
	if (ret)
		return ret;
	fc_vvar_init();
	fc_settime_init();
	ret = fc_vdsomap_init();
	if (ret)
		goto err_vvar;
	ret = fc_groups_init();
	if (ret)
		goto err_vdsomap;
	ret = fc_clockdev_init();
	if (ret)
		goto err_groups;
	ret = fc_genl_init();
	if (ret)
		goto err_clockdev;

	pr_info("version %s loaded\n", FLUXCAP_VERSION);
	return 0;

err_clockdev:
	fc_clockdev_exit();
err_groups:
	fc_groups_exit();
err_vdsomap:
	fc_vdsomap_exit();
err_vvar:
	fc_vvar_exit();
	fc_regs_exit();
	return ret;
}

/*
 * Groups still alive go with the module: their sleepers keep the host
 * timers they were last aimed at and finish in real time.
 */
static void __exit fc_mod_exit(void)
{
	fc_genl_uninit();
	fc_groups_exit();
	fc_hooks_exit();
	fc_vdsomap_exit();
	fc_redirect_exit();
	fc_vvar_exit();
	fc_clockdev_exit();
	fc_regs_exit();
	pr_debug("unloaded\n");
}

module_init(fc_mod_init);
module_exit(fc_mod_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(FLUXCAP_VERSION);
MODULE_AUTHOR("The fluxcap authors");
MODULE_DESCRIPTION("Virtual time for Linux programs");
