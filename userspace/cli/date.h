/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dates on the command line (--start of run and create, `set NAME start`):
 * @EPOCH[.FRAC], YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (local time) or
 * YYYY-MM-DDTHH:MM[:SS]Z (UTC). Nothing here prints.
 */
#ifndef _FC_DATE_H
#define _FC_DATE_H

#include "fc_time.h"

/* Parses a --start DATE into *t (since the epoch). Return: 0, or -EINVAL. */
int fc_parse_start(const char *s, struct fc_time *t);

#endif /* _FC_DATE_H */
