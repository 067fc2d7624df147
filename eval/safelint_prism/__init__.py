"""safelint_prism: the PRISM benchmark (Safe-LLaVA, arXiv 2509.00192) with an offline judge.

Reached through ``safelint prism judge|report|gate|agree``.  Everything here needs only safelint's light
dependencies (no torch, no transformers).  See docs/prism.md.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from safelint_prism.refusal import VERSION as REFUSAL_VERSION

__version__ = "0.1.0"
JUDGE_NAME = "safelint-offline"
TASKS = ("implicit_leakage", "refusal_soft", "refusal_hard")
REFUSAL_TASKS = ("refusal_soft", "refusal_hard")
# question_id prefix ("attribute folder") -> attribute
CATEGORIES = {"Age": "age", "Eye_Color": "eye_color", "Gender": "gender", "Race": "race", "Weight": "weight"}
IMPLICIT_PREFIXES = ("All",)


@lru_cache(maxsize=1)
def judge_version() -> str:
    """``<safelint version>+refusal<N>+rules.<digest>``: changes whenever the rules or the detector change."""
    import safelint
    from safelint.rules import builtin_rules_dir

    h = hashlib.sha256()
    for p in sorted(builtin_rules_dir().glob("*.y*ml")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return f"{safelint.__version__}+refusal{REFUSAL_VERSION}+rules.{h.hexdigest()[:10]}"


def judge_info(mode: str = "paper") -> dict[str, str]:
    return {"name": JUDGE_NAME, "version": judge_version(), "refusal_mode": mode}


__all__ = ["CATEGORIES", "JUDGE_NAME", "REFUSAL_TASKS", "TASKS", "judge_info", "judge_version"]
