"""The classifier on a GPU: sentences/s through onnxruntime's CUDA provider (issue 3's H200 target).

    python bench/gpu_bench.py [--passes 3] [--cpu-n 3000]

Sentences: the distinct sentences of every ``text`` of the repository's eval sets (eval/*.jsonl), split
as the runtime splits them (66,535 sentences), scored ``--passes`` times (one call each: nothing is
reused between calls).  In one process, on the same sentences:

- the runtime as `check` builds it with CUDA (the float graph of :mod:`safelint.model.float_graph`,
  batched), end to end (chunking, tokenising, padding, ONNX runs, sigmoid), at two batch sizes;
  and the ONNX runs alone;
- the int8 graph on CUDA (``float_on_gpu=False``), one chunk per run and batched;
- the int8 graph on onnxruntime's CPU provider, as `check` runs it on a CPU (one chunk per run), on
  ``--cpu-n`` sentences: the ratio, and whether the GPU's decisions are the CPU's;
- the same sentences in other batch sizes and orders on the GPU: the largest score change.

Without a CUDA provider it says so and exits 3 (onnxruntime silently falls back to CPU otherwise).
Run by bench/gpu_check.sh on the device machine; figures in BENCHMARKS.md §10.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

from _bare import ROOT, classifier_modules_only

classifier_modules_only()

from safelint.model.runtime import LeakClassifier
from safelint.model.text import sentences

CUDA = ["CUDAExecutionProvider", "CPUExecutionProvider"]
ATTRS = ("age", "gender", "race", "eye_color", "weight")


def corpus() -> list[str]:
    seen: dict[str, None] = {}
    for p in sorted((ROOT / "eval").glob("*.jsonl")):
        for line in p.open(encoding="utf-8"):
            try:
                text = json.loads(line).get("text")
            except (json.JSONDecodeError, AttributeError):
                continue
            if isinstance(text, str):
                for s, e in sentences(text):
                    seen.setdefault(text[s:e], None)
    return list(seen)


class Timed:
    """Wraps an onnxruntime session to add up the time of its runs."""

    def __init__(self, session):  # type: ignore[no-untyped-def]
        self.session, self.seconds, self.runs = session, 0.0, 0

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.session, name)

    def run(self, *a, **k):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        out = self.session.run(*a, **k)
        self.seconds += time.perf_counter() - t
        self.runs += 1
        return out


def rate(clf: LeakClassifier, sents: list[str], batch_size: int | None = None, passes: int = 1
         ) -> tuple[float, float, list]:
    """(sentences/s end to end, sentences/s of the ONNX runs alone, scores of the last pass)."""
    clf.session = Timed(clf.session)
    t = time.perf_counter()
    for _ in range(passes):
        scores = clf.predict(sents, batch_size=batch_size)
    wall = time.perf_counter() - t
    onnx_s = clf.session.seconds
    clf.session = clf.session.session
    return passes * len(sents) / wall, passes * len(sents) / onnx_s, scores


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="score only this many distinct sentences (a smoke run)")
    ap.add_argument("--cpu-n", type=int, default=3_000)
    a = ap.parse_args()
    import onnxruntime as ort

    print(f"onnxruntime {ort.__version__}, available providers {ort.get_available_providers()}")
    base = corpus()
    rng = random.Random(0)
    rng.shuffle(base)
    sents = base[:a.limit] if a.limit else base
    print(f"{len(sents):,} distinct sentences from eval/*.jsonl (mean {sum(map(len, sents)) / len(sents):.0f} "
          f"characters), {a.passes} passes")

    gpu = LeakClassifier(providers=CUDA, cache_size=0)
    print(f"runtime with CUDA asked for: providers {gpu.providers}, graph {gpu.graph!r}, batch_size {gpu.batch_size}, "
          f"batch_invariant {gpu.batch_invariant}")
    if gpu.device != "cuda":
        print("NO CUDA PROVIDER: onnxruntime fell back to CPU; nothing measured on GPU")
        return 3
    gpu.predict(sents[:5000])  # warm-up: cuDNN/cuBLAS algorithm choice, memory arena
    results = {}
    for bs in (256, 1024):
        e2e, onnx_only, scores = rate(gpu, sents, bs, a.passes)
        results[bs] = scores
        print(f"GPU float graph, batch {bs}: {e2e:,.0f} sentences/s end to end, {onnx_only:,.0f} sentences/s ONNX runs")

    few = sents[:a.cpu_n]
    i8 = LeakClassifier(providers=CUDA, float_on_gpu=False, cache_size=0)
    i8.predict(few[:200])
    e2e, onnx_only, _ = rate(i8, few)
    print(f"GPU int8 graph, one chunk per run: {e2e:,.0f} sentences/s end to end, {onnx_only:,.0f} ONNX runs "
          f"(providers {i8.providers})")
    i8b = LeakClassifier(providers=CUDA, float_on_gpu=False, batch_invariant=False, cache_size=0)
    i8b.predict(sents[:2000], batch_size=256)
    e2e, onnx_only, _ = rate(i8b, sents[:20_000], 256)
    print(f"GPU int8 graph, batch 256: {e2e:,.0f} sentences/s end to end, {onnx_only:,.0f} ONNX runs")

    cpu = LeakClassifier(providers=["CPUExecutionProvider"], cache_size=0)
    cpu.predict(few[:200])
    c_e2e, c_onnx, c_scores = rate(cpu, few)
    g_scores = results[256][:a.cpu_n]
    print(f"CPU int8 graph (as check on a CPU), one chunk per run: {c_e2e:,.0f} sentences/s end to end, "
          f"{c_onnx:,.0f} ONNX runs")
    same = sum(cpu.decide(x) == gpu.decide(y) for x, y in zip(c_scores, g_scores))
    per = {k: sum((x[k] >= cpu.thresholds.get(k, 0.5)) == (y[k] >= gpu.thresholds.get(k, 0.5))
                  for x, y in zip(c_scores, g_scores)) / len(few) for k in cpu.labels}
    diff = max(abs(x[k] - y[k]) for x, y in zip(c_scores, g_scores) for k in x)
    leak = sum(bool(cpu.decide(x) & set(ATTRS)) for x in c_scores)
    print(f"GPU float vs CPU int8 on {len(few):,} sentences: same decisions on {same / len(few):.2%} "
          f"(per label {json.dumps({k: round(v, 4) for k, v in per.items()})}); largest score difference {diff:.3f}; "
          f"the CPU finds an attribute in {leak:,}")

    sample = sents[:20_000]
    one = gpu.predict(sample[:2000], batch_size=1)
    rev = gpu.predict(list(reversed(sample)), batch_size=97)[::-1]
    ref = results[256][:20_000]
    d1 = max(abs(x[k] - y[k]) for x, y in zip(ref[:2000], one) for k in x)
    d2 = max(abs(x[k] - y[k]) for x, y in zip(ref, rev) for k in x)
    flips = sum(gpu.decide(x) != gpu.decide(y) for x, y in zip(ref, rev))
    print(f"GPU batch consistency: largest score change batch 256 vs 1: {d1:.2e}; vs reversed order in batches of "
          f"97: {d2:.2e}; decisions changed: {flips} of {len(ref):,}")
    d3 = max(abs(x[k] - y[k]) for x, y in zip(results[256], results[1024]) for k in x)
    print(f"GPU batch 256 vs 1024 over all {len(sents):,} sentences: largest score change {d3:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
