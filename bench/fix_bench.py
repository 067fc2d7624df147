"""`safelint fix` on all LLaVA-Instruct records: how much is fixed, what remains, what is kept, how fast.

    python bench/fix_bench.py [--data ../shared/data] [--limit N] [--examples 20]

Reads ../shared/data/llava_instruct/chunk_*.json (JSON Lines; `conversations_translated` is
dropped) and prints, for safe fixes and for safe + unsafe fixes:

- findings before, findings fixed (share), residual findings per rule;
- content retention: share of the non-biometric word tokens of changed strings that are kept
  (tokens inside a finding's span are the biometric ones; counted as a multiset);
- throughput of the in-memory fixer, and end to end of `fix_file` on one JSONL file of all records.

The classifier-based figure of issue 4 (share of leaking turns the classifier still flags) is not
measured here: the classifier is not wired into `fix` yet.
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from safelint.api import _default_engine  # noqa: E402
from safelint.fixer import Fixer, fix_file  # noqa: E402
from safelint.formats import ReadOptions  # noqa: E402
from safelint.formats.base import extract  # noqa: E402

WORD = re.compile(r"[^\W_]+")


def load(root: Path, limit: int | None) -> list[dict]:
    out = []
    for fn in sorted(glob.glob(str(root / "llava_instruct" / "chunk_*.json"))):
        with open(fn, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    r.pop("conversations_translated", None)
                    out.append(r)
                    if limit and len(out) >= limit:
                        return out
    return out


def kept_tokens(before: str, after: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """(non-biometric tokens of ``before``, how many of them survive in ``after``)."""
    toks = [m.group().lower() for m in WORD.finditer(before)
            if not any(s < m.end() and m.start() < e for s, e in spans)]
    have = Counter(m.group().lower() for m in WORD.finditer(after))
    kept = 0
    for t in toks:
        if have[t] > 0:
            have[t] -= 1
            kept += 1
    return len(toks), kept


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    records = load(args.data, args.limit)
    eng = _default_engine()
    opts = ReadOptions()
    modes = {"safe": Fixer(eng), "unsafe": Fixer(eng, unsafe=True)}
    before = Counter()
    before_fix = Counter()
    stats = {m: {"residual": Counter(), "tok": 0, "kept": 0, "strings": 0, "time": 0.0} for m in modes}
    texts = 0
    t0 = time.perf_counter()
    for i, obj in enumerate(records):
        rec = extract(obj, f"/{i}", opts, path="<mem>", index=i)
        spans = {}
        for it in rec.items:
            ms = eng.scan(it.text, it.role)
            texts += 1
            spans[it.pointer] = [(m.start, m.end) for m in ms]
            for m in ms:
                before[m.rule] += 1
                before_fix[m.fix or "none"] += 1
        for name, fx in modes.items():
            s = stats[name]
            t = time.perf_counter()
            out = fx.fix_items(rec.items)
            s["time"] += time.perf_counter() - t
            for f in out:
                s["residual"].update(m.rule for m in f.remaining)
                if f.changed:
                    s["strings"] += 1
                    n, k = kept_tokens(f.item.text, f.text, spans[f.item.pointer])
                    s["tok"] += n
                    s["kept"] += k
    scan_all = time.perf_counter() - t0
    total = sum(before.values())
    print(f"records: {len(records)}  strings: {texts}  findings before: {total}  "
          f"(fix label: {dict(before_fix)})")
    print(f"findings per rule before: {dict(before.most_common())}")
    for name, s in stats.items():
        res = sum(s["residual"].values())
        print(f"\n[{name}] findings fixed: {total - res}/{total} = {100 * (total - res) / max(total, 1):.2f} %  "
              f"residual: {res}")
        print(f"[{name}] residual per rule: {dict(s['residual'].most_common())}")
        print(f"[{name}] strings changed: {s['strings']}  content retention (non-biometric tokens kept in changed "
              f"strings): {100 * s['kept'] / max(s['tok'], 1):.2f} %")
        print(f"[{name}] fixer throughput (in memory): {len(records) / s['time']:.0f} records/s")
    print(f"\nwhole pass (scan + both modes): {scan_all:.1f} s")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "llava_instruct.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        size = src.stat().st_size
        t = time.perf_counter()
        r = fix_file(src, modes["safe"], output=Path(d) / "out.jsonl")
        dt = time.perf_counter() - t
        print(f"end to end fix_file (safe, JSONL {size / 1e6:.1f} MB): {dt:.1f} s = {r.records / dt:.0f} records/s, "
              f"{size / 1e6 / dt:.2f} MB/s; {r.changes} strings rewritten")


if __name__ == "__main__":
    main()
