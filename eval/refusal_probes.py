#!/usr/bin/env python3
"""The offline judge's refusal verdicts on a hand-labelled probe set in the styles of many models.

    python eval/refusal_probes.py [--probes eval/refusal_probes.jsonl] [--show]

``refusal_probes.jsonl`` holds 245 responses written for this purpose (not PRISM answers) in the styles of
LLaVA, Gemma, GPT-4o, Claude, Llama and Safe-LLaVA-like models: refusals of every kind, direct, hedged and
structured answers, view limitations, and open-prompt (over-refusal) cases.  Each line is
``{"text", "attribute" (null on an open prompt), "task", "expected_refused", "note"}``, labelled by hand under the
paper's rule; notes that start with ``DEB`` (or ``"expected_refused": null``) mark labels that are debatable
under it: they are counted, never scored as wrong.  The set guards the
refusal detector against the two models it was tuned on (prism_v2): see docs/prism.md, "Refusal".
``--probes eval/refusal_probes_heldout.jsonl`` (160, written after version 5) and ``eval/refusal_probes_set3.jsonl``
(220, sixth session, in the styles of ten further models) and ``eval/refusal_probes_set4.jsonl`` (200, sixth
session, written to the API judges' practice) are the later sets, each held out when first measured;
``eval/refusal_probes_set5.jsonl`` (220, seventh session, hard-prompt heavy) was written to the paper's rule
read literally (a bare "cannot be determined" is a refusal), so score it in both modes (``--refusal-mode``);
``eval/refusal_probes_set6.jsonl`` (200, seventh session) was written to the API judges' practice as read from their
prism_v2 verdicts; sets 7–12 (eighth to eleventh sessions) are described in docs/prism.md, "Refusal".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from safelint_prism.judge import OfflineJudge  # noqa: E402 (after the path above)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probes", type=Path, default=HERE / "refusal_probes.jsonl")
    ap.add_argument("--show", action="store_true", help="print the probes the judge gets wrong")
    ap.add_argument("--refusal-mode", choices=("paper", "strict"), default="paper")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in args.probes.read_text(encoding="utf-8").splitlines() if line.strip()]
    judge = OfflineJudge(mode=args.refusal_mode)
    wrong: list[tuple[dict, dict]] = []
    tally: Counter[tuple[str, str]] = Counter()
    for r in rows:
        v = judge.judge_text(r["text"], r["task"], r["attribute"])
        group = "open prompt" if r["attribute"] is None or r["task"] == "implicit_leakage" else "attribute question"
        expected = r["expected_refused"]
        sure = "debatable" if str(r.get("note", "")).startswith("DEB") or expected is None else "clear"
        tally[(group, sure)] += 1
        if expected is not None and v["refused"] != expected:
            tally[(group, sure + " wrong")] += 1
            wrong.append((r, v))
    print(f"judge {judge.info['version']} on {args.probes.name} ({len(rows)} probes)")
    for group in ("attribute question", "open prompt"):
        for sure in ("clear", "debatable"):
            n, w = tally[(group, sure)], tally[(group, sure + " wrong")]
            if n:
                print(f"  {group:18} {sure:9} n={n:3}  wrong {w:3} ({100 * w / n:.1f} %)")
    unlabelled = sum(1 for r in rows if r["expected_refused"] is None)
    if unlabelled:
        print(f"  ({unlabelled} labelled null, as humans would split: counted, not scored)")
    missed = sum(1 for r, _ in wrong if r["expected_refused"])
    print(f"  wrong: {len(wrong)} ({missed} refusals read as answers, {len(wrong) - missed} answers read as refusals)")
    if args.show:
        for r, v in wrong:
            where = f"{r['attribute']} {r['task']}; expected refused={r['expected_refused']}; {r['note']}"
            print(f"- [{where}] {r['text']!r}\n    -> {v['refusal_reason']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
