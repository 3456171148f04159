// SPDX-License-Identifier: GPL-2.0
/*
 * core/fc_sleepq: scripted insert/remove sequences with the expected order
 * (ties FIFO, moves, removes of unqueued sleepers, extremes of fc_time),
 * bulk ascending/descending/tied loads drained through first(), removal
 * while iterating with next(), and long pseudo-random runs (a fixed LCG, so
 * every run is the same) checked after every operation against a sorted
 * array and by a red-black invariant checker. One numbered TAP case per row.
 */
#include <stdint.h>
#include <string.h>

#include "fc_sleepq.h"
#include "tap.h"

/* clang-format off */
#define MAX	S64_MAX
#define MIN	S64_MIN
#define NS	FC_NSEC_PER_SEC
#define FT(s, n)	{ .sec = (s), .nsec = (n) }
/* clang-format on */

#define POOL_MAX 4096

static struct fc_sleeper pool[POOL_MAX];

/* The reference: the queued sleepers as a sorted array, FIFO among equals. */
struct ref_entry {
	struct fc_time deadline;
	int id;
};

static struct ref_entry ref[POOL_MAX];
static int ref_n;
static bool in_ref[POOL_MAX];

static int id_of(const struct fc_sleeper *s)
{
	return (int)(s - pool);
}

static void ref_reset(void)
{
	ref_n = 0;
	memset(in_ref, 0, sizeof(in_ref));
}

static void ref_remove(int id)
{
	int i;

	if (!in_ref[id])
		return;
	for (i = 0; ref[i].id != id; i++)
		;
	memmove(&ref[i], &ref[i + 1], (ref_n - i - 1) * sizeof(ref[0]));
	ref_n--;
	in_ref[id] = false;
}

/* After every entry with a deadline at or before d: FIFO among equals. */
static void ref_insert(int id, struct fc_time d)
{
	int i;

	ref_remove(id);
	i = ref_n;
	while (i > 0 && fc_time_cmp(ref[i - 1].deadline, d) > 0)
		i--;
	memmove(&ref[i + 1], &ref[i], (ref_n - i) * sizeof(ref[0]));
	ref[i].deadline = d;
	ref[i].id = id;
	ref_n++;
	in_ref[id] = true;
}

static bool is_red_node(const struct fc_sleeper *s)
{
	return s && s->red;
}

static bool before(const struct fc_sleeper *a, const struct fc_sleeper *b)
{
	int cmp = fc_time_cmp(a->deadline, b->deadline);

	return cmp < 0 || (cmp == 0 && a->seq < b->seq);
}

/*
 * Checks the subtree at s: parent links, no red node with a red child,
 * equal black heights, queued flags, (deadline, seq) order against the
 * bounds lo/hi (NULL: none). Returns its black height, or -1 (with a
 * diagnostic). Recursion is fine here: the depth is at most 2 log2(n + 1).
 */
static int check_subtree(const struct fc_sleeper *s,
			 const struct fc_sleeper *lo,
			 const struct fc_sleeper *hi, int depth, int *nodes,
			 int *height)
{
	int lb, rb;

	if (!s)
		return 1;
	(*nodes)++;
	if (depth > *height)
		*height = depth;
	if (!s->queued) {
		tap_diag("node %d in the tree is not marked queued", id_of(s));
		return -1;
	}
	if ((s->left && s->left->parent != s) ||
	    (s->right && s->right->parent != s)) {
		tap_diag("node %d: a child's parent pointer is wrong",
			 id_of(s));
		return -1;
	}
	if (s->red && (is_red_node(s->left) || is_red_node(s->right))) {
		tap_diag("node %d: red node with a red child", id_of(s));
		return -1;
	}
	if ((lo && !before(lo, s)) || (hi && !before(s, hi))) {
		tap_diag("node %d: out of order", id_of(s));
		return -1;
	}
	lb = check_subtree(s->left, lo, s, depth + 1, nodes, height);
	rb = check_subtree(s->right, s, hi, depth + 1, nodes, height);
	if (lb < 0 || rb < 0)
		return -1;
	if (lb != rb) {
		tap_diag("node %d: black heights %d and %d", id_of(s), lb, rb);
		return -1;
	}
	return lb + (s->red ? 0 : 1);
}

