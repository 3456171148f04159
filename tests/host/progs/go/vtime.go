// SPDX-License-Identifier: GPL-2.0

// vtime: a static Go program (CGO_ENABLED=0: no libc, no preload) that
// checks virtual time from the Go runtime's side. Go reads its clocks through
// the vDSO when there is one and by system call when there is none, and
// every timer (time.Sleep, time.After, tickers, contexts, I/O deadlines)
// waits in the runtime's netpoller (epoll_pwait) or on a futex with a
// timeout, computed from those reads. Under fluxctl run --mode ptrace the
// vDSO is hidden at exec, so both the reads and the waits are virtual.
//
// usage: vtime [-slack=SEC] SUBCOMMAND ARGS
//
//	clocks SECONDS     raw clock_gettime of MONOTONIC, BOOTTIME, REALTIME, TAI
//	                   and time.Now() (wall and monotonic) before and after a
//	                   time.Sleep(SECONDS): each moves by SECONDS
//	after SECONDS      <-time.After(SECONDS)
//	ticker N PERIOD    N ticks of time.NewTicker(PERIOD): N*PERIOD
//	context SECONDS    context.WithTimeout(SECONDS) ends with DeadlineExceeded
//	deadline SECONDS   net.DialTimeout to a loopback listener (succeeds), then
//	                   a read with SetReadDeadline(SECONDS) fails with a timeout
//	dial SECONDS       net.DialTimeout(SECONDS) to a loopback listener whose
//	                   accept queue is full fails with a timeout
//	acceptance         sleep 100, After 50, 5 ticks of 10 s, a 30 s context:
//	                   230 s pass
//
// Each prints what it measured, one "KEY VALUE" a line, then "ok vtime ..."
// and exits 0 when every virtual duration is right (not earlier than asked
// by more than 20 ms, not later by more than the slack, 5 s by default), or
// prints "FAIL ..." and exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

const early = 20 * time.Millisecond

var (
	slack  time.Duration
	failed bool
)

type clock struct {
	name string
	id   uintptr
}

var clocks = []clock{
	{"monotonic", 1}, {"boottime", 7}, {"realtime", 0}, {"tai", 11},
}

func fail(format string, a ...interface{}) {
	fmt.Printf("# "+format+"\n", a...)
	failed = true
}

func die(format string, a ...interface{}) {
	fmt.Printf("FAIL "+format+"\n", a...)
	os.Exit(1)
}

// rawRead reads clock id by system call, never the vDSO.
func rawRead(id uintptr) time.Duration {
	var ts syscall.Timespec
	_, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, id, uintptr(unsafe.Pointer(&ts)), 0)
	if e != 0 {
		die("clock_gettime(%d): %v", id, e)
	}
	return time.Duration(ts.Nano())
}

// check reports an elapsed duration and whether it is want, within bounds.
func check(label string, got, want time.Duration) {
	fmt.Printf("moved %s %.9f\n", label, got.Seconds())
	if got < want-early || got > want+slack {
		fail("%s moved %.9f s, want [%.3f, %.3f]", label, got.Seconds(),
			(want - early).Seconds(), (want + slack).Seconds())
	}
}

func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 {
		die("bad seconds %q", s)
	}
	return time.Duration(f * float64(time.Second))
}

// span runs f and checks that it took want on the runtime's monotonic clock,
// its wall clock and the raw MONOTONIC and REALTIME.
func span(label string, want time.Duration, f func()) {
	t0, m0, r0 := time.Now(), rawRead(1), rawRead(0)
	f()
	t1, m1, r1 := time.Now(), rawRead(1), rawRead(0)
	check(label+".since", t1.Sub(t0), want)
	check(label+".wall", t1.Round(0).Sub(t0.Round(0)), want)
	check(label+".sys.monotonic", m1-m0, want)
	check(label+".sys.realtime", r1-r0, want)
}

func cmdClocks(d time.Duration) {
	var before, after [4]time.Duration

	t0 := time.Now()
	for i, c := range clocks {
		before[i] = rawRead(c.id)
		fmt.Printf("sys.%s %.9f\n", c.name, before[i].Seconds())
	}
	fmt.Printf("now.unix %d\nnow.year %d\n", t0.Unix(), t0.UTC().Year())
	// The runtime's reads (vDSO or syscall) and the raw syscall agree.
	if diff := t0.Round(0).Sub(time.Unix(0, int64(before[2]))); diff < -time.Second || diff > time.Second {
		fail("time.Now() - sys.realtime = %.3f s, want within 1 s", diff.Seconds())
	}
	time.Sleep(d)
	t1 := time.Now()
	for i, c := range clocks {
		after[i] = rawRead(c.id)
	}
	for i, c := range clocks {
		check("sys."+c.name, after[i]-before[i], d)
	}
	check("now.since", t1.Sub(t0), d)
	check("now.wall", t1.Round(0).Sub(t0.Round(0)), d)
	fmt.Printf("after.year %d\n", t1.UTC().Year())
}

func cmdAfter(d time.Duration) {
	span("after", d, func() { <-time.After(d) })
}

