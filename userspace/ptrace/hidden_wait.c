// SPDX-License-Identifier: GPL-2.0
/*
 * Recognising timed waits the filter lets through (see hidden_wait.h). A
 * socket's timeouts are read from the socket itself, through a copy of the
 * tracee's descriptor (pidfd_getfd): whoever set them, however the socket
 * was passed around, the answer is the kernel's.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "hidden_wait.h"

#define IORING_ENTER_GETEVENTS 1UL

#ifndef PIDFD_THREAD
#define PIDFD_THREAD 0x80	/* O_EXCL: Linux 6.9 */
#endif

/*
 * A pidfd whose file table is the thread's own: a thread pidfd (Linux
 * 6.9), else the process's, which shares it unless the thread unshared
 * its table or the leader has exited (no table: pidfd_getfd says EBADF).
 */
static int files_pidfd(pid_t tgid, pid_t tid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (pidfd < 0 && errno == EINVAL)
		pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	return pidfd;
}

/*
 * Does fd of thread tid name a socket with a receive or send timeout?
 * Looked up in the thread's own file table (task/<tid>/fd: the leader's
 * is gone once it exits); unable to look, it may be timed: it holds.
 */
static bool socket_timeout(pid_t tgid, pid_t tid, long fd)
{
	struct timeval rcv = { 0, 0 }, snd = { 0, 0 };
	socklen_t len = sizeof(rcv);
	char path[80], link[64];
	int pidfd, copy;
	ssize_t n;

	if (fd < 0 || fd > 0x7fffffff)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/fd/%ld", tgid, tid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return errno != ESRCH;	/* closed under it, say: unseen */
	link[n] = '\0';
	if (strncmp(link, "socket:", 7))
		return false;
	pidfd = files_pidfd(tgid, tid);
	if (pidfd < 0)
		return errno != ESRCH;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	close(pidfd);
	if (copy < 0)
		return errno != ESRCH;
	getsockopt(copy, SOL_SOCKET, SO_RCVTIMEO, &rcv, &len);
	len = sizeof(snd);
	getsockopt(copy, SOL_SOCKET, SO_SNDTIMEO, &snd, &len);
	close(copy);
	return rcv.tv_sec || rcv.tv_usec || snd.tv_sec || snd.tv_usec;
}

bool fc_hidden_wait(pid_t tgid, pid_t tid, long nr, const unsigned long *args, char *desc, size_t len)
{
	const char *name = NULL;

	switch (nr) {
	case SYS_io_getevents:
	case SYS_io_pgetevents:
		name = args[4] ? "io_getevents" : NULL;
		break;
	case SYS_io_uring_enter:
		name = args[3] & IORING_ENTER_GETEVENTS ? "io_uring_enter" : NULL;
		break;
	case SYS_recvmmsg:
		name = args[4] ? "recvmmsg" : NULL;
		/* fall through - a socket timeout counts too */
	case SYS_read:
	case SYS_readv:
	case SYS_write:
	case SYS_writev:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_sendmmsg:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
		if (!name && socket_timeout(tgid, tid, (long)args[0]))
			name = "a socket call on a socket with SO_RCVTIMEO/SO_SNDTIMEO";
		break;
	default:
		break;
	}
	if (!name)
		return false;
	snprintf(desc, len, "%s", name);
	return true;
}