static int log2_ceil(int n)
{
	int k = 0;

	while ((1 << k) < n)
		k++;
	return k;
}

/* The whole queue against the reference; pool_n sleepers exist. */
static bool check_queue(const struct fc_sleepq *q, int pool_n)
{
	const struct fc_sleeper *s, *leftmost;
	int nodes = 0, height = 0, i;

	if (q->count != (u32)ref_n) {
		tap_diag("count %u, want %d", q->count, ref_n);
		return false;
	}
	if (!q->root) {
		if (ref_n || q->first) {
			tap_diag("empty tree, but %d queued or first set",
				 ref_n);
			return false;
		}
	} else if (q->root->parent || q->root->red) {
		tap_diag("root has a parent or is red");
		return false;
	}
	if (check_subtree(q->root, NULL, NULL, 1, &nodes, &height) < 0)
		return false;
	if (nodes != ref_n) {
		tap_diag("%d nodes in the tree, want %d", nodes, ref_n);
		return false;
	}
	/* Red-black: height <= 2 log2(n + 1). */
	if (height > 2 * log2_ceil(nodes + 1)) {
		tap_diag("height %d for %d nodes", height, nodes);
		return false;
	}
	leftmost = q->root;
	while (leftmost && leftmost->left)
		leftmost = leftmost->left;
	if (fc_sleepq_first(q) != leftmost) {
		tap_diag("cached first is not the leftmost node");
		return false;
	}
	for (i = 0, s = fc_sleepq_first(q); s; i++, s = fc_sleepq_next(s)) {
		if (i >= ref_n || id_of(s) != ref[i].id) {
			tap_diag("position %d: node %d, want %d", i, id_of(s),
				 i < ref_n ? ref[i].id : -1);
			return false;
		}
		if (fc_time_cmp(s->deadline, ref[i].deadline)) {
			tap_diag("node %d: deadline changed", id_of(s));
			return false;
		}
	}
	if (i != ref_n) {
		tap_diag("next() walked %d nodes, want %d", i, ref_n);
		return false;
	}
	for (i = 0; i < pool_n; i++) {
		if (fc_sleeper_queued(&pool[i]) != in_ref[i]) {
			tap_diag("node %d: queued %d, want %d", i,
				 pool[i].queued, in_ref[i]);
			return false;
		}
		if (!in_ref[i] && fc_sleepq_next(&pool[i])) {
			tap_diag("node %d: next() of unqueued is not NULL", i);
			return false;
		}
	}
	return true;
}

static void reset(struct fc_sleepq *q, int pool_n, bool zero)
{
	int i;

	fc_sleepq_init(q);
	ref_reset();
	for (i = 0; i < pool_n; i++) {
		if (zero)
			memset(&pool[i], 0, sizeof(pool[i]));
		else
			fc_sleeper_init(&pool[i]);
	}
}

/*
 * A script: 'i' inserts (or moves) sleeper id at { sec, nsec }, 'r' removes
 * it, 'p' removes the first; then the queue must hold want, in order. Ids
 * run from 1; a zero ends steps and want.
 */
struct step {
	char op;
	int id;
	s64 sec;
	u32 nsec;
};

/* clang-format off */
#define I(id, sec, nsec)	{ 'i', (id), (sec), (nsec) }
#define R(id)			{ 'r', (id), 0, 0 }
#define P			{ 'p', 0, 0, 0 }
/* clang-format on */

