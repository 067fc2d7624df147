#!/usr/bin/env python3
"""`check`'s detection one record per call vs a batch of records per call, in one process.

The linter hands the detector a batch of records at a time (:func:`safelint.parallel.batches`,
``Detection.many``): the hybrid engine then scans all their strings, tokenises the chunks that need
the model in one call and scores them together.  This script times the same LLaVA-Instruct records
(human and gpt turns, ``<data>/llava_instruct/chunk_*.json``) both ways, taking turns on slices
of ``--chunk`` records so that load on the machine hits both alike:

- ``one record``: ``Detection.many([record])`` per record (what ``check`` did before batching);
- ``batched``: ``Detection.many(batch)`` over the batches ``check`` makes.

Detection is ``check``'s: the shipped rules and classifier (hybrid, ``--model-scope``), with the fix
labels; ``--find-at-label`` lets the model add findings of its own at its label thresholds (the shipped
settings let it add weight findings only, so few chunks reach it).  With ``--batched-onnx`` the classifier runs
its chunks in batches of 32 (``batch_invariant=False``,
the mode a GPU's float graph runs in) instead of one chunk per ONNX run (the int8 graph's default on CPU,
whose results do not depend on the batch).  The findings of the two ways, and the fix each is labelled with,
are compared: identical in the default mode; in the batched mode scores may move in the third decimal, so a few
confirmations can differ.  The fix labels rescan each string the fixes rewrite; since the twenty-second session
those rescans are batched too (:func:`safelint.fixer.core.drive`: every rewritten string of a batch, round by
round).  ``--fix`` times ``safelint fix``'s work instead (``Fixer.fix_items`` per record against
``Fixer.fix_many`` per batch, with ``--unsafe-fixes``) and compares the fixed strings.

Usage::

    python bench/check_batch_bench.py [--data ../shared/data] [--n 2000] [--chunk 500] [--runs 3]
        [--find-at-label] [--batched-onnx] [--fix]

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_arg, machine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=2000, help="LLaVA-Instruct records (default 2000, first in file order)")
    ap.add_argument("--chunk", type=int, default=500, help="records per turn-taking slice (default 500)")
    ap.add_argument("--runs", type=int, default=3, help="timed passes (median reported)")
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads (default 2)")
    ap.add_argument("--model-scope", default="person", choices=("hits", "answers", "person", "all"))
    ap.add_argument("--find-at-label", action="store_true",
                    help="let the model add findings at its label thresholds (--model-find ATTR=label for all five)")
    ap.add_argument("--batched-onnx", action="store_true", help="batch chunks in ONNX runs (batch_invariant=False)")
    ap.add_argument("--fix", action="store_true", help="time fix (--unsafe-fixes) instead of check's detection")
    args = ap.parse_args()

    from safelint.api import build_engine
    from safelint.fixer import Fixer
    from safelint.formats import ReadOptions, reader_for
    from safelint.linter import Detection
    from safelint.model import LeakClassifier
    from safelint.model.hybrid import HybridEngine
    from safelint.parallel import batches

    files = sorted((args.data / "llava_instruct").glob("chunk_*.json"), key=lambda p: int(p.stem.split("_")[1]))
    if not files:
        sys.exit(f"no LLaVA-Instruct records under {args.data}; pass --data")
    opts = ReadOptions()

    def records():
        for f in files:
            reader = reader_for(f, "jsonl")  # JSON Lines, named .json
            assert reader is not None
            yield from reader.read(f, opts)

    recs = list(islice(records(), args.n))
    clf = LeakClassifier(threads=args.threads, batch_invariant=False if args.batched_onnx else None)
    find_at = dict.fromkeys(("age", "gender", "race", "eye_color", "weight"), -1.0) if args.find_at_label else None
    engine = HybridEngine(build_engine(), clf, scope=args.model_scope, find_at=find_at)
    detect = Detection(engine)
    fixer = Fixer(engine, unsafe=True)
    print(f"# {'fix' if args.fix else 'check detection'}: one record per call vs batched — {machine()}")
    finds = ", model finds at label thresholds" if args.find_at_label else ""
    onnx = "batched" if args.batched_onnx else "one chunk per run"
    print(f"{len(recs):,} LLaVA-Instruct records, {sum(len(r.items) for r in recs):,} strings; scope "
          f"{args.model_scope}{finds}; ONNX {onnx}; {args.runs} run(s)")

    one, many = (fixer.fix_items, fixer.fix_many) if args.fix else (detect, detect.many)
    ways = {
        "one record": lambda part: [one(r.items) for r in part],
        "batched": lambda part: [d for b in batches(part, lambda r: sum(len(i.text) for i in r.items) + 1)
                                 for d in many([r.items for r in b])],
    }
    for r in recs:  # warm-up: every word and rule seen once by the rules engine
        for it in r.items:
            engine.engine.scan(it.text, it.role)
    slices = [recs[i:i + args.chunk] for i in range(0, len(recs), args.chunk)]
    spent: dict[str, list[float]] = {k: [] for k in ways}
    runs: dict[str, int] = dict.fromkeys(ways, 0)
    results: dict[str, list] = {}
    for _ in range(args.runs):
        took = dict.fromkeys(ways, 0.0)
        got: dict[str, list] = {k: [] for k in ways}
        names = list(ways)
        for si, part in enumerate(slices):
            for name in names[si % 2:] + names[:si % 2]:
                clf.clear_cache()  # both start cold on each slice
                r0 = clf.runs
                t = time.perf_counter()
                got[name] += ways[name](part)
                took[name] += time.perf_counter() - t
                runs[name] = clf.runs - r0
        for k in ways:
            spent[k].append(took[k])
        results = got

    def findings(res: list) -> list[tuple]:
        """Each finding with its fix label (``--fix``: each string's new text and what remains in it)."""
        if args.fix:  # each string's new text, with what remains in it
            return [(i, j, f.text, tuple((m.rule, m.start, m.end, m.fix) for m in f.remaining))
                    for i, fixes in enumerate(res) for j, f in enumerate(fixes)]
        return [(i, j, m.rule, m.start, m.end, m.source, labels[j][k] if labels else None)
                for i, (scans, labels) in enumerate(res) for j, ms in enumerate(scans) for k, m in enumerate(ms)]

    a, b = findings(results["one record"]), findings(results["batched"])
    same = len(set(a) & set(b))
    print()
    print(f"| {'fix' if args.fix else 'detection'} | records/s | ONNX runs (last slice) | "
          f"{'strings (with what remains in them)' if args.fix else 'findings (with their fix)'} |")
    print("|---|---:|---:|---:|")
    for k in ways:
        med = statistics.median(spent[k])
        print(f"| {k} | {len(recs) / med:,.0f} | {runs[k]:,} | {len(findings(results[k])):,} |")
    ratio = statistics.median(spent["one record"]) / statistics.median(spent["batched"])
    print(f"\nbatched / one record: {ratio:.2f}x; findings in both: {same:,} of {len(a):,} / {len(b):,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
