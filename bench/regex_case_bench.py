"""The rule regexes as ``Engine.scan`` runs them: case-blind on the string as written, against the same patterns
without ``re.IGNORECASE`` on a lower-cased copy (``regexcase.lowered_twin``), in one process on the same LLaVA gpt
turns.

Each regex runs on the turns where ``scan`` would run it (its rule takes gpt turns and no ``requires``/``unless``
word switches it off); the regexes that read case run as written in both contenders.  Prints the seconds per pass
(best of ``--runs``), the ratio, and whether both found the same spans.  Nothing here asserts a time.

    python bench/regex_case_bench.py [--data ../shared/data] [--n 3000] [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import add_data_arg, llava_gpt_turns, machine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arg(ap)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    turns = list(islice(llava_gpt_turns(args.data), args.n))
    if not turns:
        sys.exit(f"no LLaVA gpt turns under {args.data}; pass --data")

    from safelint.api import build_engine

    engine = build_engine()
    gated = []  # per turn: the rules its words switch off (Engine._blocked, as Engine.scan finds them)
    for text in turns:
        allowed, forbidden = set(), set()
        for _, _, key_id in engine._kw.find(text):
            what, idx = engine._keys[key_id]
            if what >= 3:
                (allowed if what == 3 else forbidden).add(idx)
        gated.append(engine._blocked(allowed, forbidden))
    work = [(r.rule, r.blind, r.low) for r in engine._regex if "gpt" in engine.rules[r.rule].roles]
    lowered = [t.lower() if t.isascii() else None for t in turns]

    def blind_pass() -> list[tuple[int, int]]:
        return [m.span() for idx, rx, _ in work for t, off in zip(turns, gated) if idx not in off
                for m in rx.finditer(t)]

    def lowered_pass() -> list[tuple[int, int]]:
        return [m.span() for idx, rx, fast in work for t, low, off in zip(turns, lowered, gated) if idx not in off
                for m in (rx.finditer(t) if low is None or fast is None else fast.finditer(low))]

    best = {}
    for name, fn in (("case-blind", blind_pass), ("lower-cased", lowered_pass)):
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            spans = fn()
            times.append(time.perf_counter() - t0)
        best[name] = (min(times), spans)
    print(f"# rule regexes: case-blind vs lower-cased text — {machine()}")
    print(f"{len(turns):,} LLaVA gpt turns; {len(work)} regexes of gpt rules, {sum(f is not None for *_, f in work)} "
          f"without the flag on lower-cased ASCII text; best of {args.runs}")
    for name, (sec, _) in best.items():
        print(f"  {name:12s} {sec:.3f} s per pass")
    print(f"  ratio {best['case-blind'][0] / best['lower-cased'][0]:.2f}x; same spans: "
          f"{best['case-blind'][1] == best['lower-cased'][1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
