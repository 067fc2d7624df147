#!/usr/bin/env python3
"""Classifier throughput on CPU (or the active provider): raw model, rules-only and hybrid.

    python bench/model_bench.py --data ../shared/data --n 2000

- raw: ``LeakClassifier.predict`` on Flickr30k captions (sentences/s, tokenisation included),
  batch sizes 1, 32 (batch-invariant default: one chunk per run) and batched (``batch_invariant=False``);
- rules vs hybrid on LLaVA-Instruct gpt turns (turns/s), interleaved in chunks so VM load
  hits both alike.  Hybrid = ``Hybrid.scan_many`` (rules + cascade + model).
Prints one JSON object.  Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import flickr30k


def captions(data: Path, n: int) -> list[str]:
    return list(islice(flickr30k(data), n))


def gpt_turns(data: Path, n: int) -> list[str]:
    out: list[str] = []
    for f in sorted((data / "llava_instruct").glob("chunk_*.json"), key=lambda p: int(p.stem.split("_")[1])):
        for line in f.open(encoding="utf-8"):
            for t in json.loads(line)["conversations"]:
                if t["from"] == "gpt":
                    out.append(t["value"])
                    if len(out) >= n:
                        return out
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--model-dir", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--providers", default="CUDAExecutionProvider,CPUExecutionProvider")
    args = ap.parse_args()
    from safelint.api import build_engine
    from safelint.model import load_model
    from safelint.model.hybrid import Hybrid

    data = Path(args.data)
    clf = load_model(args.model_dir, providers=args.providers.split(","), threads=args.threads)
    res: dict = {"providers": clf.providers, "model_dir": str(clf.model_dir)}
    caps = captions(data, args.n)
    clf.predict(caps[:64])  # warm-up
    for bs in (1, 32):
        sub = caps if bs > 1 else caps[: max(100, args.n // 10)]
        t = time.perf_counter()
        clf.predict(sub, batch_size=bs)
        res[f"raw_captions_per_s_bs{bs}"] = round(len(sub) / (time.perf_counter() - t), 1)
    fast = load_model(args.model_dir, providers=args.providers.split(","), threads=args.threads,
                      batch_invariant=False)
    fast.predict(caps[:64])
    t = time.perf_counter()
    fast.predict(caps, batch_size=32)
    res["raw_captions_per_s_bs32_batched"] = round(len(caps) / (time.perf_counter() - t), 1)
    engine = build_engine()
    hyb = Hybrid(engine, clf)
    turns = gpt_turns(data, args.n)
    t_rules = t_hyb = 0.0
    calls = 0
    for i in range(0, len(turns), 200):
        part = turns[i:i + 200]
        t = time.perf_counter()
        for s in part:
            engine.scan(s, "gpt")
        t_rules += time.perf_counter() - t
        t = time.perf_counter()
        hyb.scan_many(part, ["gpt"] * len(part))
        t_hyb += time.perf_counter() - t
        calls += len(part)
    res["llava_gpt_turns"] = calls
    res["rules_turns_per_s"] = round(calls / t_rules, 1)
    res["hybrid_turns_per_s"] = round(calls / t_hyb, 1)
    res["hybrid_turns_sent_to_model"] = sum(hyb.needs_model(s, "gpt", engine.scan(s, "gpt")) for s in turns)
    res["hybrid_find_thresholds"] = hyb.find_thr
    res["hybrid_confirm_thresholds"] = hyb.confirm_thr
    res["model_chunks_per_turn"] = round(sum(len(clf.chunks(s)) for s in turns[:500]) / min(500, len(turns)), 2)
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
