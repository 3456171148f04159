/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one printer for fluxctl's results, in the style of iproute2's
 * print_*(PRINT_ANY, key, fmt, value): each call names the JSON key and the
 * text format together, so text and -j/--json output cannot drift apart.
 */
#ifndef _FC_PRINT_H
#define _FC_PRINT_H

#include <stdbool.h>

enum fc_print_type {
	PRINT_FP = 1,	/* text output only */
	PRINT_JSON = 2,	/* JSON output only */
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* Starts one result on stdout: a JSON object when json is set, else text. */
void fc_print_begin(bool json, bool pretty);

/* Ends the result and flushes stdout. Return: 0 or -errno if writing failed. */
int fc_print_end(void);

/*
 * Prints value under key (snake_case) and through fmt (one %s) in text.
 * A NULL value is JSON null and is not printed as text.
 */
void fc_print_string(enum fc_print_type type, const char *key,
		     const char *fmt, const char *value);

/* Prints value as JSON true/false, or through fmt (one %s: "yes"/"no"). */
void fc_print_bool(enum fc_print_type type, const char *key,
		   const char *fmt, bool value);

/* Prints JSON null under key; text output gets nothing. */
void fc_print_null(const char *key);

#endif /* _FC_PRINT_H */
