/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything the module knows about the CPU architecture comes through
 * here: the one file per architecture that defines it is the whole port.
 * See "Porting" in Documentation/design.md for what a port must provide.
 */
#ifndef _FC_ARCH_H
#define _FC_ARCH_H

#if defined(CONFIG_X86_64)
#include "arch_x86.h"
#else
#error "fluxcap: no port to this architecture yet (see module/arch_x86.h)"
#endif

#endif /* _FC_ARCH_H */
