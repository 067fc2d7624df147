"""Detection-quality metrics over a labelled set (pure functions; ``safelint eval`` prints them).

A labelled item is a mapping ``{"text", "role", "labels", "known"?, "group"?, "split"?}``.
``labels`` are the attributes the text leaks (or, for ``role: "human"``, asks for);
``known`` the attributes whose label is trusted (default: all five).  Per attribute we count,
over the items where that attribute is known, true positives, false positives and false
negatives, and derive precision, recall and F1.  Conventions, chosen so that empty cells do
not flatter a score:

- precision is undefined (``None``) with no predictions, recall with no gold positives;
- F1 is 0 when either is 0, ``None`` when both are undefined (no gold, no predictions);
- macro-F1 averages the attributes whose F1 is defined.

The look-alike false-positive rate is the share of items in the ``lookalikes`` group whose
prediction contains any attribute that is not in their labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from safelint.findings import ATTRIBUTES

LOOKALIKE_GROUP = "lookalikes"


@dataclass
class AttrScore:
    attribute: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        return f1_score(self.tp, self.fp, self.fn)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "support": self.support, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}


@dataclass
class GroupScore:
    group: str
    items: int = 0
    attributes: dict[str, AttrScore] = field(default_factory=dict)
    lookalike_items: int = 0
    lookalike_fp_items: int = 0

    @property
    def macro_f1(self) -> float | None:
        return macro_f1(self.attributes.values())

    @property
    def lookalike_fp_rate(self) -> float | None:
        return self.lookalike_fp_items / self.lookalike_items if self.lookalike_items else None

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "items": self.items, "macro_f1": self.macro_f1,
                "lookalike_fp_rate": self.lookalike_fp_rate, "lookalike_items": self.lookalike_items,
                "lookalike_fp_items": self.lookalike_fp_items,
                "attributes": {a: s.as_dict() for a, s in self.attributes.items()}}


def f1_score(tp: int, fp: int, fn: int) -> float | None:
    if tp + fp + fn == 0:
        return None
    return 2 * tp / (2 * tp + fp + fn)


def macro_f1(scores: Iterable[AttrScore]) -> float | None:
    vals = [s.f1 for s in scores if s.f1 is not None]
    return sum(vals) / len(vals) if vals else None


def score(items: Iterable[Mapping[str, Any]], predictions: Iterable[Iterable[str]],
          attributes: Sequence[str] = ATTRIBUTES, group: str = "all") -> GroupScore:
    """Score predicted attribute sets against labelled items (paired in order)."""
    out = GroupScore(group, attributes={a: AttrScore(a) for a in attributes})
    for it, pred in zip(items, predictions, strict=True):
        gold = set(it.get("labels") or ())
        known = set(it["known"]) if it.get("known") is not None else set(attributes)
        got = set(pred)
        out.items += 1
        for a in attributes:
            if a not in known:
                continue
            s = out.attributes[a]
            if a in got and a in gold:
                s.tp += 1
            elif a in got:
                s.fp += 1
            elif a in gold:
                s.fn += 1
            else:
                s.tn += 1
        if it.get("group") == LOOKALIKE_GROUP:
            out.lookalike_items += 1
            if got - gold:
                out.lookalike_fp_items += 1
    return out


def score_by_group(items: Sequence[Mapping[str, Any]], predictions: Sequence[Iterable[str]],
                   attributes: Sequence[str] = ATTRIBUTES) -> dict[str, GroupScore]:
    """One :class:`GroupScore` per ``group`` value, in first-seen order."""
    order: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        order.setdefault(str(it.get("group") or "all"), []).append(i)
    return {g: score([items[i] for i in idx], [predictions[i] for i in idx], attributes, g)
            for g, idx in order.items()}


def errors(items: Sequence[Mapping[str, Any]], predictions: Sequence[Iterable[str]],
           attributes: Sequence[str] = ATTRIBUTES) -> list[dict[str, Any]]:
    """Items whose prediction differs from the label on a known attribute (for error analysis)."""
    out = []
    for it, pred in zip(items, predictions, strict=True):
        gold = set(it.get("labels") or ())
        known = set(it["known"]) if it.get("known") is not None else set(attributes)
        got = set(pred)
        fp = sorted((got - gold) & known)
        fn = sorted((gold - got) & known)
        if fp or fn:
            out.append({"text": it.get("text"), "group": it.get("group"), "source": it.get("source"),
                        "false_positive": fp, "false_negative": fn})
    return out


def validate_item(obj: Any, where: str) -> str | None:
    """A reason the object is not a labelled item, or None."""
    if not isinstance(obj, dict):
        return f"{where}: each line must be a JSON object"
    if not isinstance(obj.get("text"), str):
        return f"{where}: 'text' must be a string"
    if obj.get("role") not in (None, "gpt", "human", "caption"):
        return f"{where}: 'role' must be \"gpt\", \"human\" or null"
    for key in ("labels", "known"):
        val = obj.get(key, [] if key == "labels" else None)
        if val is None:
            continue
        if not isinstance(val, list) or any(v not in ATTRIBUTES for v in val):
            return f"{where}: '{key}' must be a list of {', '.join(ATTRIBUTES)}"
    return None
