/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's version. The top-level Makefile passes the exact one
 * (scripts/version.sh, from git describe) as -DFLUXCAP_VERSION; this
 * fallback names the release for builds that do not, and must match the
 * base release in scripts/version.sh.
 */
#ifndef _FC_VERSION_H
#define _FC_VERSION_H

#ifndef FLUXCAP_VERSION
#define FLUXCAP_VERSION "0.1.0"
#endif

#endif /* _FC_VERSION_H */
