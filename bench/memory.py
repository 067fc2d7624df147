"""Peak memory and throughput of ``safelint check`` on a >= 1 GB LLaVA JSON array.

1. ``build``: assemble a single-array LLaVA JSON like ``llava_v1_5_mix665k.json`` (``json.dump(...,
   indent=2)`` layout) from ``llava_instruct/chunk_*.json`` (JSON Lines; the
   ``conversations_translated`` field is dropped), repeating the 33,500 records with new ids
   (``<id>_r<k>``) until the file reaches ``--size-gb``.  Written to ``bench/out/`` (git-ignored).
2. ``run``: ``safelint check BIG.json --output-format json -o /dev/null --exit-zero`` in a
   subprocess; peak RSS from ``getrusage(RUSAGE_CHILDREN)`` (the kernel's high-water mark) and a
   psutil RSS timeline every ``--poll`` seconds (to show whether memory is flat or growing).

Usage::

    python bench/memory.py build [--data ../shared/data] [--size-gb 1.0]
    python bench/memory.py run [--file bench/out/llava_big.json]
    python bench/memory.py all          # both

Note that repeating records makes the text vocabulary stop growing after the first copy; see
BENCHMARKS.md for the separate measurement of spaCy StringStore growth on unseen tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import REPO, add_data_arg, llava_records, machine

OUT = REPO / "bench" / "out"
DEFAULT_FILE = OUT / "llava_big.json"


def build(root: Path, dest: Path, size_gb: float) -> dict:
    base = list(llava_records(root))
    if not base:
        sys.exit(f"no llava_instruct records under {root}")
    target = int(size_gb * 1e9)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp")
    n = 0
    turns = gpt_turns = 0
    t0 = time.perf_counter()
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("[")
        size = 1
        k = 0
        while size < target:
            for rec in base:
                rec = dict(rec)
                if k:
                    rec["id"] = f"{rec['id']}_r{k}"
                body = json.dumps(rec, indent=2).replace("\n", "\n  ")
                chunk = ("\n  " if n == 0 else ",\n  ") + body
                f.write(chunk)
                size += len(chunk.encode("utf-8")) if not chunk.isascii() else len(chunk)
                n += 1
                turns += len(rec["conversations"])
                gpt_turns += sum(1 for t in rec["conversations"] if t["from"] == "gpt")
                if size >= target:
                    break
            k += 1
        f.write("\n]")
    os.replace(tmp, dest)
    meta = {"file": str(dest), "bytes": dest.stat().st_size, "records": n, "turns": turns,
            "gpt_turns": gpt_turns, "unique_records": len(base), "copies": k}
    dest.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2))
    print(f"built {dest} in {time.perf_counter() - t0:.0f} s: {meta}")
    return meta


def _bytes_read(ps, dest: Path) -> int:  # type: ignore[no-untyped-def]
    """How far the child has read into ``dest`` (largest offset of its handles on it)."""
    try:
        return max((f.position for f in ps.open_files() if Path(f.path) == dest.resolve()), default=0)
    except Exception:  # psutil.Error, or no /proc
        return 0


def run(dest: Path, poll: float, extra: list[str]) -> dict:
    import psutil

    meta = json.loads(dest.with_suffix(".meta.json").read_text())
    cmd = [sys.executable, "-m", "safelint", "check", str(dest), "--output-format", "json", "-o", os.devnull,
           "--exit-zero", *extra]
    print("$", " ".join(cmd), flush=True)
    timeline: list[tuple[float, float]] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    ps = psutil.Process(proc.pid)
    # written as it goes, so a run cut short still shows how RSS evolved with the input read
    tl = open(OUT / "memory_timeline.csv", "w")
    tl.write("seconds,cpu_s,rss_mib,input_mb_read\n")
    while proc.poll() is None:
        try:
            rss = ps.memory_info().rss / 2**20
            cpu = sum(ps.cpu_times()[:2])
            timeline.append((time.perf_counter() - t0, rss))
            tl.write(f"{timeline[-1][0]:.1f},{cpu:.1f},{rss:.1f},{_bytes_read(ps, dest) / 1e6:.1f}\n")
            tl.flush()
        except psutil.Error:
            pass
        time.sleep(poll)
    tl.close()
    wall = time.perf_counter() - t0
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB

    def at(frac: float) -> float:
        if not timeline:
            return float("nan")
        return timeline[min(len(timeline) - 1, int(frac * len(timeline)))][1]

    res = {
        "date": str(date.today()), "machine": machine(), "command": " ".join(cmd), "rc": proc.returncode,
        "file_bytes": meta["bytes"], "records": meta["records"], "turns": meta["turns"],
        "gpt_turns": meta["gpt_turns"], "wall_s": round(wall, 1), "peak_rss_mib": round(peak_mib, 1),
        "rss_mib_at_10_50_90_pct": [round(at(0.1), 1), round(at(0.5), 1), round(at(0.9), 1)],
        "records_per_s": round(meta["records"] / wall, 1), "turns_per_s": round(meta["turns"] / wall, 1),
        "mb_per_s": round(meta["bytes"] / 1e6 / wall, 2),
    }
    print(json.dumps(res, indent=2))
    (OUT / "memory_result.json").write_text(json.dumps(res, indent=2))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["build", "run", "all"])
    add_data_arg(ap)
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE)
    ap.add_argument("--size-gb", type=float, default=1.0, help="target size in GB (1e9 bytes; default 1.0)")
    ap.add_argument("--poll", type=float, default=2.0, help="RSS sampling interval in seconds")
    ap.add_argument("extra", nargs="*", help="extra arguments for safelint check (after --)")
    args = ap.parse_args()
    if args.step in ("build", "all"):
        build(args.data, args.file, args.size_gb)
    if args.step in ("run", "all"):
        run(args.file, args.poll, args.extra)


if __name__ == "__main__":
    main()
