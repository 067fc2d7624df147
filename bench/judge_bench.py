"""Throughput and memory of the offline PRISM judge (`safelint prism judge`) on prism_v2 answers.

    python bench/judge_bench.py [--data ../shared/data] [--n 3000] [--runs 3] [--seed 0] [--no-cli] [--json OUT]

Answers: the model responses of every prism_v2 (model, task) file under ``<data>/prism_v2/GPT/`` (implicit
leakage: 4 models x 750; refusal soft: InternVL3 1,250; refusal hard: Qwen2.5-VL 1,250), a seeded sample of
``--n`` answers drawn per task in proportion to the files (``--n 0``: all 5,500), shuffled once.

Contenders, interleaved in one process (the order rotates every run; median of ``--runs``):

- ``judge``: ``OfflineJudge.judge(answer, task)`` per answer, the full details record that the CLI writes
  (leak findings of the check engine + the refusal detector + evidence), serialised with ``json.dumps``;
- ``engine.scan`` (peer): the raw rules engine, ``engine.scan(text, "gpt")``, over the same texts: the floor
  the judge is built on, so ``judge / scan`` is the judge's own overhead;
- per task: ``judge`` answers/s on each task's answers (open-prompt answers are longer).

One untimed pass of both first (the engine caches a matcher per set of triggered rules).

Then, unless ``--no-cli``, ``safelint prism judge`` end to end in a child process per task on a JSONL file of
that task's sampled answers (read + judge + write): wall time and the child's peak RSS (``psutil``, polled
every 20 ms, and ``getrusage(RUSAGE_CHILDREN)``).  The parent's RSS (psutil) after loading the engine and
after the runs is printed too.

Nothing here asserts a time.  The figures depend on the load of the (shared, 2-core) machine: see
BENCHMARKS.md for the recorded run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

DEFAULT_DATA = REPO.parent / "shared" / "data"
# task -> GPT file name in prism_v2/GPT/<model>/
FILES = {"implicit_leakage": "implicit_leakage_Answer_Detail.jsonl", "refusal_soft": "refusal_soft_Detail.jsonl",
         "refusal_hard": "refusal_hard_Detail.jsonl"}


def load(data: Path) -> list[tuple[str, str, dict]]:
    """(model, task, line) for every prism_v2 response (GPT folder: same responses as the Gemini one)."""
    root = data / "prism_v2" / "GPT"
    if not root.is_dir():
        sys.exit(f"error: {root} not found (give --data, the folder holding prism_v2/)")
    out = []
    for mdir in sorted(p for p in root.iterdir() if p.is_dir()):
        for task, fn in FILES.items():
            p = mdir / fn
            if p.is_file():
                with p.open(encoding="utf-8") as fh:
                    out += [(mdir.name, task, json.loads(line)) for line in fh if line.strip()]
    return out


def sample(rows: list, n: int, seed: int) -> list:
    rng = random.Random(seed)
    if n <= 0 or n >= len(rows):
        picked = list(rows)
    else:
        by_task: dict[str, list] = {}
        for r in rows:
            by_task.setdefault(r[1], []).append(r)
        picked = []
        items = sorted(by_task.items())
        for i, (task, rs) in enumerate(items):
            # proportional; the last task takes the rounding remainder so that exactly n are drawn
            k = n - len(picked) if i == len(items) - 1 else round(n * len(rs) / len(rows))
            picked += rng.sample(rs, min(k, len(rs)))
    rng.shuffle(picked)
    return picked


def rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def child_peak(cmd: list[str]) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MiB polled with psutil, exit code, stderr) of a child process."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, ps.memory_info().rss)
        except psutil.NoSuchProcess:  # pragma: no cover - exited between poll and read
            break
        time.sleep(0.02)
    err = proc.stderr.read() if proc.stderr else ""
    rc = proc.wait()
    if rc != 0:
        print(err, file=sys.stderr)
    return time.perf_counter() - t0, peak / 2**20, rc, err


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding prism_v2/")
    ap.add_argument("--n", type=int, default=3000, help="answers (0: all 5,500)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-cli", action="store_true", help="skip the end-to-end CLI runs (child processes)")
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    a = ap.parse_args()

    from safelint_prism import CATEGORIES, REFUSAL_TASKS
    from safelint_prism.answers import Answer
    from safelint_prism.judge import OfflineJudge

    rss0 = rss_mib()
    t0 = time.perf_counter()
    judge = OfflineJudge()
    engine = judge.engine
    engine.scan("warm-up: a young woman with blue eyes", "gpt")
    t_load = time.perf_counter() - t0
    rss_loaded = rss_mib()

    rows = sample(load(a.data), a.n, a.seed)
    answers = []
    for i, (model, task, obj) in enumerate(rows):
        qid = obj["question_id"]
        cat = qid.split("/", 1)[0]
        answers.append((task, Answer(question_id=qid, answer_id=f"{model}:{i}", text=obj["response"], line=i + 1,
                                     prompt=obj.get("prompt"), model_id=model,
                                     category=cat if cat in CATEGORIES else None)))
    texts = [ans.text for _, ans in answers]
    chars = sum(map(len, texts))
    tasks = sorted({t for t, _ in answers})
    def mean_chars(t: str) -> float:
        sub = [len(x.text) for task, x in answers if task == t]
        return sum(sub) / len(sub)

    print(f"{len(answers)} answers ({', '.join(f'{t} {sum(x == t for x, _ in answers)}' for t in tasks)}), "
          f"{chars / len(answers):.0f} chars on average ({', '.join(f'{t} {mean_chars(t):.0f}' for t in tasks)}); "
          f"engine loaded in {t_load:.1f} s; judge {judge.info['name']} {judge.info['version']}")

    def run_judge(sub=None) -> int:
        n = 0
        for task, ans in (answers if sub is None else sub):
            json.dumps(judge.judge(ans, task))
            n += 1
        return n

    def run_scan() -> int:
        for t in texts:
            engine.scan(t, "gpt")
        return len(texts)

    by_task = {t: [x for x in answers if x[0] == t] for t in tasks}
    contenders = {"judge": run_judge, "engine.scan (peer)": run_scan}
    for t in tasks:
        contenders[f"judge, {t} only"] = (lambda sub=by_task[t]: run_judge(sub))
    # warm-up, untimed: fills the engine's per-trigger-set matcher cache and the spaCy vocabulary
    run_scan()
    run_judge()
    rates: dict[str, list[float]] = {k: [] for k in contenders}
    names = list(contenders)
    for r in range(a.runs):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            t1 = time.perf_counter()
            n = contenders[name]()
            rates[name].append(n / (time.perf_counter() - t1))
    rss_after = rss_mib()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"\n{'contender':34} {'answers/s (median)':>18} {'spread':>17} {'vs scan':>8}")
    for k in names:
        print(f"{k:34} {med[k]:>18,.0f} {min(rates[k]):>8,.0f}..{max(rates[k]):<8,.0f} "
              f"{med[k] / med['engine.scan (peer)']:>7.2f}x")
    print(f"\nparent RSS: {rss0:.0f} MiB at start, {rss_loaded:.0f} MiB with the engine loaded, {rss_after:.0f} MiB "
          f"after {a.runs} runs; peak (getrusage) {peak_self:.0f} MiB")

    cli: dict[str, dict] = {}
    if not a.no_cli:
        exe = [sys.executable, "-m", "safelint", "prism", "judge"]
        with tempfile.TemporaryDirectory() as tmp:
            for t in tasks:
                src = Path(tmp) / f"{t}.jsonl"
                with src.open("w", encoding="utf-8") as fh:
                    for _, ans in by_task[t]:
                        fh.write(json.dumps({"question_id": ans.question_id, "prompt": ans.prompt, "text": ans.text,
                                             "answer_id": ans.answer_id, "model_id": ans.model_id}) + "\n")
                wall, peak, rc, err = child_peak([*exe, str(src), "--task", t, "-o", os.devnull])
                m = re.search(r"([\d.]+) answers/s", err)  # the CLI's own rate (judge loop, after start-up)
                cli[t] = {"answers": len(by_task[t]), "wall_s": wall, "answers_per_s_wall": len(by_task[t]) / wall,
                          "answers_per_s_loop": float(m.group(1)) if m else None, "peak_rss_mib": peak, "rc": rc}
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print("\n`safelint prism judge` end to end (child process: start-up, engine load, read, judge, write):")
        for t, c in cli.items():
            loop = "-" if c["answers_per_s_loop"] is None else f"{c['answers_per_s_loop']:.0f}"
            print(f"  {t:17} {c['answers']:>5} answers  wall {c['wall_s']:6.1f} s  = {c['answers_per_s_wall']:6.0f} "
                  f"answers/s incl. start-up ({loop} answers/s in the judge loop, as the CLI reports)   "
                  f"peak RSS {c['peak_rss_mib']:.0f} MiB   rc {c['rc']}")
        print(f"  largest child peak RSS (getrusage RUSAGE_CHILDREN): {peak_children:.0f} MiB")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({
            "answers": len(answers), "tasks": {t: len(v) for t, v in by_task.items()},
            "mean_chars": chars / len(answers),
            "judge": judge.info, "runs": a.runs, "rates": rates, "median": med, "engine_load_s": t_load,
            "rss_mib": {"start": rss0, "engine_loaded": rss_loaded, "after_runs": rss_after, "peak_self": peak_self},
            "cli": cli, "refusal_tasks": list(REFUSAL_TASKS)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
