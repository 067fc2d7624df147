"""`check --jobs` and `fix --jobs`: wall time on 1 vs N processes over LLaVA-Instruct records, same results.

    python bench/jobs_bench.py [--data ../shared/data] [--n 5000] [--jobs 2] [--runs 1] [--model] [--fix]

With ``--fix``: ``fix_file`` (what `safelint fix --unsafe-fixes` runs) writes the fixed file to a temporary
output once without and once with a pool of ``--jobs`` workers; the two outputs must be byte-identical.

Writes ``--n`` LLaVA-Instruct records (all their human and gpt turns) to a temporary JSON file, then
lints it with ``Linter.lint_paths`` (what `safelint check` runs: reading, detection, fix labels,
locating) once on one process and once with ``--jobs`` worker processes, alternating, ``--runs``
times each (best kept).  Rules only unless ``--model`` (hybrid, the `check` default).  Checks that
the findings are identical and in the same order.  Reports records/s, the ratio, the workers'
start-up (pool start + first batch, included in the time) and the peak RSS of this process
(``getrusage``) and of its largest worker (``psutil``, polled every 100 ms: the workers are children of
the fork server, not of this process).  Nothing here asserts a time: the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import threading
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_arg, llava_records, machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--model", action="store_true", help="hybrid detection (rules + classifier)")
    ap.add_argument("--fix", action="store_true", help="time `fix --unsafe-fixes` instead of `check`")
    args = ap.parse_args()
    if args.fix:
        return fix_main(args)

    from safelint.api import build_engine, with_model
    from safelint.linter import Linter, ListSink

    records = list(islice(llava_records(Path(args.data)), args.n))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "llava.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        engine = build_engine()
        detector = with_model(engine) if args.model else engine
        best: dict[int, float] = {}
        found: dict[int, list] = {}
        worker_mb = 0.0
        for _ in range(args.runs):
            for jobs in (1, args.jobs):
                linter = Linter(detector, jobs=jobs)
                sink = ListSink()
                stop = threading.Event()
                peak: list[float] = [0.0]
                poll = threading.Thread(target=_poll_children, args=(stop, peak), daemon=True)
                poll.start()
                t0 = time.perf_counter()
                linter.lint_paths([path], sink)
                dt = time.perf_counter() - t0
                stop.set()
                poll.join()
                worker_mb = max(worker_mb, peak[0])
                assert not linter.summary.errors, linter.summary.errors
                best[jobs] = min(best.get(jobs, dt), dt)
                found[jobs] = sink.findings
    same = found[1] == found[args.jobs]
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {machine()}")
    print(f"{len(records):,} LLaVA records, {'hybrid' if args.model else 'rules only'}, best of {args.runs}")
    for jobs in (1, args.jobs):
        print(f"  jobs {jobs}: {best[jobs]:6.1f} s  {len(records) / best[jobs]:7.0f} records/s  "
              f"{len(found[jobs]):,} findings")
    print(f"  ratio jobs {args.jobs} / jobs 1: {best[1] / best[args.jobs]:.2f}x; identical findings: {same}")
    print(f"  peak RSS: main process {self_mb:.0f} MiB, largest worker {worker_mb:.0f} MiB")


def fix_main(args: argparse.Namespace) -> None:
    from safelint.api import build_engine, with_model
    from safelint.fixer.core import Fixer
    from safelint.fixer.files import fix_file
    from safelint.parallel import Pool

    records = list(islice(llava_records(Path(args.data)), args.n))
    engine = build_engine()
    fixer = Fixer(with_model(engine) if args.model else engine, unsafe=True)
    best: dict[int, float] = {}
    outputs: dict[int, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "llava.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        for _ in range(args.runs):
            for jobs in (1, args.jobs):
                out = Path(tmp) / f"fixed{jobs}.json"
                t0 = time.perf_counter()
                if jobs == 1:
                    fix_file(path, fixer, output=out)
                else:
                    with Pool(fixer, jobs) as pool:
                        fix_file(path, fixer, output=out, pool=pool)
                best[jobs] = min(best.get(jobs, 1e9), time.perf_counter() - t0)
                outputs[jobs] = out.read_bytes()
    print(f"machine: {machine()}")
    print(f"{len(records):,} LLaVA records, fix --unsafe-fixes, {'hybrid' if args.model else 'rules only'}, "
          f"best of {args.runs}")
    for jobs in (1, args.jobs):
        print(f"  jobs {jobs}: {best[jobs]:6.1f} s  {len(records) / best[jobs]:7.0f} records/s")
    print(f"  ratio jobs {args.jobs} / jobs 1: {best[1] / best[args.jobs]:.2f}x; identical output: "
          f"{outputs[1] == outputs[args.jobs]}")


def _poll_children(stop: threading.Event, peak: list[float]) -> None:
    import psutil

    me = psutil.Process()
    while not stop.wait(0.1):
        for child in me.children(recursive=True):
            try:
                peak[0] = max(peak[0], child.memory_info().rss / 2**20)
            except psutil.Error:
                pass


if __name__ == "__main__":
    main()
