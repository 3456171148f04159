#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The policy for peers outside the group (Documentation/design.md, "Peers
# outside the group"), inside the VM (root, fluxcap.ko loaded). A server
# outside the group answers after 2 real seconds; a member client waits
# for it with a 30 s timeout while another member sleeps 3600 s. Under
# `external hold` (the default) the client gets its answer and the sleep
# still returns at once after; under `ignore` the client times out at
# once. Over TCP and UDP (connected and not) on 127.0.0.1, over a unix
# socket, and over TCP to a server in another network namespace, joined by
# a veth pair between two namespaces the test makes (no other address is
# used). A member server does not hold; `fluxctl show` names what holds,
# and `fluxctl set NAME external ignore` lets the held group jump. Real
# time is measured out here with date(1), with generous bounds. TAP
# output; exits non-zero if a case failed. By hand:
#   tests/vm/run --kernel all -- bash tests/vm/external_peers.sh
set -u
cd "$(dirname "$0")/../.." || exit 2

build=${FLUXCAP_BUILD:-build}
fluxctl=$build/fluxctl
export TZ=UTC LC_ALL=C
. tests/lib/tap.sh

# server.py KIND ADDR DELAY PORTFILE: answers each request after DELAY
# real seconds; writes its port (or "ok") to PORTFILE once it listens.
cat >"$tmp/server.py" <<'EOF'
import os, socket, sys, time
kind, addr, delay, portfile = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
if kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(addr)
elif kind == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 0))
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0))
if kind in ("tcp", "unix"):
    s.listen(8)
with open(portfile + ".new", "w") as f:
    f.write("%d\n" % (s.getsockname()[1] if kind != "unix" else 0))
os.rename(portfile + ".new", portfile)
while True:
    if kind.startswith("udp"):
        data, peer = s.recvfrom(100)
        time.sleep(delay)
        s.sendto(b"pong\n", peer)
        continue
    c, _ = s.accept()
    c.recv(100)
    time.sleep(delay)
    c.sendall(b"pong\n")
    c.close()
EOF

# client.py KIND ADDR PORT [TIMEOUT [NAP]]: one request with a 30 s (or
# TIMEOUT) timeout, after a sleep of NAP seconds (default none); prints
# "answer pong" or "timeout". udp: connected; udpu: sendto/recvfrom.
cat >"$tmp/client.py" <<'EOF'
import socket, sys, time
kind, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
limit = float(sys.argv[4]) if len(sys.argv) > 4 else 30
if len(sys.argv) > 5:
    time.sleep(float(sys.argv[5]))
if kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(limit)
    s.connect(addr)
elif kind == "tcp":
    s = socket.create_connection((addr, port), timeout=limit)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(limit)
    if kind.startswith("udp"):
        s.connect((addr, port))
try:
    if kind == "udpu":
        s.sendto(b"hi\n", (addr, port))
        data = s.recvfrom(100)[0]
    else:
        s.send(b"hi\n")
        data = s.recv(100)
    print("answer", data.decode().strip(), flush=True)
except socket.timeout:
    print("timeout", flush=True)
EOF

# start_server KIND ADDR DELAY [CMD-PREFIX...]: a server outside the group,
# in the background; sets $port once it listens.
start_server() {
	local kind=$1 addr=$2 delay=$3 i
	shift 3
	rm -f "$tmp/port"
	"$@" python3 "$tmp/server.py" "$kind" "$addr" "$delay" "$tmp/port" &
	bg_pids+=($!)
	for ((i = 0; i < 300; i++)); do
		[ -s "$tmp/port" ] && break
		sleep 0.1
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	[ -n "$port" ]
}

stop_servers() {
	local p
	for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	bg_pids=()
}

