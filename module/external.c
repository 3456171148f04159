// SPDX-License-Identifier: GPL-2.0
/*
 * Peers outside the group (see external.h). A blocked member's syscall
 * says what it may wait on: nothing (a sleep, a futex, a child), one fd
 * (recv, accept, connect, send) or any of its fds (poll, select, epoll).
 * A socket it may wait on holds the group when someone sleeps on it and
 * its other end is not a member: the peer's socket, looked up by address
 * in the same network namespace, was not made in the group's cgroup.
 * Everything here runs in process context under RCU, task_lock and the
 * fd table's lock: no lock it takes is safe from interrupts.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/unistd.h>
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/wait.h>
#include <net/af_unix.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <net/udp.h>
#include <uapi/linux/fluxcap.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/inet6_hashtables.h>
#include <net/ipv6.h>
#endif

#include "arch.h"
#include "external.h"
#include "member.h"

/* 7.x exports it still, but declares it only in net/unix/'s own header. */
#ifndef FC_HAVE_UNIX_PEER_GET_DECL
struct sock *unix_peer_get(struct sock *sk);
#endif

/*
 * The established and listening TCP sockets for an address. 7.x finds the
 * hash table from the namespace; before, it was an argument.
 */
#ifdef FC_HAVE_INET_LOOKUP_BY_NET
#define FC_EXT_HASHINFO(net)
#else
#define FC_EXT_HASHINFO(net)	((net)->ipv4.tcp_death_row.hashinfo),
#endif

/*
 * The last fd tables a scan looked at (a ring: a process's threads come
 * one after another, so its table is still there for the next thread).
 */
#define FC_EXT_FILES	16

struct fc_ext_scan {
	struct cgroup *cgrp;
	struct task_struct *task;
	int only_fd;		/* the one fd the task waits on, or -1: any */
	char *desc;
	size_t len;
};

enum fc_ext_what { FC_EXT_NONE, FC_EXT_FD, FC_EXT_ALL };

/* What blocked task t may wait on, from the syscall it is in. */
static enum fc_ext_what fc_ext_what(struct task_struct *t, int *fd)
{
	const struct pt_regs *u = task_pt_regs(t);
	long nr = fc_arch_syscall_nr(u);

	/* Stopped or traced: waits for a signal, not for a peer. */
	if (READ_ONCE(t->__state) & (__TASK_STOPPED | __TASK_TRACED))
		return FC_EXT_NONE;
	/*
	 * An io_uring worker carries its creator's registers, and a 32-bit
	 * entry's number is not a 64-bit one: either may wait on any fd.
	 */
	if ((t->flags & PF_IO_WORKER) ||
	    (nr != -1 && fc_arch_syscall_foreign(t, u)))
		return FC_EXT_ALL;
	switch (nr) {
	case -1:		/* not in a syscall */
	case __NR_nanosleep:
	case __NR_clock_nanosleep:
	case __NR_futex:
	case __NR_futex_waitv:
#ifdef __NR_futex_wait
	case __NR_futex_wait:
#endif
	case __NR_wait4:
	case __NR_waitid:
	case __NR_pause:
	case __NR_rt_sigsuspend:
	case __NR_rt_sigtimedwait:
	case __NR_semtimedop:
	case __NR_mq_timedsend:
	case __NR_mq_timedreceive:
		return FC_EXT_NONE;
	case __NR_read:
	case __NR_readv:
	case __NR_recvfrom:
	case __NR_recvmsg:
	case __NR_recvmmsg:
	case __NR_accept:
	case __NR_accept4:
	case __NR_connect:
	case __NR_write:
	case __NR_writev:
	case __NR_sendto:
	case __NR_sendmsg:
	case __NR_sendmmsg:
		*fd = (int)fc_arch_syscall_arg(u, 0);
		return FC_EXT_FD;
	default:
		return FC_EXT_ALL;
	}
}

static bool fc_ext_sk_member(struct sock *sk, struct cgroup *cgrp)
{
	return fc_cgroup_in(sock_cgroup_ptr(&sk->sk_cgrp_data), cgrp);
}

static void fc_ext_say(const struct fc_ext_scan *sc, const char *what)
{
	snprintf(sc->desc, sc->len, "pid %d (%s): %s", task_pid_nr(sc->task),
		 sc->task->comm, what);
}

/*
 * A unix socket's other end is named by the process that made it
 * (SO_PEERCRED: the connecting or listening process; a zombie leader still
 * names its cgroup). When that process is gone, a datagram peer's sock is
 * its own and says where it was made; a stream's was allocated by the
 * connecting side, so it says nothing: the peer counts as outside.
 */
static bool fc_ext_unix_member(struct sock *sk, struct sock *peer,
			       struct cgroup *cgrp)
{
	struct task_struct *t = NULL;
	struct pid *pid;

