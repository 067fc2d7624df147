"""Tune the hybrid's per-attribute probabilities on the dev split of the labelled dev set.

    PYTHONPATH=train python -m safelint_train.tune_hybrid --devset eval/out/devset.jsonl --model-dir models

For each attribute, picks ``confirm`` (probability an implicit rule hit needs from the model to
be kept) and ``find`` (probability a model-only finding needs) maximising the mean over groups
of the attribute's F1, with items of the look-alike group counted twice (false positives there
are what the hybrid must avoid), among the settings that add no look-alike false positive to
the rules' (so the look-alike FP rate stays ≤ ``--max-lookalike-fp`` or the rules' own rate).
Only ``split == "dev"`` items are read; the test split stays
held out.  With ``--exclude-train DATA`` (train/out/data.jsonl) dev items the classifier was
trained on (same text, or same image as a training item) are left out too, so the probabilities
are not tuned on memorised items.  Writes them into ``labels.json`` (``hybrid``) and refreshes ``SHA256SUMS``.
Runs in the main venv (onnxruntime, no torch).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from safelint.api import build_engine
from safelint.model import load_model
from safelint.model.hybrid import ATTRS, Hybrid
from safelint.model.runtime import LABELS_FILE, SUMS_FILE, sha256_file
from safelint.quality import LOOKALIKE_GROUP, score_by_group

# Most conservative first (keep every rule hit; the model never adds on its own): a bolder
# setting must beat the best so far by MARGIN, so ties and noise leave the hybrid = the rules.
CONFIRM = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
FIND = (1.01, 0.99, 0.98, 0.97, 0.96, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)
MARGIN = 0.003


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", default="eval/out/devset.jsonl")
    ap.add_argument("--model-dir", default="models")
    ap.add_argument("--exclude-train", default=None, help="train/out/data.jsonl: skip dev items seen in training")
    ap.add_argument("--max-lookalike-fp", type=float, default=0.01,
                    help="highest look-alike false-positive rate allowed on the tuning items (the rules' own "
                         "rate if higher); besides, no setting may add a look-alike false positive to the rules'")
    ap.add_argument("--extra", nargs="*", default=[],
                    help="labelled files the classifier never trained on (e.g. held-out eval/leak_probes_set*.jsonl): "
                         "all their items join the tuning items as one more group, 'probes'")
    ap.add_argument("--min-added-precision", type=float, default=None, metavar="P",
                    help="choose ``find`` differently: keep every rule hit (confirm 0) and take, per attribute, the "
                         "lowest find at which the findings the model adds (items where the attribute is new) are "
                         "right at least P of the time, at least one of them right, and no look-alike false positive "
                         "among them.  For tuning items the rules were written against, where an F1 margin cannot "
                         "show what the model finds beyond them")
    ap.add_argument("--write", action="store_true", help="write the result into labels.json and SHA256SUMS")
    args = ap.parse_args(argv)
    items = [json.loads(line) for line in open(args.devset, encoding="utf-8")]
    items = [it for it in items if it.get("split") == "dev"]
    if args.exclude_train:
        from safelint.model.text import model_input

        texts_seen, keys_seen = set(), set()
        for line in open(args.exclude_train, encoding="utf-8"):
            d = json.loads(line)
            if d["part"] == "train":
                texts_seen.add(d["text"].lower())
                keys_seen.add(d["key"])

        def image_of(it: dict) -> str:
            src = str(it.get("source") or "")
            return src.split("/")[-1].split("#")[0] if src.startswith(("prism_v2/", "flickr30k/")) else ""

        before = len(items)
        items = [it for it in items if model_input(it["text"], it.get("role")).lower() not in texts_seen
                 and image_of(it) not in keys_seen]
        print(f"left out {before - len(items)} dev items seen in training", file=sys.stderr)
    extra = [dict(json.loads(line), group="probes") for f in args.extra
             for line in Path(f).read_text(encoding="utf-8").splitlines() if line.strip()]
    items += [it for it in extra if it.get("task") != "any"]  # "any" mixes asks and leaks: no single task
    engine = build_engine()
    clf = load_model(args.model_dir)
    h = Hybrid(engine, clf)
    roles = [None if it.get("role") == "caption" else it.get("role") for it in items]
    tasks = [it.get("task") or ("ask" if r == "human" else "leak") for it, r in zip(items, roles)]
    texts = [it["text"] for it in items]
    matches = [engine.scan(t, r) for t, r in zip(texts, roles)]
    need = [i for i in range(len(items)) if h.needs_model(texts[i], roles[i], matches[i])]
    scored = clf.score_chunks([texts[i] for i in need], [roles[i] for i in need])
    chunks = dict(zip(need, scored))
    print(f"{len(items)} dev items, {len(need)} sent to the model", file=sys.stderr)

    def run() -> list[set[str]]:
        return [{f.attribute for f in h.decide(texts[i], roles[i], matches[i], chunks.get(i, []))
                 if f.category == tasks[i]} for i in range(len(items))]

    def objective(preds: list[set[str]], a: str) -> float:
        vals = []
        for g, sc in score_by_group(items, preds, [a]).items():
            f1 = sc.attributes[a].f1
            if f1 is not None:
                vals += [f1] * (2 if g == "lookalikes" else 1)
        return sum(vals) / len(vals) if vals else 0.0

    look = [i for i, it in enumerate(items) if it.get("group") == LOOKALIKE_GROUP]
    gold = [set(it.get("labels") or ()) for it in items]

    def look_fp(preds: list[set[str]], a: str) -> set[int]:
        """Look-alike items with a false positive on attribute ``a``."""
        return {i for i in look if a in preds[i] and a not in gold[i]}

    # Each attribute's findings depend only on its own confirm/find probabilities: score the grid
    # once, then choose per attribute under the look-alike constraint.
    grid: dict[tuple[float, float], list[set[str]]] = {}
    for c in CONFIRM:
        for f in FIND:
            for a in ATTRS:
                h.confirm_thr[a], h.find_thr[a] = c, f
            grid[(c, f)] = run()
    rules_preds = grid[(0.0, 1.01)]
    rules_fp = {a: look_fp(rules_preds, a) for a in ATTRS}
    allowed_fp = max(int(args.max_lookalike_fp * len(look)), len(set().union(*rules_fp.values())))
    best: dict[str, tuple[float, float, float]] = {a: (-1.0, 0.0, 1.01) for a in ATTRS}
    for (c, f), preds in grid.items():
        for a in ATTRS:
            # the model may not add look-alike false positives of its own
            if not look_fp(preds, a) <= rules_fp[a]:
                continue
            o = objective(preds, a)
            if o > best[a][0] + MARGIN:
                best[a] = (o, c, f)

    if args.min_added_precision is not None:
        for a in ATTRS:
            best[a] = (objective(rules_preds, a), 0.0, 1.01)
            for f in FIND[1:]:  # boldest last: the lowest find that still meets the floor wins
                preds = grid[(0.0, f)]
                added = [i for i in range(len(items)) if a in preds[i] and a not in rules_preds[i]]
                right = sum(a in gold[i] for i in added)
                if not added:
                    continue
                meets = (right >= 1 and right / len(added) >= args.min_added_precision
                         and look_fp(preds, a) <= rules_fp[a])
                if meets:
                    best[a] = (objective(preds, a), 0.0, f)
                print(f"  {a:10} find {f}: {len(added)} added, {right} right"
                      + ("" if meets else " (below the floor or a look-alike FP)"), file=sys.stderr)

    def combined(choice: dict[str, tuple[float, float, float]]) -> list[set[str]]:
        return [{a for a in ATTRS if a in grid[(choice[a][1], choice[a][2])][i]} for i in range(len(items))]

    fp_items = {i for i in look if combined(best)[i] - gold[i]}
    if len(fp_items) > allowed_fp:  # cannot happen with the per-attribute rule above; guard anyway
        print(f"look-alike FP {len(fp_items)} > {allowed_fp}: keeping the rules", file=sys.stderr)
        best = {a: (objective(rules_preds, a), 0.0, 1.01) for a in ATTRS}
        fp_items = {i for i in look if combined(best)[i] - gold[i]}
    print(f"look-alike FP on the tuning items: {len(fp_items)}/{len(look)} "
          f"(rules: {len(set().union(*rules_fp.values()))}, allowed {allowed_fp})", file=sys.stderr)
    final = combined(best)
    for g, sc in score_by_group(items, final, list(ATTRS)).items():
        rs = score_by_group(items, rules_preds, list(ATTRS))[g]
        print(f"  {g:16} n={sc.items:5}  macro-F1 hybrid {sc.macro_f1 or 0:.4f}  rules {rs.macro_f1 or 0:.4f}",
              file=sys.stderr)
    tuned_on = ("eval/build_devset.py dev split" + "".join(f" + {Path(f).name}" for f in args.extra)
                + ("" if args.min_added_precision is None else f"; added-precision floor {args.min_added_precision}"))
    result = {"confirm": {a: best[a][1] for a in ATTRS}, "find": {a: best[a][2] for a in ATTRS},
              "tuned_on": tuned_on, "objective": {a: round(best[a][0], 4) for a in ATTRS}}
    print(json.dumps(result, indent=1))
    if args.write:
        d = Path(args.model_dir)
        meta = json.loads((d / LABELS_FILE).read_text(encoding="utf-8"))
        meta["hybrid"] = result
        (d / LABELS_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        lines = []
        for line in (d / SUMS_FILE).read_text(encoding="utf-8").splitlines():
            digest, name = line.split(maxsplit=1)
            lines.append(f"{sha256_file(d / name)}  {name}\n")
        (d / SUMS_FILE).write_text("".join(lines), encoding="utf-8")
        print(f"wrote {d / LABELS_FILE} and {d / SUMS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
