/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libfluxcap-preload.so as both backends hand it to the commands: finding
 * the library, and putting it in front of a child's LD_PRELOAD.
 */
#ifndef _FC_PRELOAD_H
#define _FC_PRELOAD_H

#define FC_PRELOAD_NAME "libfluxcap-preload.so"

/*
 * An absolute path to the preload library, or NULL when there is none:
 * FC_PRELOAD_NAME in libpath when given, else $FLUXCAP_PRELOAD when set,
 * else next to the running program, in its ../lib/<multiarch triplet>/
 * (where make install puts it) or in its ../lib/fluxcap/. The result
 * lives in a static buffer.
 */
const char *fc_find_preload(const char *libpath);

/* Where the preload finds the clock page it adds to the vDSO's times. */
#define FC_CLOCK_PAGE_ENV "FLUXCAP_CLOCK_PAGE"

/*
 * In a child about to exec: prepends preload to LD_PRELOAD (or sets it),
 * and names the clock page in FC_CLOCK_PAGE_ENV; NULL leaves either out.
 * Return: 0, or -ENOMEM.
 */
int fc_preload_setenv(const char *preload, const char *page);

#endif /* _FC_PRELOAD_H */