	spin_lock(&sk->sk_peer_lock);
	pid = get_pid(sk->sk_peer_pid);
	spin_unlock(&sk->sk_peer_lock);
	if (pid)
		t = pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);	/* t stays valid: RCU */
	if (t)
		return fc_task_in(t, cgrp);
	return sk->sk_type == SOCK_DGRAM && fc_ext_sk_member(peer, cgrp);
}

/* Listening and unconnected unix sockets wait for whoever comes: no hold. */
static bool fc_ext_unix(const struct fc_ext_scan *sc, struct sock *sk)
{
	struct sock *peer;
	bool held;

	if (sk->sk_state == TCP_LISTEN ||
	    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		return false;
	peer = unix_peer_get(sk);
	if (!peer)
		return false;
	held = !sock_flag(peer, SOCK_DEAD) &&
	       !fc_ext_unix_member(sk, peer, sc->cgrp);
	sock_put(peer);
	if (held)
		fc_ext_say(sc, sk->sk_type == SOCK_DGRAM ?
			   "unix datagram socket, peer outside the group" :
			   "unix stream socket, peer outside the group");
	return held;
}

/* "tcp 127.0.0.1:40000 -> 127.0.0.1:8080" and the like. */
static void fc_ext_say_inet(const struct fc_ext_scan *sc, struct sock *sk,
			    const char *proto, const char *why)
{
	const struct inet_sock *inet = inet_sk(sk);
	char buf[FLUXCAP_HELD_BY_MAX];

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		snprintf(buf, sizeof(buf), "%s [%pI6c]:%u -> [%pI6c]:%u, %s",
			 proto, &sk->sk_v6_rcv_saddr, ntohs(inet->inet_sport),
			 &sk->sk_v6_daddr, ntohs(inet->inet_dport), why);
		fc_ext_say(sc, buf);
		return;
	}
#endif
	snprintf(buf, sizeof(buf), "%s %pI4:%u -> %pI4:%u, %s", proto,
		 &sk->sk_rcv_saddr, ntohs(inet->inet_sport), &sk->sk_daddr,
		 ntohs(inet->inet_dport), why);
	fc_ext_say(sc, buf);
}

static bool fc_ext_v6(struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	return sk->sk_family == AF_INET6 &&
	       !ipv6_addr_v4mapped(&sk->sk_v6_daddr);
#else
	return false;
#endif
}

/* The established socket at the other end of sk, with a reference. */
static struct sock *fc_ext_tcp_peer(struct sock *sk)
{
	struct net *net = sock_net(sk);
	const struct inet_sock *inet = inet_sk(sk);

#if IS_ENABLED(CONFIG_IPV6)
	const struct in6_addr *saddr = &sk->sk_v6_rcv_saddr;

	if (fc_ext_v6(sk))
		return __inet6_lookup_established(net, FC_EXT_HASHINFO(net)
						  saddr, inet->inet_sport,
						  &sk->sk_v6_daddr,
						  ntohs(inet->inet_dport),
						  sk->sk_bound_dev_if, 0);
#endif
	return __inet_lookup_established(net, FC_EXT_HASHINFO(net)
					 sk->sk_rcv_saddr,
					 inet->inet_sport, sk->sk_daddr,
					 ntohs(inet->inet_dport),
					 sk->sk_bound_dev_if, 0);
}

/*
 * The listener a connect in progress is aimed at, in the same namespace,
 * or NULL: under RCU, no reference (a listener lookup takes none).
 */
static struct sock *fc_ext_tcp_listener(struct sock *sk)
{
	struct net *net = sock_net(sk);
	const struct inet_sock *inet = inet_sk(sk);

#if IS_ENABLED(CONFIG_IPV6)
	if (fc_ext_v6(sk))
		return inet6_lookup_listener(net, FC_EXT_HASHINFO(net) NULL, 0,
					     &sk->sk_v6_rcv_saddr,
					     inet->inet_sport, &sk->sk_v6_daddr,
					     ntohs(inet->inet_dport),
					     sk->sk_bound_dev_if, 0);
#endif
	return __inet_lookup_listener(net, FC_EXT_HASHINFO(net) NULL, 0,
				      sk->sk_rcv_saddr,
				      inet->inet_sport, sk->sk_daddr,
				      ntohs(inet->inet_dport),
				      sk->sk_bound_dev_if, 0);
}

/*
 * A listener waits for whoever comes: no hold. A connect not answered yet
 * waits on the network, unless it is aimed at a member's listener (whose
 * full accept queue may be what it waits on): hold.
 */
static bool fc_ext_tcp(const struct fc_ext_scan *sc, struct sock *sk)
{
	struct sock *peer;
	bool held;

	switch (READ_ONCE(sk->sk_state)) {
	case TCP_SYN_SENT:
		peer = fc_ext_tcp_listener(sk);
		if (peer && fc_ext_sk_member(peer, sc->cgrp))
			return false;
		fc_ext_say_inet(sc, sk, "tcp", "connecting");
		return true;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		break;
	default:
		return false;
	}
	peer = fc_ext_tcp_peer(sk);
	if (!peer) {
		held = true;	/* another namespace, another host */
	} else if (peer->sk_state == TCP_TIME_WAIT) {
		held = false;	/* the peer has closed */
	} else {
		/* A request sock's listener stands for it. */
		held = !fc_ext_sk_member(sk_to_full_sk(peer), sc->cgrp);
	}
	if (peer)
		sock_gen_put(peer);
	if (held)
		fc_ext_say_inet(sc, sk, "tcp", "peer outside the group");
	return held;
}