# run_pair POLICY KIND ADDR [CLIENT-PREFIX...]: the client and a 3600 s
# sleep side by side in one `fluxctl run --external POLICY`.
run_pair() {
	local policy=$1 kind=$2 addr=$3
	shift 3
	timed 0 90 "$fluxctl" run --mode kernel --external "$policy" -- \
		"$@" python3 "$tmp/client.py" "$kind" "$addr" "${port:-0}" -- sleep 3600
}

held_pair() { # held_pair KIND ADDR [CLIENT-PREFIX...]
	run_pair hold "$@" || return 1
	out_has '^answer pong$' || return 1
	# the answer came in real time: at least the server's 2 s
	expect_range "real seconds" "$took" 1.9 90
}

ignored_pair() { # ignored_pair KIND ADDR
	run_pair ignore "$@" || return 1
	out_has '^timeout$'
}

[ -x "$fluxctl" ] || { echo "not ok 1 - $fluxctl is built"; echo "1..1"; exit 1; }

# --- loopback: a server outside the group -----------------------------------

for kind in tcp udp udpu; do
	check "$kind server outside on 127.0.0.1 listens" start_server "$kind" 127.0.0.1 2
	check "hold: a member's $kind request waits for the outside server's answer; sleep 3600 returns after" \
		held_pair "$kind" 127.0.0.1
	check "ignore: the member's $kind request times out at once (the group jumps 30 s)" \
		ignored_pair "$kind" 127.0.0.1
	stop_servers
done

check "unix server outside listens" start_server unix "$tmp/sock" 2
check "hold: a member's unix-socket request waits for the outside server's answer" \
	held_pair unix "$tmp/sock"
check "ignore: the member's unix-socket request times out at once" \
	ignored_pair unix "$tmp/sock"
stop_servers

# A client that sleeps first: a check finds the group quiet with nothing
# held and jumps; the wait that follows must not jump past its timeout
# without a look (instant waits decline under hold).
napped_pair() {
	timed 0 90 "$fluxctl" run --mode kernel --external hold -- \
		python3 "$tmp/client.py" tcp 127.0.0.1 "$port" 30 5 -- sleep 3600 || return 1
	out_has '^answer pong$' && expect_range "real seconds" "$took" 1.9 90
}
check "tcp server outside on 127.0.0.1 listens (again)" start_server tcp 127.0.0.1 2
check "hold: a member that slept 5 s before its request still waits for the answer" napped_pair
stop_servers

# --- a member server does not hold -------------------------------------------

# The server, a member, answers after 600 virtual seconds, the client
# waits up to 900: the group must jump to the server's 600, so the answer
# comes long before 600 real seconds (timed kills the run at 60).
member_server() { # member_server KIND ADDR
	local kind=$1 addr=$2 i
	rm -f "$tmp/port"
	timed 0 90 "$fluxctl" run --mode kernel --external hold -- \
		bash -c "python3 $tmp/server.py $kind $addr 600 $tmp/port & s=\$!
			while [ ! -s $tmp/port ]; do sleep 0.1; done
			python3 $tmp/client.py $kind $addr \$(cat $tmp/port) 900 | sed 's/^answer/member answer/'
			kill \$s" -- sleep 3600 || return 1
	out_has '^member answer pong$'
}
# full.py: a member's connect to its own listener's full accept queue
# stays in SYN_SENT; the listener is a member, so it does not hold: the
# 100 s connect timeout passes on virtual time.
cat >"$tmp/full.py" <<'EOF'
import socket, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
port = l.getsockname()[1]
fill = []
for i in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fill.append(c)
time.sleep(0.5)
c = socket.socket()
c.settimeout(100)
t = time.monotonic()
try:
    c.connect(("127.0.0.1", port))
    print("connected")
except socket.timeout:
    print("timeout after %d s" % round(time.monotonic() - t))
EOF
full_queue() {
	timed 0 60 "$fluxctl" run --mode kernel --external hold -- python3 "$tmp/full.py" -- sleep 3600 &&
		out_has '^timeout after 100 s$'
}
check "tcp: a connect to a member's full accept queue (SYN_SENT) does not hold: 100 s pass virtually" full_queue
check "tcp: a member client's wait on a member server on 127.0.0.1 does not hold" \
	member_server tcp 127.0.0.1
