// SPDX-License-Identifier: GPL-2.0
/*
 * A time read whose copy-out blocks, for tests/vm/unload_stress.sh: a
 * thread reads CLOCK_REALTIME by the raw syscall into a page of a
 * userfaultfd region, so the kernel's copy to it waits in the fault until
 * this program resolves it (as a stalled FUSE file would, without bound).
 * In kernel mode that read runs in fluxcap.ko, and rmmod meanwhile must say
 * the module is in use rather than wait.
 *
 *   uffd_read     prints "blocked" once the read waits in the fault, then
 *                 waits for SIGUSR1, resolves the fault, and prints
 *                 "realtime SEC.NSEC" (what the read returned) and
 *                 "ok uffd_read"
 *
 * Needs the right to handle kernel faults (root, or
 * vm.unprivileged_userfaultfd=1).
 */

#include "prog.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static struct timespec *target;
static long read_ret;
static int read_errno;

static void *reader(void *arg)
{
	(void)arg;
	read_ret = syscall(SYS_clock_gettime, CLOCK_REALTIME, target);
	read_errno = errno;
	return NULL;
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_zeropage zero;
	struct uffd_msg msg;
	struct timespec got;
	long page = sysconf(_SC_PAGESIZE);
	sigset_t set;
	pthread_t t;
	void *region;
	int uffd, sig;

	/* SIGUSR1 waits for sigwait in every thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		prog_fail("uffd_read: pthread_sigmask");

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		prog_fail("uffd_read: userfaultfd: %s", strerror(errno));
	if (ioctl(uffd, UFFDIO_API, &api))
		prog_fail("uffd_read: UFFDIO_API: %s", strerror(errno));
	region = mmap(NULL, page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		prog_fail("uffd_read: mmap: %s", strerror(errno));
	reg.range.start = (unsigned long)region;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		prog_fail("uffd_read: UFFDIO_REGISTER: %s", strerror(errno));
	target = region;

	if (pthread_create(&t, NULL, reader, NULL))
		prog_fail("uffd_read: pthread_create");
	/* The fault's message: the reader now waits inside the syscall. */
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		prog_fail("uffd_read: read uffd: %s", strerror(errno));
	if (msg.event != UFFD_EVENT_PAGEFAULT)
		prog_fail("uffd_read: event %u, want a page fault", msg.event);
	printf("blocked\n");
	fflush(stdout);

	if (sigwait(&set, &sig))
		prog_fail("uffd_read: sigwait");
	zero.range.start = (unsigned long)region;
	zero.range.len = page;
	zero.mode = 0;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero))
		prog_fail("uffd_read: UFFDIO_ZEROPAGE: %s", strerror(errno));
	pthread_join(t, NULL);
	if (read_ret)
		prog_fail("uffd_read: clock_gettime: %ld (%s)", read_ret,
			  strerror(read_errno));
	got = *target;
	printf("realtime %lld.%09ld\n", (long long)got.tv_sec, got.tv_nsec);
	printf("ok uffd_read\n");
	return 0;
}
