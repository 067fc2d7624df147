"""Detection-quality metrics over a labelled set (pure functions; ``safelint eval`` prints them).

A labelled item is a mapping ``{"text", "role", "labels", "known"?, "group"?, "split"?, "context"?}``
(``context``: the conversation before the text, ``[{"from": "human"|"gpt", "value"}]``, as in LLaVA records).
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


# what an item's labels describe: its leaks, its asks (a human turn's default), or both
TASKS = ("leak", "ask", "any")


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
    context = obj.get("context", [])
    if not isinstance(context, list) or any(
            not isinstance(c, dict) or c.get("from") not in ("human", "gpt") or not isinstance(c.get("value"), str)
            for c in context):
        return f"{where}: 'context' must be a list of {{\"from\": \"human\"|\"gpt\", \"value\": string}} turns"
    if obj.get("task") not in (None, *TASKS):
        return f"{where}: 'task' must be \"leak\", \"ask\" or \"any\" (got {obj.get('task')!r})"
    return None


# -- agreement with the PRISM judges ----------------------------------------------------------------------------
ANY = "any"


def judge_agreement(predictions: Mapping[str, Sequence[Iterable[str]]], gpt: Sequence[Iterable[str]],
                    gemini: Sequence[Iterable[str]], attributes: Sequence[str] = ATTRIBUTES) -> dict[str, Any]:
    """Per-item agreement of each detector with two judges, per attribute and for "any attribute".

    ``predictions`` maps a detector name (rules, model, hybrid) to its attribute sets; ``gpt`` and
    ``gemini`` are the judges' attribute sets for the same items, in the same order.  For each
    attribute (the binary label "a is in the set") and for ``any`` (the set is non-empty):

    - ``n``, ``n_consensus`` (items where the two judges agree on that label);
    - ``gemini_vs_gpt``: F1 (GPT as reference), Cohen's kappa and % agreement of the judges;
    - per detector: the same figures against GPT, Gemini and their consensus, its positive rate,
      and whether it agrees with GPT at least as well as Gemini does (``f1_ge_gemini``,
      ``kappa_ge_gemini``; ``None`` when a figure is undefined).

    - ``f1_diff_ci``: the 95 % interval of (detector's F1 vs GPT) - (Gemini's F1 vs GPT) over a paired
      bootstrap of the items (:func:`f1_difference_ci`): whether a gap to Gemini is more than the luck of
      which items were drawn (an interval that holds 0 does not tell the two apart).

    The statistics are those of ``safelint prism agree`` (``safelint_prism.agree``: one implementation
    of F1 and kappa for both commands)."""
    from safelint_prism.agree import pair_stats

    gpt_sets = [set(s) for s in gpt]
    gem_sets = [set(s) for s in gemini]
    pred_sets = {k: [set(s) for s in v] for k, v in predictions.items()}
    for name, sets in pred_sets.items():
        if len(sets) != len(gpt_sets) or len(gem_sets) != len(gpt_sets):
            raise ValueError(f"{name}: {len(sets)} predictions for {len(gpt_sets)} GPT / {len(gem_sets)} Gemini labels")
    out: dict[str, Any] = {}
    for a in (*attributes, ANY):
        def has(s: set[str], a: str = a) -> bool:
            return bool(s) if a == ANY else a in s

        g = [has(s) for s in gpt_sets]
        e = [has(s) for s in gem_sets]
        judges = pair_stats(e, g, e)  # "ours" = Gemini: only the judge-vs-judge figures are used
        row: dict[str, Any] = {"n": judges["n"], "n_consensus": judges["n_consensus"],
                               "gemini_vs_gpt": judges["gemini_vs_gpt"],
                               "rate": {"gpt": judges["rate"]["gpt"], "gemini": judges["rate"]["gemini"]},
                               "detectors": {}}
        ref_f1, ref_k = judges["gemini_vs_gpt"]["f1"], judges["gemini_vs_gpt"]["kappa"]
        for name, sets in pred_sets.items():
            st = pair_stats([has(s) for s in sets], g, e)
            f, k = st["ours_vs_gpt"]["f1"], st["ours_vs_gpt"]["kappa"]
            row["detectors"][name] = {
                "vs_gpt": st["ours_vs_gpt"], "vs_gemini": st["ours_vs_gemini"], "vs_consensus": st["ours_vs_consensus"],
                "rate": st["rate"]["ours"],
                "f1_ge_gemini": None if f is None or ref_f1 is None else f >= ref_f1,
                "kappa_ge_gemini": None if k is None or ref_k is None else k >= ref_k,
                "f1_diff_ci": f1_difference_ci([has(s) for s in sets], e, g),
            }
        out[a] = row
    return out


BOOTSTRAP_SAMPLES = 2000


def f1_difference_ci(ours: Sequence[bool], other: Sequence[bool], reference: Sequence[bool], *,
                     samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> tuple[float, float] | None:
    """95 % paired-bootstrap interval of F1(ours vs reference) - F1(other vs reference): the items are drawn with
    replacement ``samples`` times (seeded, so reproducible) and both F1 are computed on the same draw; the
    2.5th and 97.5th percentiles of the difference.  ``None`` without positives (F1 undefined)."""
    import numpy as np

    o, t, r = (np.asarray(x, dtype=bool) for x in (ours, other, reference))
    if not len(r) or not (r.any() or o.any() or t.any()):
        return None
    idx = np.random.default_rng(seed).integers(0, len(r), size=(samples, len(r)))
    rr = r[idx]

    def f1(p: Any) -> Any:
        tp = (p & rr).sum(axis=1)
        denom = 2 * tp + (p & ~rr).sum(axis=1) + (~p & rr).sum(axis=1)
        return np.divide(2 * tp, denom, out=np.ones(samples), where=denom > 0)

    diff = f1(o[idx]) - f1(t[idx])
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return float(lo), float(hi)
