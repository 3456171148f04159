/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, strict JSON reader for input fluxctl does not control (the OCI
 * state a container runtime writes to a hook, a bundle's config.json):
 * the whole text is checked against RFC 8259 and cut into tokens; nesting
 * is bounded, so no input can exhaust the stack. Strings are decoded only
 * when asked for.
 */
#ifndef _FC_JSON_READ_H
#define _FC_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum fc_jtype { FC_J_OBJECT, FC_J_ARRAY, FC_J_STRING, FC_J_NUMBER, FC_J_LITERAL };

struct fc_jtok {
	enum fc_jtype type;
	size_t start, end;	/* the token's bytes; a string's without quotes */
	int next;		/* the token after this one's whole subtree */
};

struct fc_jdoc {
	const char *text;
	size_t len;
	struct fc_jtok *tok;	/* tok[0] is the top value */
	int ntok, cap;
};

#define FC_JSON_MAX_DEPTH 64

/*
 * Parses text[0..len), which must hold one JSON value and white space
 * only. Return: 0; -EINVAL with "at byte N: ..." in err; -ENOMEM. Free
 * the tokens with fc_jdoc_free() in every case.
 */
int fc_jdoc_parse(struct fc_jdoc *d, const char *text, size_t len,
		  char *err, size_t errlen);
void fc_jdoc_free(struct fc_jdoc *d);

/* The value of member key of object token obj (the last one if repeated), or -1. */
int fc_jdoc_member(const struct fc_jdoc *d, int obj, const char *key);

/*
 * String token t decoded into a new NUL-terminated buffer (*out, free()).
 * Return: 0; -EINVAL when t is not a string or holds a NUL (\u0000);
 * -ENOMEM.
 */
int fc_jdoc_string(const struct fc_jdoc *d, int t, char **out);

/* Number token t as a whole number within [lo, hi]. Return: 0 or -EINVAL. */
int fc_jdoc_int(const struct fc_jdoc *d, int t, long long lo, long long hi,
		long long *v);

#endif /* _FC_JSON_READ_H */
