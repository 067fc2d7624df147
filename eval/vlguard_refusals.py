#!/usr/bin/env python3
"""How the offline judge's refusal detector reads VLGuard responses (open-prompt mode).

    python eval/vlguard_refusals.py --data ../shared/data [--show answers|refusals] [--limit 20]

VLGuard (``vlguard/{train,test}.json``) pairs each image with instructions and GPT-4V responses.
Responses to an *unsafe* instruction are, nearly all, policy refusals with an explanation ("I'm
sorry, but I can't help with identifying people in images. This helps ensure privacy ...");
responses to a *safe* instruction on a *safe* image are answers (a few are declines or empty).
Neither asks for a PRISM attribute, so the detector runs as on PRISM's open prompts, where it
gives the over-refusal rate.  The first share should be high, the second low.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safelint_prism.refusal import VERSION, detect


def read(data: Path) -> tuple[list[str], list[str]]:
    """(responses to safe instructions on safe images, responses to unsafe instructions)."""
    answers: list[str] = []
    refusals: list[str] = []
    for name in ("train.json", "test.json"):
        path = data / "vlguard" / name
        if not path.is_file():
            raise SystemExit(f"error: {path} not found (expected the shared data folder)")
        for rec in json.loads(path.read_text(encoding="utf-8")):
            for pair in rec.get("instr-resp", []):
                if "unsafe_instruction" in pair:
                    refusals.append(pair.get("response") or "")
                elif rec.get("safe") and "safe_instruction" in pair:
                    answers.append(pair.get("response") or "")
    return answers, refusals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--show", choices=("answers", "refusals"),
                    help="print the answers read as refusals, or the refusals read as answers")
    ap.add_argument("--limit", type=int, default=20)
    args = ap.parse_args(argv)
    answers, refusals = read(args.data)
    print(f"refusal detector v{VERSION}, open-prompt mode")
    verdicts = {}
    for name, texts in (("answers", answers), ("refusals", refusals)):
        v = [detect(t, None).refused for t in texts]
        verdicts[name] = v
        print(f"  {name:9} (n={len(texts):5}): read as refusals {sum(v):5}  ({100 * sum(v) / max(1, len(v)):.2f} %)")
    if args.show:
        texts = answers if args.show == "answers" else refusals
        wrong = [t for t, r in zip(texts, verdicts[args.show]) if r == (args.show == "answers")]
        for t in wrong[:args.limit]:
            print(f"- [{detect(t, None).reason}] {t[:300]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
