// SPDX-License-Identifier: GPL-2.0
/*
 * Finding libfluxcap-preload.so (see preload.h) and injecting it into a
 * child's environment, for kernel mode and ptrace mode alike.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"

const char *fc_find_preload(const char *libpath)
{
	static char found[PATH_MAX];
	char self[PATH_MAX], try[PATH_MAX + 64], *slash;
	const char *env = getenv("FLUXCAP_PRELOAD");
	ssize_t n;

	if (libpath) {
		snprintf(try, sizeof(try), "%s/%s", libpath, FC_PRELOAD_NAME);
		return realpath(try, found) ? found : NULL;
	}
	if (env && *env)
		return realpath(env, found) ? found : NULL;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(try, sizeof(try), "%s/%s", self, FC_PRELOAD_NAME);
			if (realpath(try, found))
				return found;
#ifdef FC_MULTIARCH
			/* where make install puts it: PREFIX/lib/<triplet> */
			if (*FC_MULTIARCH) {
				snprintf(try, sizeof(try), "%s/../lib/%s/%s", self,
					 FC_MULTIARCH, FC_PRELOAD_NAME);
				if (realpath(try, found))
					return found;
			}
#endif
			snprintf(try, sizeof(try), "%s/../lib/fluxcap/%s", self, FC_PRELOAD_NAME);
			if (realpath(try, found))
				return found;
		}
	}
	return NULL;
}

int fc_preload_setenv(const char *preload, const char *page)
{
	const char *old = getenv("LD_PRELOAD");
	char *env;

	if (page)
		setenv(FC_CLOCK_PAGE_ENV, page, 1);
	if (!preload)
		return 0;
	if (old && *old) {
		/* not freed: the environment keeps it until exec */
		if (asprintf(&env, "%s:%s", preload, old) < 0)
			return -ENOMEM;
		setenv("LD_PRELOAD", env, 1);
	} else {
		setenv("LD_PRELOAD", preload, 1);
	}
	return 0;
}
