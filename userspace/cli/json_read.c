// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON reader of json_read.h: one recursive-descent pass that checks
 * the grammar (strings: escapes, no raw control characters, UTF-8
 * sequences of the right length) and records one token per value and per
 * object key, each knowing where its subtree ends, so that lookups skip
 * whole values without parsing again.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

struct parser {
	struct fc_jdoc *d;
	size_t pos;
	char *err;
	size_t errlen;
	int ret;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "at byte %zu: %s", p->pos, msg);
	p->ret = -EINVAL;
	return -1;
}

static int add(struct parser *p, enum fc_jtype type, size_t start)
{
	struct fc_jdoc *d = p->d;
	struct fc_jtok *t;

	if (d->ntok == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;

		t = realloc(d->tok, cap * sizeof(*t));
		if (!t) {
			snprintf(p->err, p->errlen, "out of memory");
			p->ret = -ENOMEM;
			return -1;
		}
		d->tok = t;
		d->cap = cap;
	}
	d->tok[d->ntok] = (struct fc_jtok){ type, start, start, d->ntok + 1 };
	return d->ntok++;
}

static int peek(const struct parser *p)
{
	return p->pos < p->d->len ? (unsigned char)p->d->text[p->pos] : -1;
}

static void skip_ws(struct parser *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
}

/* The value of the 4 hex digits at s (n bytes left there), or -1. */
static int hex4(const char *s, size_t n)
{
	int i, v = 0;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* How many continuation bytes follow lead byte c; -1 if c cannot lead. */
static int utf8_tail(int c)
{
	if (c >= 0xc2 && c <= 0xdf)
		return 1;
	if (c >= 0xe0 && c <= 0xef)
		return 2;
	if (c >= 0xf0 && c <= 0xf4)
		return 3;
	return -1;
}

static int parse_string(struct parser *p)
{
	const char *s = p->d->text;
	int t, c, k;

	p->pos++;	/* the opening quote */
	t = add(p, FC_J_STRING, p->pos);
	if (t < 0)
		return -1;
	for (;;) {
		c = peek(p);
		if (c < 0)
			return fail(p, "unterminated string");
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, "control character in a string");
		if (c == '\\') {
			p->pos++;
			c = peek(p);
			if (c == 'u') {
				if (hex4(s + p->pos + 1, p->d->len - p->pos - 1) < 0)
					return fail(p, "bad \\u escape");
				p->pos += 5;
				continue;
			}
			if (c < 0 || !strchr("\"\\/bfnrt", c))
				return fail(p, "bad escape in a string");
			p->pos++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_tail(c);
			if (k < 0)
				return fail(p, "invalid UTF-8");
			while (k--) {
				p->pos++;
				if ((peek(p) & 0xc0) != 0x80)
					return fail(p, "invalid UTF-8");
			}
		}
		p->pos++;
	}
	p->d->tok[t].end = p->pos;
	p->d->tok[t].next = p->d->ntok;
	p->pos++;	/* the closing quote */
	return 0;
}

static size_t digits(struct parser *p)
{
	size_t n = 0;

	while (peek(p) >= '0' && peek(p) <= '9') {
		p->pos++;
		n++;
	}
	return n;
}

static int parse_number(struct parser *p)
{
	int t = add(p, FC_J_NUMBER, p->pos);

	if (t < 0)
		return -1;
	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0')
		p->pos++;
	else if (!digits(p))
		return fail(p, "bad number");
	if (peek(p) == '.') {
		p->pos++;
		if (!digits(p))
			return fail(p, "bad number");
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!digits(p))
			return fail(p, "bad number");
	}
	p->d->tok[t].end = p->pos;
	return 0;
}

static int parse_literal(struct parser *p)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i, n;
	int t, c;

	for (i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if (p->pos + n <= p->d->len && !memcmp(p->d->text + p->pos, words[i], n)) {
			t = add(p, FC_J_LITERAL, p->pos);
			if (t < 0)
				return -1;
			p->pos += n;
			p->d->tok[t].end = p->pos;
			return 0;
		}
	}
	c = peek(p);
	if (c > 0x20 && c < 0x7f)
		return fail(p, "unexpected character '%c'", c);
	return fail(p, "unexpected byte 0x%02x", c);
}

static int parse_value(struct parser *p, int depth);

/* An object or an array, p->pos at its bracket. */
static int parse_container(struct parser *p, int depth, bool object)
{
	char close = object ? '}' : ']';
	int t;

	if (depth >= FC_JSON_MAX_DEPTH)
		return fail(p, "nested deeper than %d", FC_JSON_MAX_DEPTH);
	t = add(p, object ? FC_J_OBJECT : FC_J_ARRAY, p->pos);
	if (t < 0)
		return -1;
	p->pos++;
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
	} else {
		for (;;) {
			skip_ws(p);
			if (object) {
				if (peek(p) != '"')
					return fail(p, "expected a member name");
				if (parse_string(p))
					return -1;
				skip_ws(p);
				if (peek(p) != ':')
					return fail(p, "expected ':'");
				p->pos++;
			}
			if (parse_value(p, depth + 1))
				return -1;
			skip_ws(p);
			if (peek(p) == ',') {
				p->pos++;
				continue;
			}
			if (peek(p) != close)
				return fail(p, "expected ',' or '%c'", close);
			p->pos++;
			break;
		}
	}
	p->d->tok[t].end = p->pos;
	p->d->tok[t].next = p->d->ntok;
	return 0;
}

