/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Removing the clock page's file however the supervisor ends, SIGKILL
 * included: a detached shell reads a pipe whose write end only the
 * supervisor holds, and removes the file at end of file, which comes when
 * the supervisor's last descriptor closes, at exit or death.
 */
#ifndef _FC_JANITOR_H
#define _FC_JANITOR_H

/*
 * Starts the janitor for path. Returns the pipe's write end (close-on-exec:
 * keep it open until the file is removed), or -errno (then nothing removes
 * the file after a SIGKILL).
 */
int fc_janitor_start(const char *path);

/* The file is gone already: the janitor ends (its rm finds nothing). */
void fc_janitor_stop(int fd);

#endif /* _FC_JANITOR_H */