check "unix: a member client's wait on a member server does not hold" \
	member_server unix "$tmp/msock"

# --- fluxctl show names what holds; set external ignore lets it go ----------

show_case() {
	local grp=fcx-ext$$ i
	start_server tcp 127.0.0.1 600 || return 1
	"$fluxctl" create "$grp" >/dev/null || return 1
	"$fluxctl" exec "$grp" -- python3 "$tmp/client.py" tcp 127.0.0.1 "$port" >"$tmp/client.out" 2>&1 &
	bg_pids+=($!)
	"$fluxctl" exec "$grp" -- sleep 3600 &
	bg_pids+=($!)
	for ((i = 0; i < 100; i++)); do
		"$fluxctl" show "$grp" >"$tmp/out" 2>"$tmp/err"
		grep -q '^  held by:' "$tmp/out" && break
		sleep 0.3
	done
	sed 's/^/#   /' "$tmp/out"
	out_has '^  external: +hold' || return 1
	out_has "^  held by: +pid [0-9]+ \(python3\): tcp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:$port, peer outside the group$" || return 1
	"$fluxctl" show -j "$grp" >"$tmp/out" || return 1
	out_has '"external": ?"hold"' || return 1
	out_has '"held_by": ?"pid [0-9]+ \(python3\): tcp ' || return 1
	[ ! -s "$tmp/client.out" ] || { note "the client finished while held: $(cat "$tmp/client.out")"; return 1; }
	# ignore: the group jumps to the client's 30 s timeout at once
	"$fluxctl" set "$grp" external ignore >/dev/null || return 1
	for ((i = 0; i < 100; i++)); do
		grep -q timeout "$tmp/client.out" && break
		sleep 0.2
	done
	grep -q '^timeout$' "$tmp/client.out" || { note "client: $(cat "$tmp/client.out")"; return 1; }
	"$fluxctl" show "$grp" >"$tmp/out" && out_has '^  external: +ignore'
}
check "fluxctl show names the member and connection that hold; set external ignore lets the group jump" show_case
stop_servers
"$fluxctl" delete "fcx-ext$$" >/dev/null 2>&1

# --- a peer in another network namespace ------------------------------------

# Two namespaces made here, joined by a veth pair: the client in A, a
# member; the server in B. Addresses: 10.213.7.1 and .2 inside them only.
nsa=fcxa$$ nsb=fcxb$$
netns_up() {
	ip netns add "$nsa" && ip netns add "$nsb" &&
		ip link add fcxv$$a netns "$nsa" type veth peer name fcxv$$b netns "$nsb" &&
		ip -n "$nsa" addr add 10.213.7.1/24 dev fcxv$$a &&
		ip -n "$nsb" addr add 10.213.7.2/24 dev fcxv$$b &&
		ip -n "$nsa" link set fcxv$$a up && ip -n "$nsb" link set fcxv$$b up &&
		ip -n "$nsa" link set lo up && ip -n "$nsb" link set lo up
}
if command -v ip >/dev/null && command -v nsenter >/dev/null; then
	check "two network namespaces joined by a veth pair" netns_up
	check "tcp server in namespace B listens on 10.213.7.2" \
		start_server tcp 10.213.7.2 2 nsenter --net=/run/netns/"$nsb"
	check "hold: a member in namespace A waits for the server in namespace B" \
		held_pair tcp 10.213.7.2 nsenter --net=/run/netns/"$nsa"
	check "ignore: the same request times out at once" \
		ignored_pair tcp 10.213.7.2 nsenter --net=/run/netns/"$nsa"
	stop_servers
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
else
	check "ip and nsenter are installed (the network namespace cases need them)" false
fi

check "no group is left" bash -c "! '$fluxctl' list -q | grep -q ."
echo "1..$n"
[ "$failed" = 0 ]