static const struct script_case {
	struct step steps[16];
	int want[16];
	const char *what;
} script_cases[] = {
	{ { { 0 } }, { 0 }, "empty queue: first is NULL" },
	{ { I(1, 5, 0) }, { 1 }, "one sleeper" },
	{ { I(1, 1, 0), I(2, 2, 0), I(3, 3, 0), I(4, 4, 0), I(5, 5, 0) },
	  { 1, 2, 3, 4, 5 },
	  "ascending inserts" },
	{ { I(5, 5, 0), I(4, 4, 0), I(3, 3, 0), I(2, 2, 0), I(1, 1, 0) },
	  { 1, 2, 3, 4, 5 },
	  "descending inserts, first follows" },
	{ { I(3, 7, 0), I(1, 7, 0), I(4, 7, 0), I(2, 7, 0), I(5, 7, 0) },
	  { 3, 1, 4, 2, 5 },
	  "equal deadlines come out FIFO" },
	{ { I(1, 7, 0), I(2, 3, 0), I(3, 7, 0), I(4, 3, 0), I(5, 7, 0),
	    I(6, 3, 0) },
	  { 2, 4, 6, 1, 3, 5 },
	  "two groups of ties, FIFO within each" },
	{ { I(1, 1, 2), I(2, 1, 1), I(3, 1, NS - 1), I(4, 0, NS - 1),
	    I(5, 2, 0) },
	  { 4, 2, 1, 3, 5 },
	  "nanoseconds order within a second" },
	{ { I(1, 1, 0), I(2, 2, 0), I(3, 3, 0), R(1) },
	  { 2, 3 },
	  "removing first moves the cache to the next" },
	{ { I(1, 1, 0), I(2, 2, 0), I(3, 3, 0), R(3) },
	  { 1, 2 },
	  "removing the last" },
	{ { I(1, 1, 0), I(2, 2, 0), I(3, 3, 0), I(4, 4, 0), R(2) },
	  { 1, 3, 4 },
	  "removing the root with two children" },
	{ { I(1, 1, 0), R(2), R(3) }, { 1 }, "removing never-queued: no-op" },
	{ { I(1, 1, 0), I(2, 2, 0), R(2), R(2), R(2) },
	  { 1 },
	  "removing twice: no-op" },
	{ { I(1, 1, 0), R(1), R(1) }, { 0 }, "remove the only one, twice" },
	{ { I(1, 5, 0), I(2, 5, 0), R(1), I(1, 5, 0) },
	  { 2, 1 },
	  "re-inserted sleeper goes after its equals" },
	{ { I(1, 5, 0), I(2, 6, 0), I(3, 7, 0), I(1, 9, 0) },
	  { 2, 3, 1 },
	  "inserting a queued sleeper moves it later" },
	{ { I(1, 5, 0), I(2, 6, 0), I(3, 7, 0), I(3, 1, 0) },
	  { 3, 1, 2 },
	  "inserting a queued sleeper moves it to first" },
	{ { I(1, 5, 0), I(2, 5, 0), I(1, 5, 0) },
	  { 2, 1 },
	  "moving to the same deadline goes after its equals" },
	{ { I(1, MAX, NS - 1), I(2, MIN, 0), I(3, 0, 0), I(4, MAX, NS - 1),
	    I(5, MIN, 0), I(6, -1, NS - 1) },
	  { 2, 5, 6, 3, 1, 4 },
	  "FC_TIME_MIN, negative, zero and FC_TIME_MAX deadlines" },
	{ { I(1, 3, 0), I(2, 1, 0), I(3, 2, 0), P, P },
	  { 1 },
	  "popping first twice" },
	{ { I(1, 3, 0), P, P, P }, { 0 }, "popping an empty queue: no-op" },
	{ { I(1, 1, 0), I(2, 2, 0), I(3, 3, 0), I(4, 4, 0), I(5, 5, 0),
	    I(6, 6, 0), I(7, 7, 0), I(8, 8, 0), R(4), R(2), R(6), R(8),
	    I(2, 4, 500), I(9, 0, 0) },
	  { 9, 1, 3, 2, 5, 7 },
	  "mixed removes and inserts" },
};

static bool run_step(struct fc_sleepq *q, const struct step *st)
{
	struct fc_sleeper *first;
	struct fc_time d = { .sec = st->sec, .nsec = st->nsec };

	switch (st->op) {
	case 'i':
		fc_sleepq_insert(q, &pool[st->id], d);
		ref_insert(st->id, d);
		break;
	case 'r':
		fc_sleepq_remove(q, &pool[st->id]);
		ref_remove(st->id);
		break;
	case 'p':
		first = fc_sleepq_first(q);
		if (first)
			fc_sleepq_remove(q, first);
		if (ref_n)
			ref_remove(ref[0].id);
		break;
	}
	return check_queue(q, 16);
}

