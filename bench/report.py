#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns bench/run.sh's raw samples into JSON and a Markdown table.

usage: report.py [--qemu VERSION] [--host-cpu NAME] RAW OUT.json OUT.md

Medians throughout; ratios are fluxcap / native except (a), which is
native / fluxcap (a speed-up). The goals are Documentation/performance.md's.
"""

import json
import statistics
import sys

GOALS = {
    "a_kernel_speedup_min": 100.0,
    "b_vdso_kernel_ratio_max": 2.0,
    "c_kernel_ratio_max": 1.05,
    "d_kernel_1000_over_1_max": 3.0,
    "f_kernel_speedup_min": 100.0,
    "f_ptrace_speedup_min": 10.0,
    "a_ptrace_speedup_min": 20.0,
    "d_ptrace_1000_over_1_max": 10.0,
    "j_ptrace_hour_max_s": 3.0,
    "s_kernel_added_ms_max": 30.0,
}


def ms(us):
    """A latency in microseconds, shown in ms (or us when below 1 ms)."""
    return f"{us / 1e3:.2f} ms" if us >= 1000 else f"{us:.1f} us"


def med(xs):
    return statistics.median(xs) if xs else None


def p90(xs):
    """The 90th percentile, nearest rank: with 10 samples, the 9th smallest."""
    if not xs:
        return None
    xs = sorted(xs)
    return xs[max(0, -(-9 * len(xs) // 10) - 1)]


def rnd(x, nd=3):
    return None if x is None else round(x, nd)


def main(argv):
    qemu = host_cpu = None
    while argv and argv[0].startswith("--"):
        if argv[0] == "--qemu":
            qemu = argv[1]
        elif argv[0] == "--host-cpu":
            host_cpu = argv[1]
        else:
            sys.exit(f"report.py: unknown option {argv[0]}")
        argv = argv[2:]
    raw, out_json, out_md = argv
    info, params, samples, jumps, failed = {}, {}, {}, {}, []
    jmin, jasleep, hz, lowfd = {}, {}, [], {}
    hooks_armed = 0
    complete = False
    with open(raw, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            key = w[0]
            if key in ("kernel", "cpu", "cpus", "clocksource", "commit",
                       "module", "modes", "date", "vm_seconds", "nofile_soft", "rows",
                       "nofile_hard", "jvm_minute_jumps"):
                info[key] = " ".join(w[1:])
            elif key == "tsc_hz":
                hz.append(float(w[1]))
            elif key == "param":
                params[w[1]] = int(w[2])
            elif key == "sample":
                name, mode, count, outer, inner = w[1], w[2], int(w[3]), float(w[4]), int(w[5])
                samples.setdefault((name, mode), []).append((count, outer, inner))
            elif key == "failed":
                failed.append(f"{w[1]}/{w[2]}")
            elif key == "jumps":
                jumps[(w[1], int(w[2]))] = [int(x) for x in w[3:]]
            elif key == "jumps_virtual_min_ns" and len(w) > 3:
                jmin[(w[1], int(w[2]))] = int(w[3])
            elif key == "jumps_threads_asleep" and len(w) > 3:
                jasleep[(w[1], int(w[2]))] = int(w[3])
            elif key == "jumps_lowfd":
                lowfd[(w[1], int(w[2]))] = [int(x) for x in w[3:]]
            elif key == "hooks_armed_during_native":
                hooks_armed += 1
            elif key == "end":
                complete = True
    tsc = med(hz)
    modes = info.get("modes", "native").split()
    res = {
        "kernel": info.get("kernel"),
        "date": info.get("date"),
        "commit": info.get("commit"),
        "cpu": info.get("cpu"),
        "cpus": int(info["cpus"]) if "cpus" in info else None,
        "host_cpu": host_cpu,
        "emulation": (f"QEMU TCG (software emulation), {qemu}" if qemu else None),
        "guest_clocksource": info.get("clocksource"),
        "module": info.get("module"),
        "modes": modes,
        "tsc_hz": tsc,
        "vm_seconds": float(info["vm_seconds"]) if "vm_seconds" in info else None,
        "complete": complete,
        "failed_runs": failed,
        "native_runs_with_hooks_armed": hooks_armed,
        "nofile_soft": info.get("nofile_soft"),
        "nofile_hard": info.get("nofile_hard"),
        "params": params,
        "goals": GOALS,
    }

    def per(name, mode):
        s = samples.get((name, mode), [])
        if not s or not tsc:
            return None
        count = s[0][0]
        inner = med([x[2] / tsc for x in s])
        return {
            "runs": len(s),
            "count": count,
            "outer_s": rnd(med([x[1] for x in s]), 4),
            "inner_s": rnd(inner, 5),
            "ns_per_op": rnd(inner * 1e9 / count, 1),
            "outer_all_s": [round(x[1], 4) for x in s],
            "inner_all_s": [round(x[2] / tsc, 5) for x in s],
            "outer_min_s": rnd(min(x[1] for x in s), 4),
            "outer_max_s": rnd(max(x[1] for x in s), 4),
            "inner_min_s": rnd(min(x[2] for x in s) / tsc, 5),
            "inner_max_s": rnd(max(x[2] for x in s) / tsc, 5),
            "outer_p90_s": rnd(p90([x[1] for x in s]), 4),
            "inner_p90_s": rnd(p90([x[2] / tsc for x in s]), 5),
        }

    res["a0_2000_sleeps_1us_native_floor"] = per("sleeps_1us", "native")
    res["f0_timerfd_reads_native_floor"] = per("timerfd_reads", "native")
    res["s0_hooks_install_cold"] = per("hooks_install", "kernel")
    # (t): one trapped call's stop and resume, in us; and what the JVM's
    # hour must cost at least at that price (its jumps in a virtual minute
    # x 60: each ends a wait the supervisor saw begin)
    jm = info.get("jvm_minute_jumps")
    res["j0_jvm_jumps_per_hour"] = int(jm) * 60 if jm and jm.isdigit() and int(jm) else None
    for name in ("trap_floor", "trap_floor_one_cpu"):
        r = per(name, "native")
        if r:
            us = sorted(x * 1e6 for x in r["inner_all_s"])
            r["us_per_trap"] = {k: rnd(v / r["count"], 2) for k, v in
                                (("min", us[0]), ("median", med(us)), ("max", us[-1]))}
            if res["j0_jvm_jumps_per_hour"]:
                r["jvm_hour_floor_s"] = {k: rnd(v * 1e-6 * res["j0_jvm_jumps_per_hour"], 2)
                                         for k, v in r["us_per_trap"].items()}
        res["t_" + name] = r
    for name, key in (("startup", "s_startup_true"), ("sleeps", "a_2000_sleeps_1ms"),
                      ("vdso", "b_clock_gettime_vdso"), ("syscall", "b_clock_gettime_syscall"),
                      ("walk", "c_tmpfs_walk_no_sleeps"),
                      ("timerfd", "f_timerfd_1ms_ticks"), ("py_sleeps", "p_python_2000_sleeps_1ms"),
                      ("jvm_hour", "j_jvm_hour_sleep")):
        res[key] = {m: per(name, m) for m in modes}
        nat = res[key].get("native")
        for m in modes:
            r = res[key][m]
            if m == "native" or not r or not nat:
                continue
            if name == "startup":
                # what fluxctl adds to a command, warm (hooks in), medians
                r["added_ms"] = rnd((r["outer_s"] - nat["outer_s"]) * 1e3, 1)
                continue
            if name == "py_sleeps":
                r["speedup_outer"] = rnd(nat["outer_s"] / r["outer_s"], 1)
            elif name in ("sleeps", "timerfd"):
                r["speedup_outer"] = rnd(nat["outer_s"] / r["outer_s"], 1)
                r["speedup_inner"] = rnd(nat["inner_s"] / r["inner_s"], 1)
            elif name in ("vdso", "syscall"):
                r["ratio"] = rnd(r["ns_per_op"] / nat["ns_per_op"], 3)
            else:
                r["ratio_inner"] = rnd(r["inner_s"] / nat["inner_s"], 3)
                r["ratio_outer"] = rnd(r["outer_s"] / nat["outer_s"], 3)

    d = {}
    for (mode, n), t in sorted(jumps.items()):
        us = sorted(x * 1e6 / tsc for x in t) if tsc else []
        d.setdefault(mode, {})[str(n)] = {
            "reps": len(us),
            "median_us": rnd(med(us), 1),
            "min_us": rnd(us[0], 1) if us else None,
            "p90_us": rnd(us[int(0.9 * (len(us) - 1))], 1) if us else None,
            "max_us": rnd(us[-1], 1) if us else None,
            "virtual_min_ns": jmin.get((mode, n)),
            "threads_asleep": jasleep.get((mode, n)),
        }
    for mode, byn in d.items():
        if byn.get("1", {}).get("median_us") and byn.get("1000", {}).get("median_us"):
            byn["ratio_1000_over_1"] = rnd(byn["1000"]["median_us"] / byn["1"]["median_us"], 2)
        if byn.get("1", {}).get("median_us") and byn.get("100", {}).get("median_us"):
            byn["ratio_100_over_1"] = rnd(byn["100"]["median_us"] / byn["1"]["median_us"], 2)
    for (mode, n), t in lowfd.items():
        d.setdefault(mode, {})[f"{n}_at_default_nofile_{info.get('nofile_soft')}"] = {
            "reps": len(t),
            "latency_us": [round(x * 1e6 / tsc, 1) for x in t] if tsc else None,
            "jumped": bool(t) and all(x * 1e6 / tsc < 9.9e6 for x in t),
        }
    res["d_jump_latency_10s_sleep"] = d

    def get(path):
        x = res
        for p in path:
            if not isinstance(x, dict) or p not in x or x[p] is None:
                return None
            x = x[p]
        return x

    verdict = {}
    for key, path, ok in (
        ("a_kernel_speedup_outer", ("a_2000_sleeps_1ms", "kernel", "speedup_outer"),
         lambda v: v >= GOALS["a_kernel_speedup_min"]),
        ("a_kernel_speedup_inner", ("a_2000_sleeps_1ms", "kernel", "speedup_inner"),
         lambda v: v >= GOALS["a_kernel_speedup_min"]),
        ("b_vdso_kernel_ratio", ("b_clock_gettime_vdso", "kernel", "ratio"),
         lambda v: v <= GOALS["b_vdso_kernel_ratio_max"]),
        ("c_kernel_ratio_inner", ("c_tmpfs_walk_no_sleeps", "kernel", "ratio_inner"),
         lambda v: v <= GOALS["c_kernel_ratio_max"]),
        ("c_kernel_ratio_outer", ("c_tmpfs_walk_no_sleeps", "kernel", "ratio_outer"),
         lambda v: v <= GOALS["c_kernel_ratio_max"]),
        ("d_kernel_1000_over_1", ("d_jump_latency_10s_sleep", "kernel", "ratio_1000_over_1"),
         lambda v: v <= GOALS["d_kernel_1000_over_1_max"]),
        ("d_kernel_poll_1000_over_1", ("d_jump_latency_10s_sleep", "kernel-poll", "ratio_1000_over_1"),
         lambda v: v <= GOALS["d_kernel_1000_over_1_max"]),
        ("f_kernel_speedup_outer", ("f_timerfd_1ms_ticks", "kernel", "speedup_outer"),
         lambda v: v >= GOALS["f_kernel_speedup_min"]),
        ("f_ptrace_speedup_outer", ("f_timerfd_1ms_ticks", "ptrace", "speedup_outer"),
         lambda v: v >= GOALS["f_ptrace_speedup_min"]),
        ("a_ptrace_speedup_outer", ("a_2000_sleeps_1ms", "ptrace", "speedup_outer"),
         lambda v: v >= GOALS["a_ptrace_speedup_min"]),
        ("p_ptrace_speedup_outer", ("p_python_2000_sleeps_1ms", "ptrace", "speedup_outer"),
         lambda v: v >= GOALS["a_ptrace_speedup_min"]),
        ("d_ptrace_1000_over_1", ("d_jump_latency_10s_sleep", "ptrace", "ratio_1000_over_1"),
         lambda v: v <= GOALS["d_ptrace_1000_over_1_max"]),
        ("j_ptrace_hour_median_s", ("j_jvm_hour_sleep", "ptrace", "outer_s"),
         lambda v: v < GOALS["j_ptrace_hour_max_s"]),
        ("s_kernel_added_ms", ("s_startup_true", "kernel", "added_ms"),
         lambda v: v <= GOALS["s_kernel_added_ms_max"]),
    ):
        v = get(path)
        verdict[key] = {"value": v, "met": (ok(v) if v is not None else None)}
    res["verdict"] = verdict
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=2)
        f.write("\n")

    # ------------------------------------------------------------ the table
    L = []
    L.append(f"### {res['kernel']} ({res['date']}, commit {res['commit']})")
    L.append("")
    L.append(f"Guest CPU: {res['cpu']} x {res['cpus']}; host CPU: {host_cpu}; "
             f"{res['emulation'] or 'no VM'}; guest clocksource {res['guest_clocksource']}; "
             f"TSC {tsc / 1e9 if tsc else 0:.3f} GHz; whole VM run {res['vm_seconds']} s"
             + ("" if complete else "; **INCOMPLETE RUN**")
             + (f"; failed runs: {', '.join(failed)}" if failed else ""))
    L.append("")
    hdr = "| workload | " + " | ".join(modes) + " | goal |"
    L.append(hdr)
    L.append("|" + " --- |" * (len(modes) + 2))

    def cell(key, m, fmt, extra=None):
        r = get((key, m))
        if not r:
            return "-"
        s = fmt(r)
        if extra and m != "native" and extra in r:
            s += f" ({r[extra]}{'x faster' if extra.startswith('speedup') else 'x'})"
        return s

    def spread(r, scale, nd, unit):
        return (" / ".join(f"{r[k] * scale:.{nd}f}" for k in
                           ("outer_min_s", "outer_s", "outer_p90_s", "outer_max_s"))
                + f" {unit} (n={r['runs']})")

    L.append("| (s) start-up, trivial `sh -c` (outer), min / median / p90 / max (median added) | " + " | ".join(
        cell("s_startup_true", m, lambda r: spread(r, 1e3, 0, "ms")
             + (f" (+{r['added_ms']} ms)" if "added_ms" in r else "")) for m in modes)
        + f" | kernel <= native + {GOALS['s_kernel_added_ms_max']:.0f} ms |")
    hk = res.get("s0_hooks_install_cold")
    if hk:
        cold = f"{hk['outer_min_s'] * 1e3:.0f} / {hk['outer_s'] * 1e3:.0f} / {hk['outer_max_s'] * 1e3:.0f} ms (n={hk['runs']})"
        L.append("| (s0) cold start: installing the hooks (the first group after load, or after they lingered out), min / median / max | "
                 + " | ".join(cold if m == "kernel" else "-" for m in modes) + " | once, not per run |")
    L.append(f"| (a) {params.get('n_sleeps')} x 1 ms sleeps, outer, min / median / p90 / max | "
             + " | ".join(cell("a_2000_sleeps_1ms", m, lambda r: spread(r, 1, 3, "s"), "speedup_outer")
                          for m in modes)
             + f" | kernel >= {GOALS['a_kernel_speedup_min']:.0f}x, "
             f"ptrace >= {GOALS['a_ptrace_speedup_min']:.0f}x faster |")
    L.append(f"| (p) the same in Python (interpreter start-up included), outer, "
             "min / median / p90 / max | " + " | ".join(
                 cell("p_python_2000_sleeps_1ms", m, lambda r: spread(r, 1, 3, "s"), "speedup_outer")
                 for m in modes)
             + f" | ptrace >= {GOALS['a_ptrace_speedup_min']:.0f}x faster |")
    L.append("| (j) JVM Thread.sleep(3600000), whole command, min / median / p90 / max | "
             + " | ".join(cell("j_jvm_hour_sleep", m, lambda r: spread(r, 1, 2, "s")) for m in modes)
             + f" | ptrace < {GOALS['j_ptrace_hour_max_s']:.0f} s |")
    for name, label in (("trap_floor", "CPUs free"), ("trap_floor_one_cpu", "tracer and tracee on one CPU")):
        r = res.get("t_" + name)
        if not r:
            continue
        t = r["us_per_trap"]
        val = f"{t['min']:.1f} / {t['median']:.1f} / {t['max']:.1f} us (n={r['runs']})"
        if "jvm_hour_floor_s" in r:
            f = r["jvm_hour_floor_s"]
            val += (f"; x {res['j0_jvm_jumps_per_hour']} jumps of (j) an hour = "
                    f"{f['min']:.2f} / {f['median']:.2f} / {f['max']:.2f} s at least")
        L.append(f"| (t) floor of ptrace mode: one seccomp stop and resume, a tracer doing "
                 f"nothing else, {label}, min / median / max | "
                 + " | ".join(val if m == "ptrace" else "-" for m in modes) + " | |")
    L.append("| (a) same, inner (first to last sleep) | " + " | ".join(
        cell("a_2000_sleeps_1ms", m, lambda r: f"{r['inner_s']:.4f} s", "speedup_inner") for m in modes)
        + " | |")
    L.append("| (a) per sleep, inner | " + " | ".join(
        cell("a_2000_sleeps_1ms", m, lambda r: f"{r['ns_per_op'] / 1e3:.1f} us") for m in modes) + " | |")
    fl = res["a0_2000_sleeps_1us_native_floor"]
    if fl:
        L.append("| (a0) floor: 2000 x 1 us sleeps, inner, per sleep | "
                 + f"{fl['ns_per_op'] / 1e3:.1f} us | " + " | ".join("-" for m in modes[1:]) + " | |")
    L.append(f"| (b) clock_gettime via vDSO (+preload), per call | " + " | ".join(
        cell("b_clock_gettime_vdso", m, lambda r: f"{r['ns_per_op']:.1f} ns", "ratio") for m in modes)
        + f" | kernel <= {GOALS['b_vdso_kernel_ratio_max']:.0f}x |")
    L.append(f"| (b') raw clock_gettime syscall, per call | " + " | ".join(
        cell("b_clock_gettime_syscall", m, lambda r: f"{r['ns_per_op'] / 1e3:.2f} us", "ratio") for m in modes)
        + " | - |")
    L.append(f"| (c) tmpfs walk, {params.get('n_files')} files x {params.get('c_passes')}, inner | " + " | ".join(
        cell("c_tmpfs_walk_no_sleeps", m, lambda r: f"{r['inner_s']:.3f} s", "ratio_inner") for m in modes)
        + f" | kernel <= {GOALS['c_kernel_ratio_max']}x |")
    L.append("| (c) same, outer (with start-up) | " + " | ".join(
        cell("c_tmpfs_walk_no_sleeps", m, lambda r: f"{r['outer_s']:.3f} s", "ratio_outer") for m in modes)
        + " | |")
    def mmm(r, k, nd):
        return (f"{r[k + '_min_s']:.{nd}f} / {r[k + '_s']:.{nd}f} / {r[k + '_max_s']:.{nd}f} s"
                f" (n={r['runs']})")

    L.append(f"| (f) {params.get('f_ticks')} ticks of a 1 ms periodic timerfd (epoll), outer, "
             "min / median / max | " + " | ".join(
                 cell("f_timerfd_1ms_ticks", m, lambda r: mmm(r, "outer", 2), "speedup_outer")
                 for m in modes)
             + f" | kernel >= {GOALS['f_kernel_speedup_min']:.0f}x, "
             f"ptrace >= {GOALS['f_ptrace_speedup_min']:.0f}x faster |")
    L.append("| (f) same, inner (first to last tick) | " + " | ".join(
        cell("f_timerfd_1ms_ticks", m, lambda r: mmm(r, "inner", 3), "speedup_inner") for m in modes)
        + " | |")
    fl = res["f0_timerfd_reads_native_floor"]
    nat = (res.get("f_timerfd_1ms_ticks") or {}).get("native")
    if fl:
        best = f", at best {nat['inner_s'] / fl['inner_s']:.0f}x" if nat else ""
        L.append(f"| (f0) floor: the same loop's syscalls, never blocking (a timerfd always due), "
                 f"inner, min / median / max | {mmm(fl, 'inner', 3)}{best} | "
                 + " | ".join("-" for m in modes[1:]) + " | |")
    for n in ("1", "100", "1000"):
        row = []
        for m in modes:
            r = get(("d_jump_latency_10s_sleep", m, n))
            if m == "native" or not r or not r["reps"]:
                row.append("-")
            else:
                row.append(f"{ms(r['min_us'])} / {ms(r['median_us'])} / {ms(r['max_us'])}"
                           f" (n={r['reps']})")
        goal = (f"kernel <= {GOALS['d_kernel_1000_over_1_max']:.0f}x, ptrace <= "
                f"{GOALS['d_ptrace_1000_over_1_max']:.0f}x the 1-thread latency" if n == "1000" else "")
        L.append(f"| (d) jump latency, {n} thread{'s' if n != '1' else ''} (min / median / max) | "
                 + " | ".join(row) + f" | {goal} |")
    row = []
    for m in modes:
        v = get(("d_jump_latency_10s_sleep", m, "ratio_1000_over_1"))
        row.append("-" if v is None else f"{v}x")
    L.append("| (d) 1000 threads / 1 thread (medians) | " + " | ".join(row)
             + f" | kernel <= {GOALS['d_kernel_1000_over_1_max']:.0f}x, "
             f"ptrace <= {GOALS['d_ptrace_1000_over_1_max']:.0f}x |")
    # (d'): kernel mode through poll(), in the kernel column.
    for n in ("1", "100", "1000", "ratio_1000_over_1"):
        r = get(("d_jump_latency_10s_sleep", "kernel-poll", n))
        if r is None:
            continue
        if n.startswith("ratio"):
            label, val = "(d') 1000 threads / 1 thread, poll", f"{r}x"
        else:
            label = f"(d') jump latency through poll, {n} thread{'s' if n != '1' else ''} (median)"
            val = f"{ms(r['median_us'])} (n={r['reps']}, max {ms(r['max_us'])})" if r["reps"] else "-"
        L.append(f"| {label} | " + " | ".join(val if m == "kernel" else "-" for m in modes)
                 + f" | {'kernel <= 3x' if n.startswith('ratio') else ''} |")
    for k, v in d.get("ptrace", {}).items():
        if "_at_default_nofile_" in k:
            L.append("")
            L.append(f"(d) ptrace, 1000 threads at `ulimit -n {info.get('nofile_soft')}`: "
                     + (f"latency {v['latency_us']} us, " if v["latency_us"] else "no result, ")
                     + ("jumped" if v["jumped"] else "**no jump** (the 10 s sleep ran out in real time)"))
    L.append("")
    L.append("Goals: " + "; ".join(
        f"{k} = {v['value']}: {'met' if v['met'] else ('MISSED' if v['met'] is False else 'not measured')}"
        for k, v in verdict.items()))
    L.append("")
    # Rows not measured in this run (bench/run.sh --rows) are left out.
    L = [x for x in L if not (x.startswith("| (") and all(
        c.strip() == "-" for c in x.split(" | ")[1:1 + len(modes)]))]
    text = "\n".join(L)
    with open(out_md, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
