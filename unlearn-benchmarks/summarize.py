#!/usr/bin/env python3
"""Summarises one run-benchmarks.sh result folder as Markdown (stdout).

JMH JSON files jmh-*.json and peer JSON lines peer-*.jsonl; the same benchmark measured in several
rounds is pooled (median and min over all measured iterations of all rounds).
"""
import glob
import json
import os
import statistics
import sys

PROBLEMS = {  # JMH problem -> (peer dataset, peer model)
    "DIGITS_LOGISTIC": ("digits", "logistic"),
    "DIGITS_MLP": ("digits", "mlp"),
    "SYNTHETIC_MLP": ("synthetic", "mlp"),
}
PAIRS = [("gradient", "t_grad_s", "gradient (fresh point)"),
         ("hvp", "t_hvp_s", "exact HVP (fresh point)"),
         ("hvpCached", "t_hvp_cached_s", "exact HVP (cached point)")]


def to_ms(value, unit):
    return value * {"ms/op": 1.0, "us/op": 1e-3, "ns/op": 1e-6, "s/op": 1e3}.get(unit, 1.0)


def load_jmh(folder):
    raw = {}   # (bench, params) -> [ms...]
    extra = {}  # (bench, params) -> {metric: [values]}
    for path in sorted(glob.glob(os.path.join(folder, "jmh-*.json"))):
        try:
            runs = json.load(open(path))
        except (ValueError, OSError):
            continue
        for r in runs:
            bench = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
            params = tuple(sorted((r.get("params") or {}).items()))
            pm = r["primaryMetric"]
            vals = [to_ms(v, pm["scoreUnit"]) for fork in pm["rawData"] for v in fork]
            raw.setdefault((bench, params), []).extend(vals)
            for name, m in (r.get("secondaryMetrics") or {}).items():
                key = name.lstrip("\u00b7")
                if key == "gc.alloc.rate.norm":
                    extra.setdefault((bench, params), {}).setdefault(key, []).append(m["score"])
    return raw, extra


def load_peer(folder):
    peer = {}  # (dataset, model, dtype, key) -> [(median, min)]
    for path in sorted(glob.glob(os.path.join(folder, "peer-*.jsonl"))):
        for line in open(path):
            line = line.strip()
            if not line.startswith("{"):
                continue
            d = json.loads(line)
            ds = d["meta"]["dataset"]
            for res in d["results"]:
                for key in ("t_grad_s", "t_hvp_s", "t_hvp_cached_s"):
                    if key in res:
                        peer.setdefault((ds, res["model"], res["dtype"], key), []).append(
                            (res[key] * 1e3, res["min_s"][key] * 1e3))
    return peer


def fmt(x):
    return "–" if x is None else ("%.3g" % x if x < 100 else "%.0f" % x)


def main(folder):
    raw, extra = load_jmh(folder)
    peer = load_peer(folder)
    machine = open(os.path.join(folder, "machine.txt")).read() if os.path.exists(
        os.path.join(folder, "machine.txt")) else ""
    print("### Run %s\n" % os.path.basename(folder.rstrip("/")))
    print("```\n" + machine.strip() + "\n```\n")

    def ours(bench, problem, dtype):
        vals = raw.get(("ModelBenchmark." + bench, (("dtype", dtype), ("problem", problem))))
        return (statistics.median(vals), min(vals)) if vals else None

    print("#### Ours vs the PyTorch peer (ms, median / min; ratio of medians, ours ÷ peer)\n")
    print("| problem | dtype | measure | ours | peer | ratio |")
    print("|---|---|---|---|---|---|")
    for problem, (ds, model) in PROBLEMS.items():
        for dtype in ("float64", "float32"):
            for bench, key, label in PAIRS:
                o = ours(bench, problem, dtype)
                ps = peer.get((ds, model, dtype, key))
                p = (statistics.median([a for a, _ in ps]), min(b for _, b in ps)) if ps else None
                if o is None and p is None:
                    continue
                ratio = "%.2f" % (o[0] / p[0]) if o and p else "–"
                print("| %s | %s | %s | %s / %s | %s / %s | %s |" % (
                    problem.lower(), dtype, label, fmt(o and o[0]), fmt(o and o[1]),
                    fmt(p and p[0]), fmt(p and p[1]), ratio))
    print("\n#### HVP ÷ gradient (medians; target ≤ 2.2)\n")
    print("| problem | dtype | fresh: hvp/gradient | cached: hvpCached/gradientCached | GGN cached/gradientCached |")
    print("|---|---|---|---|---|")
    for problem in PROBLEMS:
        for dtype in ("float64", "float32"):
            g, h = ours("gradient", problem, dtype), ours("hvp", problem, dtype)
            gc, hc = ours("gradientCached", problem, dtype), ours("hvpCached", problem, dtype)
            nc = ours("ggnCached", problem, dtype)
            if not (g or gc):
                continue
            r = lambda a, b: "%.2f" % (a[0] / b[0]) if a and b else "–"
            print("| %s | %s | %s | %s | %s |" % (problem.lower(), dtype, r(h, g), r(hc, gc), r(nc, gc)))
    print("\n#### All benchmarks (ms/op median / min over measured iterations; B/op from -prof gc)\n")
    print("| benchmark | params | median | min | B/op |")
    print("|---|---|---|---|---|")
    for (bench, params), vals in sorted(raw.items()):
        ex = extra.get((bench, params), {})
        bop = ex.get("gc.alloc.rate.norm")
        print("| %s | %s | %s | %s | %s |" % (
            bench, ", ".join("%s=%s" % kv for kv in params), fmt(statistics.median(vals)),
            fmt(min(vals)), "%.0f" % statistics.median(bop) if bop else "–"))


    mv = os.path.join(folder, "matvecs.txt")
    if os.path.exists(mv) and os.path.getsize(mv):
        print("\n#### Matvecs to a relative residual of 1e-6 (target: Nyström-PCG ≤ CG / 3)\n")
        print("```\n" + open(mv).read().strip() + "\n```")


if __name__ == "__main__":
    main(sys.argv[1])