static void run_scripts(void)
{
	const struct script_case *c = script_cases;
	struct fc_sleepq q;
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(script_cases); i++, c++) {
		bool ok = true;

		reset(&q, 16, i % 2);
		for (k = 0; ok && c->steps[k].op; k++)
			ok = run_step(&q, &c->steps[k]);
		for (k = 0; ok && c->want[k]; k++) {
			if (k >= (size_t)ref_n || ref[k].id != c->want[k]) {
				tap_diag("position %zu: want %d", k,
					 c->want[k]);
				ok = false;
			}
		}
		if (ok && k != (size_t)ref_n) {
			tap_diag("%d queued, want %zu", ref_n, k);
			ok = false;
		}
		tap_ok(ok, "script %zu: %s", i + 1, c->what);
	}
}

/* Knuth's MMIX LCG; only the high half is used, the low bits are weak. */
static u64 lcg_state;

static u32 lcg32(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 32);
}

static u64 lcg(void)
{
	u64 hi = lcg32();

	return hi << 32 | lcg32();
}

static u32 lcg_below(u32 n)
{
	return lcg32() % n;
}

/*
 * ops operations on a pool of pool_n sleepers, each checked. An operation
 * picks a sleeper: a queued one is moved (move_pct) or removed, an unqueued
 * one inserted (insert_pct) or removed (a no-op); pop_pct of operations pop
 * the first instead. Deadlines: sec in [0, span) and nsec in {0, 1, 1e9-1},
 * or (span 0) anything, FC_TIME_MIN and FC_TIME_MAX included.
 */
static const struct random_case {
	u64 seed;
	int pool_n, ops;
	u32 insert_pct, move_pct, pop_pct;
	s64 span;
	const char *what;
} random_cases[] = {
	{ 1, 1000, 10000, 50, 10, 5, 1000000, "balanced, few ties" },
	{ 2, 2000, 10000, 90, 5, 0, 1000000, "insert-heavy" },
	{ 3, 1000, 10000, 50, 20, 10, 4, "four distinct seconds: many ties" },
	{ 4, 500, 10000, 60, 0, 30, 1, "one second: ties by nsec and FIFO" },
	{ 5, 1000, 10000, 70, 10, 20, 0, "full fc_time range" },
	{ 6, 64, 10000, 50, 30, 10, 100, "small queue, churn" },
	{ 7, 4096, 10000, 100, 0, 0, 1000000000, "inserts only" },
	{ 8, 3000, 10000, 95, 0, 45, 1000, "a timer wheel: insert and pop" },
};

static struct fc_time random_deadline(s64 span)
{
	static const u32 nsecs[] = { 0, 1, NS - 1 };
	struct fc_time d;
	u32 r;

	if (span) {
		d.sec = (s64)(lcg() % (u64)span);
		d.nsec = nsecs[lcg_below(3)];
		return d;
	}
	r = lcg_below(20);
	if (r == 0)
		return (struct fc_time)FC_TIME_MAX;
	if (r == 1)
		return (struct fc_time)FC_TIME_MIN;
	d.sec = (s64)lcg();
	d.nsec = lcg_below(NS);
	return d;
}

static void run_random(void)
{
	const struct random_case *c = random_cases;
	struct fc_sleepq q;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(random_cases); i++, c++) {
		struct step st;
		int k, biggest = 0;
		bool ok = true;

		reset(&q, c->pool_n, true);
		lcg_state = c->seed;
		for (k = 0; ok && k < c->ops; k++) {
			struct fc_time d = random_deadline(c->span);
			u32 r = lcg_below(100);

			st.id = (int)lcg_below(c->pool_n);
			st.sec = d.sec;
			st.nsec = d.nsec;
			if (lcg_below(100) < c->pop_pct)
				st.op = 'p';
			else if (pool[st.id].queued)
				st.op = r < c->move_pct ? 'i' : 'r';
			else
				st.op = r < c->insert_pct ? 'i' : 'r';
			ok = run_step(&q, &st);
			if (ref_n > biggest)
				biggest = ref_n;
			if (!ok)
				tap_diag("op %d: %c %d", k, st.op, st.id);
		}
		tap_ok(ok, "random %zu: %s (%d ops, up to %d queued)", i + 1,
		       c->what, k, biggest);
	}
}

