// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a program with this environment plus the given entries appended as
 * they are, duplicates included (env(1) would replace an existing name):
 * the loader and the preload read the last of several.
 * usage: execenv NAME=VALUE... -- PROG ARGS...
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int i, n = 0, dash = 0;
	char **env;

	for (i = 1; i < argc && !dash; i++)
		if (!strcmp(argv[i], "--"))
			dash = i;
	if (!dash || dash + 1 >= argc) {
		fprintf(stderr, "usage: execenv NAME=VALUE... -- PROG ARGS...\n");
		return 2;
	}
	while (environ[n])
		n++;
	env = calloc(n + dash, sizeof(*env));
	if (!env)
		return 2;
	memcpy(env, environ, n * sizeof(*env));
	for (i = 1; i < dash; i++)
		env[n++] = argv[i];
	execve(argv[dash + 1], argv + dash + 1, env);
	perror("execenv: execve");
	return 127;
}