/*
 * A connected UDP socket's peer is the socket a datagram to its address
 * reaches. An unconnected one bound to a chosen port is a server waiting
 * for whoever comes (no hold); one with an automatic port is a client
 * waiting for a reply from anywhere (hold).
 */
static bool fc_ext_udp(const struct fc_ext_scan *sc, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct sock *peer;
	bool held;

	if (sk->sk_state != TCP_ESTABLISHED) {
		if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
			return false;
		fc_ext_say(sc, "udp, not connected, no port chosen: replies from anywhere");
		return true;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (fc_ext_v6(sk))
		peer = udp6_lib_lookup(net, &sk->sk_v6_rcv_saddr,
				       inet->inet_sport, &sk->sk_v6_daddr,
				       inet->inet_dport, sk->sk_bound_dev_if);
	else
#endif
		peer = udp4_lib_lookup(net, sk->sk_rcv_saddr, inet->inet_sport,
				       sk->sk_daddr, inet->inet_dport,
				       sk->sk_bound_dev_if);
	held = !peer || !fc_ext_sk_member(peer, sc->cgrp);
	if (peer)
		sock_put(peer);
	if (held)
		fc_ext_say_inet(sc, sk, "udp", "peer outside the group");
	return held;
}

/* iterate_fd() callback: 1 held (stops), -1 past the one fd, 0 next. */
static int fc_ext_file(const void *p, struct file *file, unsigned int fd)
{
	const struct fc_ext_scan *sc = p;
	struct socket *sock;
	struct sock *sk;
	bool held = false;

	if (sc->only_fd >= 0 && fd != sc->only_fd)
		return -1;
	sock = sock_from_file(file);
	sk = sock ? sock->sk : NULL;
	/* Any fd: only those someone sleeps on (waits, polls, epoll sets). */
	if (!sk || (sc->only_fd < 0 && !wq_has_sleeper(&sock->wq.wait)))
		return sc->only_fd >= 0 ? -1 : 0;
	switch (sk->sk_family) {
	case AF_UNIX:
		held = fc_ext_unix(sc, sk);
		break;
	case AF_INET:
	case AF_INET6:
		if (sk->sk_protocol == IPPROTO_TCP &&
		    sk->sk_type == SOCK_STREAM)
			held = fc_ext_tcp(sc, sk);
		else if (sk->sk_protocol == IPPROTO_UDP &&
			 sk->sk_type == SOCK_DGRAM)
			held = fc_ext_udp(sc, sk);
		break;
	}
	if (held)
		return 1;
	return sc->only_fd >= 0 ? -1 : 0;
}

/* Whether files was looked at already in this scan; notes it if not. */
static bool fc_ext_seen(struct files_struct **seen, u32 *n,
			struct files_struct *files)
{
	u32 i;

	for (i = 0; i < min_t(u32, *n, FC_EXT_FILES); i++)
		if (seen[i] == files)
			return true;
	seen[(*n)++ % FC_EXT_FILES] = files;
	return false;
}

bool fc_external_may_wait(struct task_struct *t)
{
	int fd;

	return fc_ext_what(t, &fd) != FC_EXT_NONE;
}

bool fc_external_held(struct cgroup *cgrp, char *desc, size_t len)
{
	struct fc_ext_scan sc = { .cgrp = cgrp, .desc = desc, .len = len };
	struct files_struct *seen[FC_EXT_FILES];
	struct task_struct *p, *t;
	enum fc_ext_what what;
	bool held = false;
	u32 nseen = 0;
	int fd = 0;

	rcu_read_lock();
	for_each_process_thread(p, t) {
		if ((t->flags & PF_KTHREAD) || READ_ONCE(t->exit_state) ||
		    !fc_task_in(t, cgrp))
			continue;
		/*
		 * exit_files() clears t->files under task_lock before the
		 * task dies: with files seen, its stack (and saved user
		 * registers) cannot be freed meanwhile.
		 */
		task_lock(t);
		what = t->files ? fc_ext_what(t, &fd) : FC_EXT_NONE;
		if ((what == FC_EXT_FD && fd >= 0) ||
		    (what == FC_EXT_ALL &&
		     !fc_ext_seen(seen, &nseen, t->files))) {
			sc.task = t;
			sc.only_fd = what == FC_EXT_FD ? fd : -1;
			held = iterate_fd(t->files, max(sc.only_fd, 0),
					  fc_ext_file, &sc) > 0;
		}
		task_unlock(t);
		if (held)
			break;
	}
	rcu_read_unlock();
	return held;
}