static int parse_value(struct parser *p, int depth)
{
	int c;

	skip_ws(p);
	c = peek(p);
	if (c < 0)
		return fail(p, "unexpected end of input");
	if (c == '{' || c == '[')
		return parse_container(p, depth, c == '{');
	if (c == '"')
		return parse_string(p);
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p);
	return parse_literal(p);
}

int fc_jdoc_parse(struct fc_jdoc *d, const char *text, size_t len,
		  char *err, size_t errlen)
{
	struct parser p = { d, 0, err, errlen, 0 };

	*d = (struct fc_jdoc){ text, len, NULL, 0, 0 };
	if (parse_value(&p, 0))
		return p.ret;
	skip_ws(&p);
	if (p.pos != len) {
		fail(&p, "text after the JSON value");
		return p.ret;
	}
	return 0;
}

void fc_jdoc_free(struct fc_jdoc *d)
{
	free(d->tok);
	d->tok = NULL;
	d->ntok = d->cap = 0;
}

static void put_utf8(char **o, uint32_t cp)
{
	char *b = *o;

	if (cp < 0x80) {
		*b++ = cp;
	} else if (cp < 0x800) {
		*b++ = 0xc0 | cp >> 6;
		*b++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*b++ = 0xe0 | cp >> 12;
		*b++ = 0x80 | ((cp >> 6) & 0x3f);
		*b++ = 0x80 | (cp & 0x3f);
	} else {
		*b++ = 0xf0 | cp >> 18;
		*b++ = 0x80 | ((cp >> 12) & 0x3f);
		*b++ = 0x80 | ((cp >> 6) & 0x3f);
		*b++ = 0x80 | (cp & 0x3f);
	}
	*o = b;
}

int fc_jdoc_string(const struct fc_jdoc *d, int t, char **out)
{
	const struct fc_jtok *k = &d->tok[t];
	const char *s = d->text + k->start, *e = d->text + k->end;
	char *buf, *o;
	uint32_t cp, lo;

	if (k->type != FC_J_STRING)
		return -EINVAL;
	/* Decoding never lengthens: \uXXXX is 6 bytes for at most 3. */
	buf = o = malloc(e - s + 1);
	if (!buf)
		return -ENOMEM;
	while (s < e) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'b': *o++ = '\b'; s++; continue;
		case 'f': *o++ = '\f'; s++; continue;
		case 'n': *o++ = '\n'; s++; continue;
		case 'r': *o++ = '\r'; s++; continue;
		case 't': *o++ = '\t'; s++; continue;
		case 'u': break;
		default: *o++ = *s++; continue;
		}
		cp = hex4(s + 1, e - s - 1);
		s += 5;
		if (cp >= 0xd800 && cp < 0xdc00 && e - s >= 6 && s[0] == '\\' && s[1] == 'u') {
			lo = hex4(s + 2, e - s - 2);
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			}
		}
		if (cp >= 0xd800 && cp < 0xe000)
			cp = 0xfffd;	/* a lone surrogate: no character */
		if (!cp) {
			free(buf);
			return -EINVAL;
		}
		put_utf8(&o, cp);
	}
	*o = '\0';
	*out = buf;
	return 0;
}

/* Whether key token t spells key (decoding only keys with escapes). */
static bool key_is(const struct fc_jdoc *d, int t, const char *key)
{
	const struct fc_jtok *k = &d->tok[t];
	size_t n = k->end - k->start;
	char *dec;
	bool same;

	if (!memchr(d->text + k->start, '\\', n))
		return n == strlen(key) && !memcmp(d->text + k->start, key, n);
	if (fc_jdoc_string(d, t, &dec))
		return false;
	same = !strcmp(dec, key);
	free(dec);
	return same;
}

int fc_jdoc_member(const struct fc_jdoc *d, int obj, const char *key)
{
	int i, found = -1;

	if (obj < 0 || obj >= d->ntok || d->tok[obj].type != FC_J_OBJECT)
		return -1;
	for (i = obj + 1; i < d->tok[obj].next; i = d->tok[i + 1].next)
		if (key_is(d, i, key))
			found = i + 1;
	return found;
}

int fc_jdoc_int(const struct fc_jdoc *d, int t, long long lo, long long hi,
		long long *v)
{
	const struct fc_jtok *k = &d->tok[t];
	char num[32], *end;
	size_t n = k->end - k->start;
	long long x;

	if (k->type != FC_J_NUMBER || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, d->text + k->start, n);
	num[n] = '\0';
	if (strpbrk(num, ".eE"))
		return -EINVAL;
	errno = 0;
	x = strtoll(num, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return -EINVAL;
	*v = x;
	return 0;
}
