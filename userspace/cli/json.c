// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: string escaping and a comma-placing writer. Compact, one
 * line per top-level value, so `monitor -j` can be read line by line.
 */

#include <inttypes.h>
#include <string.h>

#include "json.h"

/* The length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void fc_json_string(FILE *f, const char *str)
{
	/* the characters with two-character escapes, and those escapes */
	static const char from[] = "\"\\\n\t\r", to[] = "\"\\ntr";
	const unsigned char *s = (const unsigned char *)str;
	const char *esc;
	int n;

	putc('"', f);
	for (; *s; s += n) {
		n = 1;
		esc = strchr(from, *s);
		if (esc) {
			putc('\\', f);
			putc(to[esc - from], f);
			continue;
		}
		n = utf8_len(s);
		if (*s < 0x20 || *s == 0x7f || !n) {
			fprintf(f, "\\u%04x", *s);
			n = 1;
			continue;
		}
		fwrite(s, 1, n, f);
	}
	putc('"', f);
}

void fc_json_init(struct fc_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

/* The comma and the key before a value. */
static void member(struct fc_json *j, const char *key)
{
	if (!j->first[j->depth])
		putc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		fc_json_string(j->f, key);
		putc(':', j->f);
	}
}

void fc_json_open(struct fc_json *j, const char *key, char bracket)
{
	member(j, key);
	putc(bracket, j->f);
	if (j->depth < FC_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

void fc_json_close(struct fc_json *j, char bracket)
{
	putc(bracket, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0) {
		/* a finished top-level value: the next one starts a new line */
		putc('\n', j->f);
		j->first[0] = true;
	}
}

void fc_json_str(struct fc_json *j, const char *key, const char *value)
{
	member(j, key);
	fc_json_string(j->f, value);
}

void fc_json_u64(struct fc_json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void fc_json_s64(struct fc_json *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, value);
}

void fc_json_bool(struct fc_json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void fc_json_null(struct fc_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
