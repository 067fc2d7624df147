"""``safelint eval``: detection quality of the engine on a labelled JSONL set.

Each line: ``{"text", "role": "gpt"|"human"|null, "labels": [...], "known"?: [...], "group"?, "split"?,
"task"?: "leak"|"ask"}``.  Items are scanned with the same engine as ``check``; the prediction of
an item is the set of attributes of its "leak" findings, or of its "ask" findings for human
turns (override with ``task``).  Prints per-attribute precision/recall/F1/support, macro-F1 and
the look-alike false-positive rate, per group (see :mod:`safelint.quality`).

Exit status: 0 scored, 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from safelint.commands._common import fail, split_csv
from safelint.findings import ATTRIBUTES
from safelint.quality import GroupScore, errors, score, score_by_group, validate_item
from safelint.rules import RuleFileError

ENGINES = ("rules", "model", "hybrid")


def read_items(path: str) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        fail(f"no such file: {path}")
    items: list[dict[str, Any]] = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                fail(f"{path}:{n}:{exc.colno}: invalid JSON: {exc.msg}")
            problem = validate_item(obj, f"{path}:{n}")
            if problem:
                fail(problem)
            items.append(obj)
    return items


def predict(engine: Any, items: list[dict[str, Any]]) -> list[set[str]]:
    out = []
    for it in items:
        role = it.get("role")
        role = None if role == "caption" else role
        task = it.get("task") or ("ask" if role == "human" else "leak")
        out.append({m.attribute for m in engine.scan(it["text"], role) if m.category == task})
    return out


def _fmt(v: float | None) -> str:
    return "   -" if v is None else f"{v:.3f}"


def render_text(scores: dict[str, GroupScore]) -> str:
    lines = []
    for g in scores.values():
        lines.append(f"== {g.group} ({g.items} items)")
        lines.append(f"  {'attribute':10} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'tp':>6} {'fp':>6} {'fn':>6}")
        for a in g.attributes.values():
            if a.tp + a.fp + a.fn + a.tn == 0:
                continue
            lines.append(f"  {a.attribute:10} {_fmt(a.precision):>6} {_fmt(a.recall):>6} {_fmt(a.f1):>6} "
                         f"{a.support:>8} {a.tp:>6} {a.fp:>6} {a.fn:>6}")
        lines.append(f"  macro-F1 {_fmt(g.macro_f1)}")
        if g.lookalike_items:
            lines.append(f"  look-alike false-positive rate {_fmt(g.lookalike_fp_rate)} "
                         f"({g.lookalike_fp_items}/{g.lookalike_items} items)")
    return "\n".join(lines)


def predict_model(clf: Any, engine: Any, items: list[dict[str, Any]], *, confirm: float | None = None,
                  find: float | None = None) -> tuple[list[set[str]], list[set[str]]]:
    """Predictions of the classifier alone and of the hybrid (rules + classifier)."""
    from safelint.model.hybrid import Hybrid, model_only

    texts = [it["text"] for it in items]
    roles = [None if it.get("role") == "caption" else it.get("role") for it in items]
    tasks = [it.get("task") or ("ask" if r == "human" else "leak") for it, r in zip(items, roles)]
    alone = model_only(clf, texts, roles)
    hyb = Hybrid(engine, clf, confirm=confirm, find=find).scan_many(texts, roles)
    return alone, [{f.attribute for f in fs if f.category == t} for fs, t in zip(hyb, tasks)]


def render_side_by_side(runs: dict[str, dict[str, GroupScore]]) -> str:
    names = list(runs)
    first = runs[names[0]]
    head = "".join(f" | {n:^20}" for n in names)
    lines = []
    for g in first:
        lines.append(f"== {g} ({first[g].items} items)")
        lines.append(f"  {'attribute':10}{head} | {'support':>7}")
        lines.append(f"  {'':10}" + "".join(f" | {'P':>6} {'R':>6} {'F1':>6}" for _ in names) + " |")
        for a in ATTRIBUTES:
            cells = [runs[n][g].attributes[a] for n in names]
            if all(c.tp + c.fp + c.fn + c.tn == 0 for c in cells):
                continue
            lines.append(f"  {a:10}" + "".join(f" | {_fmt(c.precision):>6} {_fmt(c.recall):>6} {_fmt(c.f1):>6}"
                                                for c in cells) + f" | {cells[0].support:>7}")
        lines.append(f"  {'macro-F1':10}" + "".join(f" | {'':>13} {_fmt(runs[n][g].macro_f1):>6}" for n in names))
        if first[g].lookalike_items:
            lines.append(f"  {'look-alike FP rate':20}" + "".join(
                f"  {n}: {_fmt(runs[n][g].lookalike_fp_rate)} ({runs[n][g].lookalike_fp_items}/"
                f"{runs[n][g].lookalike_items})" for n in names))
    return "\n".join(lines)


@click.command("eval")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--engine", "engine_name", default="rules", show_default=True,
              help="Detector to evaluate: rules, model (the classifier alone) or hybrid (rules + classifier). "
                   "model and hybrid print all three side by side.")
@click.option("--model-dir", type=click.Path(path_type=str), default=None,
              help="Classifier directory (default: the shipped model).")
@click.option("--split", "split", help="Only items with this split (e.g. dev, test).")
@click.option("--group", "groups", multiple=True, help="Only these groups (repeatable or comma-separated).")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=str),
              help="Extra rule file or directory of *.yaml rules (repeatable).")
@click.option("--select", multiple=True, help="Evaluate only these rules (codes, prefixes, attributes).")
@click.option("--ignore", multiple=True, help="Leave out these rules.")
@click.option("--show-errors", type=int, default=0, metavar="N",
              help="Also list up to N misclassified items per group (false positives/negatives).")
def eval_cmd(file: str, engine_name: str, model_dir: str | None, split: str | None, groups: tuple[str, ...], output_format: str,
             rule_dirs: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...], show_errors: int) -> None:
    """Score the detector on a labelled JSONL set: per-attribute P/R/F1, macro-F1, look-alike FP rate.

    Exit status: 0 scored, 2 usage or input error.
    """
    if engine_name not in ENGINES:
        fail(f"unknown engine {engine_name!r} (choose from {', '.join(ENGINES)})")
    items = read_items(file)
    if split:
        items = [it for it in items if it.get("split") == split]
    wanted = split_csv(groups)
    if wanted:
        items = [it for it in items if it.get("group") in wanted]
    if not items:
        fail("no labelled items left after --split/--group filtering")
    from safelint.api import build_engine

    try:
        engine = build_engine(rule_dirs, select=split_csv(select), ignore=split_csv(ignore))
    except RuleFileError as exc:
        fail(f"invalid rule file: {exc}")
    preds = predict(engine, items)
    by_group = score_by_group(items, preds, ATTRIBUTES)
    if len(by_group) > 1:
        by_group["all"] = score(items, preds, ATTRIBUTES, "all")
    if engine_name != "rules":
        from safelint.model import ModelError, load_model

        try:
            clf = load_model(model_dir)
        except ModelError as exc:
            fail(str(exc))
        alone, hyb = predict_model(clf, engine, items)
        runs = {"rules": by_group}
        for name, pr in (("model", alone), ("hybrid", hyb)):
            runs[name] = score_by_group(items, pr, ATTRIBUTES)
            if len(runs[name]) > 1:
                runs[name]["all"] = score(items, pr, ATTRIBUTES, "all")
        preds = hyb if engine_name == "hybrid" else alone
        by_group = runs[engine_name]
        if output_format == "text":
            click.echo(f"engine: {engine_name} (providers: {', '.join(clf.providers)})   file: {file}   "
                       f"split: {split or 'all'}   items: {len(items)}")
            click.echo(render_side_by_side(runs))
            sys.exit(0)
    errs = errors(items, preds) if show_errors else []
    if output_format == "json":
        doc: dict[str, Any] = {"engine": engine_name, "file": file, "split": split, "items": len(items),
                               "groups": {g: s.as_dict() for g, s in by_group.items()}}
        if show_errors:
            doc["errors"] = errs[: show_errors * max(1, len(by_group))]
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo(f"engine: {engine_name}   file: {file}   split: {split or 'all'}   items: {len(items)}")
        click.echo(render_text(by_group))
        if show_errors:
            per: dict[str, int] = {}
            for e in errs:
                g = str(e["group"])
                if per.get(g, 0) >= show_errors:
                    continue
                per[g] = per.get(g, 0) + 1
                click.echo(f"[{g}] FP={','.join(e['false_positive']) or '-'} FN={','.join(e['false_negative']) or '-'}"
                           f"  {e['text'][:300]!r}")
    sys.exit(0)
