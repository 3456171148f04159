/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer for fluxctl's list, show and monitor output: strings
 * escaped for any bytes (cgroup paths may hold anything), and objects and
 * arrays that place their own commas.
 */
#ifndef _FC_JSON_H
#define _FC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Writes s as a JSON string: '"', '\\' and control characters escaped,
 * valid UTF-8 kept, and each byte of invalid UTF-8 written as \u00XX (its
 * Latin-1 reading), so the output is always valid JSON.
 */
void fc_json_string(FILE *f, const char *s);

#define FC_JSON_DEPTH 8

struct fc_json {
	FILE *f;
	int depth;
	bool first[FC_JSON_DEPTH];	/* nothing written yet at this level */
};

void fc_json_init(struct fc_json *j, FILE *f);
/* Opens an object or array; key is NULL in an array or at the top. */
void fc_json_open(struct fc_json *j, const char *key, char bracket);
void fc_json_close(struct fc_json *j, char bracket);
/* A member (key != NULL) or an array element (key NULL). */
void fc_json_str(struct fc_json *j, const char *key, const char *value);
void fc_json_u64(struct fc_json *j, const char *key, uint64_t value);
void fc_json_s64(struct fc_json *j, const char *key, int64_t value);
void fc_json_bool(struct fc_json *j, const char *key, bool value);
void fc_json_null(struct fc_json *j, const char *key);

#endif /* _FC_JSON_H */
