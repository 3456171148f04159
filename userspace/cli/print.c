// SPDX-License-Identifier: GPL-2.0
/*
 * fluxctl's output: one flat result per command, as text or as a JSON object
 * (compact, or indented with -p). Only the subcommands' *_main call it.
 */

#include <errno.h>
#include <stdio.h>

#include "json.h"
#include "print.h"

static struct {
	bool json;
	bool pretty;
	bool first;
} out;

void fc_print_begin(bool json, bool pretty)
{
	out.json = json;
	out.pretty = pretty;
	out.first = true;
	if (out.json)
		putchar('{');
}

int fc_print_end(void)
{
	if (out.json)
		fputs(out.pretty && !out.first ? "\n}\n" : "}\n", stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		return -(errno ? errno : EIO);
	return 0;
}

static void json_string(const char *s)
{
	fc_json_string(stdout, s);
}

static void json_key(const char *key)
{
	if (!out.first)
		putchar(',');
	out.first = false;
	if (out.pretty)
		fputs("\n    ", stdout);
	json_string(key);
	fputs(out.pretty ? ": " : ":", stdout);
}

void fc_print_string(enum fc_print_type type, const char *key,
		     const char *fmt, const char *value)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_key(key);
		if (value)
			json_string(value);
		else
			fputs("null", stdout);
	} else if ((type & PRINT_FP) && value) {
		printf(fmt, value);
	}
}

void fc_print_bool(enum fc_print_type type, const char *key,
		   const char *fmt, bool value)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_key(key);
		fputs(value ? "true" : "false", stdout);
	} else if (type & PRINT_FP) {
		printf(fmt, value ? "yes" : "no");
	}
}

void fc_print_null(const char *key)
{
	if (!out.json)
		return;
	json_key(key);
	fputs("null", stdout);
}
