"""``Engine.scan`` with and without its literal test before a rule regex (``regexlits.required_literals``), in one
process, alternating passes over the same LLaVA gpt turns.

The engine skips a rule regex when none of the strings it cannot match without is in the lower-cased string.  The
peer is the same engine with every test removed (each regex always runs), so the ratio is the test's gain on the
whole scan.  Prints turns/s per pass, the ratio of the best passes, whether both found the same matches, and the
peak memory of the process.  Nothing here asserts a time.

    python bench/regex_prefilter_bench.py [--data ../shared/data] [--n 3000] [--runs 4]
"""

from __future__ import annotations

import argparse
import resource
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
    ap.add_argument("--runs", type=int, default=4)
    args = ap.parse_args()
    turns = list(islice(llava_gpt_turns(args.data), args.n))
    if not turns:
        sys.exit(f"no LLaVA gpt turns under {args.data}; pass --data")

    from safelint.api import build_engine

    engine = build_engine()
    tested = list(engine._regex)
    untested = [r._replace(needs=()) for r in tested]
    n_gpt = [r for r in tested if "gpt" in engine.rules[r.rule].roles]

    def run(regexes: list) -> tuple[float, list]:  # type: ignore[type-arg]
        engine._regex[:] = regexes
        engine._regex_of_role.clear()
        t0 = time.perf_counter()
        found = [[(m.rule, m.start, m.end) for m in engine.scan(t, "gpt")] for t in turns]
        return time.perf_counter() - t0, found

    run(tested)  # warm-up: sub-matchers, caches
    rates: dict[str, list[float]] = {"with the test": [], "without": []}
    same = True
    for _ in range(args.runs):
        a, fa = run(tested)
        b, fb = run(untested)
        rates["with the test"].append(len(turns) / a)
        rates["without"].append(len(turns) / b)
        same = same and fa == fb
    engine._regex[:] = tested
    engine._regex_of_role.clear()
    print(f"# Engine.scan with and without the regex literal test — {machine()}")
    print(f"{len(turns):,} LLaVA gpt turns; {len(n_gpt)} regexes of gpt rules, {sum(bool(r.needs) for r in n_gpt)} "
          f"with a test; {args.runs} alternating passes each")
    for name, rs in rates.items():
        print(f"  {name:14s} " + " / ".join(f"{r:,.0f}" for r in rs) + " turns/s")
    print(f"  ratio (best passes) {max(rates['with the test']) / max(rates['without']):.2f}x; same matches: {same}")
    print(f"  peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