func cmdTicker(n int, p time.Duration) {
	span("ticker", time.Duration(n)*p, func() {
		// Tick i is due i periods after the ticker was made: the gap
		// between two receptions is shorter when the first was late.
		start := time.Now()
		tk := time.NewTicker(p)
		defer tk.Stop()
		for i := 1; i <= n; i++ {
			<-tk.C
			due := time.Duration(i) * p
			if at := time.Since(start); at < due-early || at > due+slack {
				fail("tick %d came %.3f s after the start, want %.3f", i, at.Seconds(), due.Seconds())
			}
		}
	})
}

func cmdContext(d time.Duration) {
	var err error
	span("context", d, func() {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		<-ctx.Done()
		err = ctx.Err()
	})
	fmt.Printf("context.err %v\n", err)
	if !errors.Is(err, context.DeadlineExceeded) {
		fail("ctx.Err() is %v, want context.DeadlineExceeded", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// cmdDeadline: a dial that succeeds at once (the listener's backlog takes
// the connection), then a read nobody answers, bounded by SetReadDeadline.
func cmdDeadline(d time.Duration) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		die("listen: %v", err)
	}
	defer ln.Close()
	var conn net.Conn
	span("dial", 0, func() { conn, err = net.DialTimeout("tcp", ln.Addr().String(), d) })
	if err != nil {
		die("dial %s: %v", ln.Addr(), err)
	}
	defer conn.Close()
	span("read", d, func() {
		if err = conn.SetReadDeadline(time.Now().Add(d)); err != nil {
			die("SetReadDeadline: %v", err)
		}
		_, err = conn.Read(make([]byte, 1))
	})
	fmt.Printf("read.err %v\n", err)
	if !isTimeout(err) {
		fail("read: %v, want a timeout", err)
	}
}

// cmdDial: a listener with backlog 0, never accepting, takes one connection
// into its accept queue; Linux then drops every SYN to it (a full accept
// queue drops, with net.ipv4.tcp_abort_on_overflow at its default 0, so no
// RST), and a connect stays in progress until the dial's deadline: a dial
// timeout on loopback, no packet filter needed. The SYN is retried on the
// kernel's real-time schedule (1 s, 2 s, ...), which the virtual deadline
// comes long before. Dials are made until one times out (the first is
// expected to succeed); the one that times out is the one measured.
func cmdDial(d time.Duration) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		die("socket: %v", err)
	}
	defer syscall.Close(fd)
	if err = syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		die("bind: %v", err)
	}
	if err = syscall.Listen(fd, 0); err != nil {
		die("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		die("getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 1; i <= 8; i++ {
		var c net.Conn
		t0 := time.Now()
		c, err = net.DialTimeout("tcp", addr, d)
		took := time.Since(t0)
		fmt.Printf("dial.%d %.9f %v\n", i, took.Seconds(), err)
		if err == nil {
			conns = append(conns, c)
			continue
		}
		if !isTimeout(err) {
			die("dial %d: %v, want a timeout", i, err)
		}
		fmt.Printf("dial.connected %d\n", len(conns))
		span("dial", d, func() {
			_, err = net.DialTimeout("tcp", addr, d)
		})
		fmt.Printf("dial.err %v\n", err)
		if !isTimeout(err) {
			fail("dial: %v, want a timeout", err)
		}
		return
	}
	die("8 dials to a full accept queue all connected")
}

func cmdAcceptance() {
	span("total", 230*time.Second, func() {
		time.Sleep(100 * time.Second)
		<-time.After(50 * time.Second)
		tk := time.NewTicker(10 * time.Second)
		for i := 0; i < 5; i++ {
			<-tk.C
		}
		tk.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		<-ctx.Done()
		cancel()
		if ctx.Err() != context.DeadlineExceeded {
			fail("ctx.Err() is %v", ctx.Err())
		}
	})
}

func main() {
	flag.DurationVar(&slack, "slack", 5*time.Second, "how much later than asked a duration may be")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: vtime [-slack=DUR] clocks|after|context|deadline|dial SECONDS | ticker N PERIOD | acceptance")
		os.Exit(2)
	}
	flag.Parse()
	a := flag.Args()
	if len(a) < 1 {
		flag.Usage()
	}
	need := map[string]int{"clocks": 2, "after": 2, "context": 2, "deadline": 2, "dial": 2,
		"ticker": 3, "acceptance": 1}
	if n, ok := need[a[0]]; !ok || len(a) != n {
		flag.Usage()
	}
	switch a[0] {
	case "clocks":
		cmdClocks(seconds(a[1]))
	case "after":
		cmdAfter(seconds(a[1]))
	case "ticker":
		n, err := strconv.Atoi(a[1])
		if err != nil || n < 1 {
			die("bad tick count %q", a[1])
		}
		cmdTicker(n, seconds(a[2]))
	case "context":
		cmdContext(seconds(a[1]))
	case "deadline":
		cmdDeadline(seconds(a[1]))
	case "dial":
		cmdDial(seconds(a[1]))
	case "acceptance":
		cmdAcceptance()
	}
	if failed {
		die("vtime %v: a duration was wrong", a)
	}
	fmt.Printf("ok vtime %v\n", a)
}
