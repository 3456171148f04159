#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Layering checks of `make style`, read from the objects (TAP output).

1. The graph of calls between source files has no cycles, separately for the
   module (module/ + core/, one kernel's kbuild objects under
   build/<kver>/src/) and for userspace (build/userspace/**.o + build/core/*.o).
   File A -> file B when A's object has an undefined symbol (function or
   data: nm's U) that B's object defines. Self-edges and symbols defined
   outside the set (kernel, libc) are ignored; an object whose source file is
   gone (a stale .o after a rename) is skipped. A cycle means two files can
   only be understood together: the layering the file split promises is not
   there. Each cycle is printed with the symbols that make its edges, and
   every edge is printed as a TAP comment so a reader sees the layering.
2. core/ uses nothing of module/ or of userspace/ (it is compiled into both).
3. Private headers: a header named module/[DIR/]X_priv.h is private to
   module/[DIR/]X.c and to module/group.c (PRIV_FRIEND below, the file that
   ties the module's concepts together); no other file of module/ may
   include it.

Objects are (re)built first with `make -s userspace` and
`make -s build/<kver>/fluxcap.ko` (both incremental), for the kernel of the
first build/*/src/module found, else the first under /lib/modules/*/build.
No file name of module/ or userspace/ is written here: everything is found.

usage: tests/callgraph.py [--no-build] [--self-test]
  --no-build   use the objects as they are (fail if there are none)
  --self-test  check the checker on a tiny fake tree with known defects
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict, deque

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
PRIV_SUFFIX = "_priv.h"
PRIV_FRIEND = "module/group.c"


class Tap:
    """Numbered ok / not ok lines and # comments; the plan at the end."""

    def __init__(self, prefix="", quoted=False):
        self.n = 0
        self.failed = 0
        self.prefix = prefix
        self.lead = "#   " if quoted else ""  # a nested run shows as comments

    def note(self, text):
        for line in str(text).splitlines() or [""]:
            print((self.lead + "# " + line).rstrip())

    def result(self, good, desc):
        self.n += 1
        if not good:
            self.failed += 1
        print("%s%s %d - %s%s" % (self.lead, "ok" if good else "not ok", self.n,
                                  self.prefix, desc))
        sys.stdout.flush()
        return good

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


# --- objects and symbols ---------------------------------------------------

def make(target):
    """Run `make -s TARGET` in the repository; return (ok, output)."""
    p = subprocess.run(["make", "-s", target], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, check=False)
    return p.returncode == 0, p.stdout


def objects_under(objroot, subdirs, srcroot):
    """{source path relative to srcroot: object path} for every OBJ.o under
    objroot/SUBDIR (recursively) whose source SUBDIR/.../OBJ.c exists."""
    found = {}
    for sub in subdirs:
        for obj in sorted(glob.glob(os.path.join(objroot, sub, "**", "*.o"), recursive=True)):
            src = os.path.relpath(obj, objroot)[:-2] + ".c"
            if os.path.isfile(os.path.join(srcroot, src)):
                found[src] = obj
    return found


def read_symbols(objs):
    """nm each object: ({symbol: {files defining it}}, {file: {symbols it uses}})."""
    defs, uses = defaultdict(set), defaultdict(set)
    for src, obj in objs.items():
        p = subprocess.run(["nm", "-g", "-P", obj], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, check=False)
        if p.returncode != 0:
            raise RuntimeError("nm %s: %s" % (obj, p.stderr.strip()))
        uses.setdefault(src, set())  # a file that uses nothing is still a node
        for line in p.stdout.splitlines():
            fields = line.split()
            if len(fields) < 2:
                continue
            sym, kind = fields[0], fields[1]
            if kind in ("U", "w", "v"):  # undefined (w, v: weak undefined)
                uses[src].add(sym)
            else:
                defs[sym].add(src)
    return defs, uses


def build_graph(defs, uses):
    """{(a, b): {symbols}}: a uses the symbols, b defines them."""
    edges = defaultdict(set)
    for a, syms in uses.items():
        for sym in syms:
            for b in defs.get(sym, ()):
                if b != a:
                    edges[(a, b)].add(sym)
    return edges


# --- cycles ----------------------------------------------------------------

def strongly_connected(nodes, succ):
    """Tarjan's algorithm: the components of more than one file."""
    index, low, stack, on_stack, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(max(1000, 4 * len(nodes)))
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return comps


def shortest_cycle(start, comp, succ):
    """The shortest cycle start -> ... -> start inside comp (BFS)."""
    inside = set(comp)
    prev = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(succ[v]):
            if w not in inside:
                continue
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return None


def cycles(nodes, edges):
    """Cycles that show every file of every strongly connected component:
    the shortest cycle through each file not yet shown in an earlier one."""
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    found = []
    for comp in strongly_connected(nodes, succ):
        shown = set()
        for v in comp:
            if v not in shown:
                cyc = shortest_cycle(v, comp, succ)
                found.append((comp, cyc))
                shown.update(cyc)
    return found


def check_tree(tap, name, objs):
    """Cycle and core/ checks of one tree's objects {source: object}."""
    defs, uses = read_symbols(objs)
    edges = build_graph(defs, uses)
    tap.note("call graph of %s: %d files, %d edges (A -> B: A uses what B defines)"
             % (name, len(objs), len(edges)))
    for (a, b) in sorted(edges):
        tap.note("%s -> %s (%s)" % (a, b, ", ".join(sorted(edges[(a, b)]))))
    found = cycles(list(objs), edges)
    last_comp = None
    for comp, cyc in found:
        if comp is not last_comp:
            tap.note("strongly connected (each reaches every other): " + " ".join(comp))
            last_comp = comp
        tap.note("cycle: " + " -> ".join(cyc))
        for a, b in zip(cyc, cyc[1:]):
            tap.note("  %s uses %s (%s)" % (a, ", ".join(sorted(edges[(a, b)])), b))
    tap.result(not found, "call graph of %s has no cycles" % name)

    bad = sorted((a, b) for (a, b) in edges
                 if a.startswith("core/") and not b.startswith("core/"))
    for a, b in bad:
        tap.note("%s uses %s (%s)" % (a, ", ".join(sorted(edges[(a, b)])), b))
    tap.result(not bad, "core/ uses nothing of %s" % name)
    return found, bad


# --- private headers -------------------------------------------------------

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def private_header_violations(srcroot, tree="module", friend=PRIV_FRIEND):
    """[(includer, header, owner)] for every file of tree/ that includes a
    X_priv.h it is not entitled to. Returns (private headers, violations)."""
    files = sorted(os.path.relpath(f, srcroot) for pat in ("*.c", "*.h")
                   for f in glob.glob(os.path.join(srcroot, tree, "**", pat), recursive=True))
    privs = [f for f in files if f.endswith(PRIV_SUFFIX)]
    by_name = defaultdict(list)
    for h in privs:
        by_name[os.path.basename(h)].append(h)
    bad = []
    for f in files:
        with open(os.path.join(srcroot, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            if not inc.endswith(PRIV_SUFFIX):
                continue
            here = os.path.normpath(os.path.join(os.path.dirname(f), inc))
            targets = [here] if here in privs else by_name.get(os.path.basename(inc), [])
            for h in targets:
                owner = h[:-len(PRIV_SUFFIX)] + ".c"
                if f not in (owner, friend, h):
                    bad.append((f, h, owner))
    return privs, bad


def check_private_headers(tap, srcroot=ROOT):
    privs, bad = private_header_violations(srcroot)
    tap.note("private headers (X%s, for X.c and %s): %s"
             % (PRIV_SUFFIX, PRIV_FRIEND, " ".join(privs) or "none yet"))
    for f, h, owner in bad:
        tap.note("%s includes %s, private to %s" % (f, h, owner))
    tap.result(not bad, "no file of module/ includes another file's private header")
    return bad


# --- the real tree ---------------------------------------------------------

def pick_kernel():
    built = sorted(glob.glob(os.path.join(ROOT, BUILD, "*", "src", "module")))
    if built:
        return built[0].split(os.sep)[-3]
    headers = sorted(glob.glob("/lib/modules/*/build"))
    return headers[0].split(os.sep)[-2] if headers else None


def tree(tap, name, target, objroot, subdirs, build):
    """Build TARGET (unless not build), then check the objects of name's tree."""
    desc = "call graph of %s has no cycles" % name
    if build:
        ok, out = make(target)
        if not ok:
            tap.note(out)
            tap.note("`make -s %s` failed (dependencies: make deps)" % target)
            return tap.result(False, desc)
    objs = objects_under(objroot, subdirs, ROOT)
    if not any(s.startswith(name) for s in objs):
        tap.note("no objects of %s under %s: run `make -s %s`"
                 % (name, os.path.relpath(objroot, ROOT), target))
        return tap.result(False, desc)
    tap.note("objects: %s/{%s}" % (os.path.relpath(objroot, ROOT), ",".join(subdirs)))
    check_tree(tap, name, objs)
    return True


def main_checks(build):
    tap = Tap()
    kver = pick_kernel()
    if kver is None:
        tap.note("no fluxcap.ko objects and no kernel headers under /lib/modules/*/build:"
                 " run `make deps`, then `make -s build/<kver>/fluxcap.ko`")
        tap.result(False, "call graph of module/ has no cycles")
    else:
        # kbuild writes the objects next to the symlinked sources
        if build and not os.path.isdir("/lib/modules/%s/build" % kver):
            tap.note("no headers for kernel %s: its objects are used as they are" % kver)
            build_module = False
        else:
            build_module = build
        tree(tap, "module/", "%s/%s/fluxcap.ko" % (BUILD, kver),
             os.path.join(ROOT, BUILD, kver, "src"), ["module", "core"], build_module)
    # the Makefile's `$(BUILD)/%.o: %.c`
    tree(tap, "userspace/", "userspace", os.path.join(ROOT, BUILD),
         ["userspace", "core"], build)
    check_private_headers(tap)
    return tap.done()


# --- self-test -------------------------------------------------------------

# A fake tree: module/a.c <-> module/b.c (a call one way, a global variable
# the other), c.c -> a.c outside the cycle, core/k.c using module/c.c, a stale
# object gone.o (no source) that would close a cycle c -> gone -> c, libc
# calls (no edge), and b.c including a.c's private header. Then a tree
# without defects, with a subfolder.
FAKE = {
    "module/a.c": '#include "a_priv.h"\n#include <string.h>\nint a_count;\n'
                  'int b_work(int);\nint a_run(const char *s) { return b_work((int)strlen(s)); }\n',
    "module/a_priv.h": "extern int a_count;\n",
    "module/b.c": '#include "a_priv.h"\nint b_work(int x) { return x + a_count; }\n',
    "module/c.c": "int a_run(const char *);\nint gone_f(void);\n"
                  "int c_go(void) { return a_run(\"x\") + gone_f(); }\n"
                  "int c_help(void) { return 1; }\n",
    "module/group.c": '#include "a_priv.h"\nint group_n(void) { return a_count; }\n',
    "core/k.c": "int c_help(void);\nint k_step(void) { return c_help(); }\n",
}
STALE = ("module/gone.c", "int c_go(void);\nint gone_f(void) { return c_go(); }\n")
ACYCLIC = {
    "module/d.c": "int e_f(void);\nint d_f(void) { return e_f(); }\n",
    "module/sub/e.c": "int k_g(void);\nint e_v = 3;\nint e_f(void) { return e_v + k_g(); }\n",
    "core/k.c": "int k_g(void) { return 2; }\n",
}


def write_tree(top, files, stale=None):
    src, obj = os.path.join(top, "src"), os.path.join(top, "obj")
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
        with open(os.path.join(src, rel), "w", encoding="utf-8") as fh:
            fh.write(text)
    todo = [(rel, src) for rel in files if rel.endswith(".c")]
    if stale:  # compiled, then its source removed
        path = os.path.join(top, "stale", stale[0])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(stale[1])
        todo.append((stale[0], os.path.join(top, "stale")))
    for rel, base in todo:
        out = os.path.join(obj, rel[:-2] + ".o")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run([os.environ.get("CC", "cc"), "-c", "-O2", "-I",
                        os.path.dirname(os.path.join(base, rel)), "-o", out,
                        os.path.join(base, rel)], check=True)
    return src, obj


def self_test():
    tap = Tap("self-test: ")
    top = tempfile.mkdtemp(prefix="callgraph.")
    try:
        src, obj = write_tree(os.path.join(top, "bad"), FAKE, STALE)
        print("# the checker on a fake tree with a cycle:")
        found, core_bad = check_tree(Tap(quoted=True), "module/",
                                     objects_under(obj, ["module", "core"], src))
        cyc = [" -> ".join(c) for _, c in found]
        tap.result(cyc == ["module/a.c -> module/b.c -> module/a.c"],
                   "finds the cycle a.c -> b.c -> a.c (a call one way, a variable back),"
                   " not c.c -> gone.o -> c.c (a stale object)")
        tap.result(core_bad == [("core/k.c", "module/c.c")], "finds core/k.c using module/c.c")
        privs, bad = private_header_violations(src)
        tap.result(privs == ["module/a_priv.h"]
                   and bad == [("module/b.c", "module/a_priv.h", "module/a.c")],
                   "finds b.c including a.c's private header (a.c and group.c may)")

        src, obj = write_tree(os.path.join(top, "good"), ACYCLIC)
        print("# the checker on a fake tree without a cycle:")
        found, core_bad = check_tree(Tap(quoted=True), "module/",
                                     objects_under(obj, ["module", "core"], src))
        tap.result(not found and not core_bad, "passes a layered tree (d.c -> sub/e.c -> core/k.c)")
    except (OSError, subprocess.CalledProcessError, RuntimeError) as e:
        tap.result(False, "builds and reads a fake tree: %s" % e)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return tap.done()


def main(argv):
    if "-h" in argv or "--help" in argv:
        print("usage:" + __doc__.split("usage:")[1].rstrip())
        return 0
    unknown = [a for a in argv if a not in ("--no-build", "--self-test")]
    if unknown:
        print("callgraph: unknown option %s" % unknown[0], file=sys.stderr)
        return 2
    if "--self-test" in argv:
        return self_test()
    return main_checks(build="--no-build" not in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