/* n sleepers inserted in one pattern, checked, then drained by first(). */
static const struct bulk_case {
	/* 'a'scending, 'd'escending, 't'ied, 'z'igzag */
	char pattern;
	int n;
	const char *what;
} bulk_cases[] = {
	{ 'a', POOL_MAX, "4096 ascending deadlines" },
	{ 'd', POOL_MAX, "4096 descending deadlines" },
	{ 't', POOL_MAX, "4096 equal deadlines drain FIFO" },
	{ 'z', POOL_MAX, "4096 deadlines from both ends inwards" },
};

static void run_bulk(void)
{
	const struct bulk_case *c = bulk_cases;
	struct fc_sleepq q;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bulk_cases); i++, c++) {
		bool ok = true;
		int k;

		reset(&q, c->n, false);
		for (k = 0; k < c->n; k++) {
			struct fc_time d = { 0, 0 };

			if (c->pattern == 'a')
				d.sec = k;
			else if (c->pattern == 'd')
				d.sec = c->n - k;
			else if (c->pattern == 'z')
				d.sec = k % 2 ? k : c->n * 2 - k;
			fc_sleepq_insert(&q, &pool[k], d);
			ref_insert(k, d);
		}
		ok = check_queue(&q, c->n);
		for (k = 0; ok && k < c->n; k++) {
			struct fc_sleeper *first = fc_sleepq_first(&q);

			if (!first || id_of(first) != ref[0].id) {
				tap_diag("pop %d: got %d, want %d", k,
					 first ? id_of(first) : -1, ref[0].id);
				ok = false;
				break;
			}
			fc_sleepq_remove(&q, first);
			ref_remove(ref[0].id);
			/* A full check every pop would be quadratic here. */
			if (k % 256 == 0 || ref_n < 64)
				ok = check_queue(&q, c->n);
		}
		ok = ok && !fc_sleepq_first(&q) && q.count == 0 && !q.root;
		tap_ok(ok, "bulk %zu: %s", i + 1, c->what);
	}
}

/*
 * Walking with next() while removing: every sleeper whose id is a multiple
 * of step goes, taking next before the removal as the header says.
 */
static const struct iter_case {
	int n, step;
	const char *what;
} iter_cases[] = {
	{ 100, 2, "remove every other while iterating" },
	{ 100, 1, "remove all while iterating" },
	{ 100, 7, "remove every seventh while iterating" },
	{ 1, 1, "remove the only one while iterating" },
};

static void run_iter(void)
{
	const struct iter_case *c = iter_cases;
	struct fc_sleepq q;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iter_cases); i++, c++) {
		struct fc_sleeper *s, *next;
		int k, seen = 0;
		bool ok;

		reset(&q, c->n, false);
		lcg_state = i + 100;
		for (k = 0; k < c->n; k++) {
			struct fc_time d = { (s64)lcg_below(10), 0 };

			fc_sleepq_insert(&q, &pool[k], d);
			ref_insert(k, d);
		}
		ok = check_queue(&q, c->n);
		for (s = fc_sleepq_first(&q); ok && s; s = next) {
			next = fc_sleepq_next(s);
			seen++;
			if (id_of(s) % c->step == 0) {
				fc_sleepq_remove(&q, s);
				ref_remove(id_of(s));
				ok = check_queue(&q, c->n);
			}
		}
		ok = ok && seen == c->n;
		if (seen != c->n)
			tap_diag("visited %d of %d", seen, c->n);
		tap_ok(ok, "iter %zu: %s", i + 1, c->what);
	}
}

int main(void)
{
	/* A broken tree may crash a later case: keep the earlier results. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(ARRAY_SIZE(script_cases) + ARRAY_SIZE(random_cases) +
		 ARRAY_SIZE(bulk_cases) + ARRAY_SIZE(iter_cases));
	run_scripts();
	run_random();
	run_bulk();
	run_iter();
	return tap_done();
}
