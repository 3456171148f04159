// SPDX-License-Identifier: GPL-2.0
/*
 * The sleeper queue as a red-black tree with parent pointers and NULL
 * leaves, after CLRS and the kernel's lib/rbtree.c: every walk is a loop, so
 * the stack stays flat whatever the depth. Keys are (deadline, seq) and seq
 * is unique per queue, so no two sleepers compare equal and equal deadlines
 * come out in insertion order. The minimum is cached for O(1) first().
 */
#include "fc_sleepq.h"

/* Strict (deadline, seq) order; seq makes it total. */
static bool before(const struct fc_sleeper *a, const struct fc_sleeper *b)
{
	int cmp = fc_time_cmp(a->deadline, b->deadline);

	return cmp < 0 || (cmp == 0 && a->seq < b->seq);
}

static bool is_red(const struct fc_sleeper *s)
{
	return s && s->red;
}

/* Puts new where old hangs under parent (or at the root). */
static void replace_child(struct fc_sleepq *q, struct fc_sleeper *parent,
			  struct fc_sleeper *old, struct fc_sleeper *new)
{
	if (!parent)
		q->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/* x's right child y takes x's place; x becomes y's left child. */
static void rotate_left(struct fc_sleepq *q, struct fc_sleeper *x)
{
	struct fc_sleeper *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(q, x->parent, x, y);
	y->left = x;
	x->parent = y;
}

/* x's left child y takes x's place; x becomes y's right child. */
static void rotate_right(struct fc_sleepq *q, struct fc_sleeper *x)
{
	struct fc_sleeper *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(q, x->parent, x, y);
	y->right = x;
	x->parent = y;
}

/* Restores "no red node has a red child" after inserting red node s. */
static void insert_fixup(struct fc_sleepq *q, struct fc_sleeper *s)
{
	struct fc_sleeper *p, *g, *u;

	while (is_red(s->parent)) {
		p = s->parent;
		/* A red parent is never the root, so g exists. */
		g = p->parent;
		if (p == g->left) {
			u = g->right;
			if (is_red(u)) {
				p->red = 0;
				u->red = 0;
				g->red = 1;
				s = g;
				continue;
			}
			if (s == p->right) {
				rotate_left(q, p);
				s = p;
				p = s->parent;
			}
			p->red = 0;
			g->red = 1;
			rotate_right(q, g);
		} else {
			u = g->left;
			if (is_red(u)) {
				p->red = 0;
				u->red = 0;
				g->red = 1;
				s = g;
				continue;
			}
			if (s == p->left) {
				rotate_right(q, p);
				s = p;
				p = s->parent;
			}
			p->red = 0;
			g->red = 1;
			rotate_left(q, g);
		}
	}
	q->root->red = 0;
}

/*
 * Restores equal black heights after a black node was unlinked: x (maybe
 * NULL, hence the separate parent) is one black short. Its sibling is never
 * NULL, since the sibling's side still holds at least one black node.
 */
static void remove_fixup(struct fc_sleepq *q, struct fc_sleeper *x,
			 struct fc_sleeper *parent)
{
	struct fc_sleeper *w;

	while (x != q->root && !is_red(x)) {
		if (x == parent->left) {
			w = parent->right;
			if (w->red) {
				w->red = 0;
				parent->red = 1;
				rotate_left(q, parent);
				w = parent->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = 1;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->red = 0;
				w->red = 1;
				rotate_right(q, w);
				w = parent->right;
			}
			w->red = parent->red;
			parent->red = 0;
			w->right->red = 0;
			rotate_left(q, parent);
		} else {
			w = parent->left;
			if (w->red) {
				w->red = 0;
				parent->red = 1;
				rotate_right(q, parent);
				w = parent->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = 1;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->red = 0;
				w->red = 1;
				rotate_left(q, w);
				w = parent->left;
			}
			w->red = parent->red;
			parent->red = 0;
			w->left->red = 0;
			rotate_right(q, parent);
		}
		x = q->root;
	}
	if (x)
		x->red = 0;
}

void fc_sleepq_init(struct fc_sleepq *q)
{
	q->root = NULL;
	q->first = NULL;
	q->next_seq = 0;
	q->count = 0;
}

void fc_sleepq_insert(struct fc_sleepq *q, struct fc_sleeper *s,
		      struct fc_time deadline)
{
	struct fc_sleeper *parent = NULL, *cur;
	bool leftmost = true, left = false;

	/* A second insert would corrupt the tree; make it a move instead. */
	if (s->queued)
		fc_sleepq_remove(q, s);

	cur = q->root;
	s->deadline = deadline;
	s->seq = q->next_seq++;
	while (cur) {
		parent = cur;
		left = before(s, cur);
		if (left) {
			cur = cur->left;
		} else {
			cur = cur->right;
			leftmost = false;
		}
	}
	s->parent = parent;
	s->left = NULL;
	s->right = NULL;
	s->red = 1;
	s->queued = 1;
	if (!parent)
		q->root = s;
	else if (left)
		parent->left = s;
	else
		parent->right = s;
	if (leftmost)
		q->first = s;
	q->count++;
	insert_fixup(q, s);
}

void fc_sleepq_remove(struct fc_sleepq *q, struct fc_sleeper *s)
{
	struct fc_sleeper *child, *parent, *succ;
	bool removed_red;

	if (!s->queued)
		return;
	/* s has no left child if it is first; its successor stays valid. */
	if (q->first == s)
		q->first = fc_sleepq_next(s);

	if (!s->left || !s->right) {
		/* At most one child: splice s out. */
		child = s->left ? s->left : s->right;
		parent = s->parent;
		removed_red = s->red;
		replace_child(q, parent, s, child);
		if (child)
			child->parent = parent;
	} else {
		/* Two children: s's successor succ (no left child) moves in. */
		succ = s->right;
		while (succ->left)
			succ = succ->left;
		removed_red = succ->red;
		child = succ->right;
		if (succ->parent == s) {
			parent = succ;
		} else {
			parent = succ->parent;
			parent->left = child;
			if (child)
				child->parent = parent;
			succ->right = s->right;
			succ->right->parent = succ;
		}
		succ->left = s->left;
		succ->left->parent = succ;
		succ->parent = s->parent;
		replace_child(q, s->parent, s, succ);
		succ->red = s->red;
	}
	if (!removed_red)
		remove_fixup(q, child, parent);

	s->parent = NULL;
	s->left = NULL;
	s->right = NULL;
	s->red = 0;
	s->queued = 0;
	q->count--;
}

struct fc_sleeper *fc_sleepq_first(const struct fc_sleepq *q)
{
	return q->first;
}

struct fc_sleeper *fc_sleepq_next(const struct fc_sleeper *s)
{
	struct fc_sleeper *p;

	if (!s->queued)
		return NULL;
	if (s->right) {
		p = s->right;
		while (p->left)
			p = p->left;
		return p;
	}
	/* Climb while s is a right child; the first left-child edge wins. */
	p = s->parent;
	while (p && s == p->right) {
		s = p;
		p = p->parent;
	}
	return p;
}
