"""``safelint eval``: detection quality of the engine on a labelled JSONL set.

Each line: ``{"text", "role": "gpt"|"human"|null, "labels": [...], "known"?: [...], "group"?, "split"?,
"task"?: "leak"|"ask"|"any", "context"?: [{"from", "value"}]}``.  Items are scanned with the same engine as
``check`` (an item with a ``context`` as the last turn of that conversation); the prediction of
an item is the set of attributes of its "leak" findings, or of its "ask" findings for human
turns (override with ``task``; ``any``: both, for sets whose questions are labelled with what they ask *and*
what they say, "What's the toddler's eye colour?" -> age, eye_color; ``--human-task any`` for a whole
file).  Prints per-attribute precision/recall/F1/support, macro-F1 and the look-alike false-positive rate,
per group (see :mod:`safelint.quality`).

With ``--prism-v2 DIR`` (the prism_v2 folder: ``GPT/<model>/implicit_leakage_Answer_Detail.jsonl`` and
``Gemini/<model>/implicit_leakage_Detail.jsonl``), it also scores per-item agreement of each engine with the
two PRISM judges (GPT = gpt-5-nano, Gemini = gemini-2.0-flash) and with their consensus on the implicit-leakage
answers: per attribute F1 and Cohen's kappa, beside the judges' agreement with each other
(:func:`safelint.quality.judge_agreement`).  ``--split dev|test`` keeps one half of the PRISM images (md5 of the
image name, the halves of eval/build_devset.py); the rules were tuned on dev, so test is the honest figure.

Exit status: 0 scored, 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from safelint.commands._common import fail, parse_probabilities, split_csv
from safelint.config import MODEL_SCOPES
from safelint.engine import drop_creature_asks, follow_up_asks, regroup, scan_records
from safelint.findings import ATTRIBUTES, Role, TextItem
from safelint.quality import (
    ANY,
    BOOTSTRAP_SAMPLES,
    GroupScore,
    errors,
    judge_agreement,
    score,
    score_by_group,
    validate_item,
)
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


def _categories(it: dict[str, Any], role: str | None, human_task: str = "ask") -> tuple[str, ...]:
    """The finding categories an item's labels describe: its ``task``, else "ask" for human turns (or
    ``human_task``) and "leak" for the rest; "any" is both."""
    task = it.get("task") or (human_task if role == "human" else "leak")
    return ("leak", "ask") if task == "any" else (task,)


def _role(it: dict[str, Any]) -> Role:
    return None if it.get("role") == "caption" else it.get("role")


def _records(items: list[dict[str, Any]]) -> list[list[TextItem]]:
    """Each item as a record: the turns of its ``context``, then its own text (scanned as ``check`` scans a
    conversation, so a follow-up reads the turn it follows)."""
    return [[*(TextItem(f"/context/{k}", c["value"], c["from"]) for k, c in enumerate(it.get("context") or [])),
             TextItem("/text", it["text"], _role(it))] for it in items]


def predict(engine: Any, items: list[dict[str, Any]], human_task: str = "ask") -> list[set[str]]:
    scans = scan_records(engine, _records(items))
    return [{m.attribute for m in sc[-1] if m.category in _categories(it, _role(it), human_task)}
            for it, sc in zip(items, scans, strict=True)]


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
                  find: float | None = None, human_task: str = "ask",
                  **hybrid: Any) -> tuple[list[set[str]], list[set[str]]]:
    """Predictions of the classifier alone and of the hybrid (rules + classifier)."""
    from safelint.model.hybrid import Hybrid, model_only

    texts = [it["text"] for it in items]
    roles = [_role(it) for it in items]
    tasks = [_categories(it, r, human_task) for it, r in zip(items, roles)]
    alone = model_only(clf, texts, roles)
    records = _records(items)
    flat = [t for rec in records for t in rec]
    hyb = regroup(Hybrid(engine, clf, confirm=confirm, find=find, **hybrid).scan_many(
        [t.text for t in flat], [t.role for t in flat]), [len(rec) for rec in records])
    drop_creature_asks(engine, records, hyb)
    more = follow_up_asks(engine, records, hyb)
    return alone, [{f.attribute for f in [*fs[-1], *extra[-1]] if f.category in t}
                   for fs, extra, t in zip(hyb, more, tasks, strict=True)]


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


# -- PRISM v2 judge agreement ------------------------------------------------------------------------------------
PRISM_JUDGES = {"gpt": "gpt-5-nano", "gemini": "gemini-2.0-flash"}


def prism_items(data: str, split: str) -> list[dict[str, Any]]:
    """Implicit-leakage answers of prism_v2 with both judges' labels: ``{model, question_id, text, gpt, gemini}``."""
    try:
        from safelint_prism.agree import AgreeDataError, image_half, pairs
    except ImportError:
        fail("the safelint_prism package is not installed (reinstall safelint: pip install -e .)")
    try:
        found = pairs(Path(data))
    except (AgreeDataError, OSError) as exc:
        fail(str(exc))
    out = []
    for model, task, items in found:
        if task != "implicit_leakage":
            continue
        for it in items:
            if split == "all" or image_half(it["question_id"]) == split:
                out.append({"model": model, "question_id": it["question_id"], "text": it["response"],
                            "gpt": it["gpt"], "gemini": it["gemini"]})
    return out


def prism_agreement(items: list[dict[str, Any]], preds: dict[str, list[set[str]]]) -> dict[str, Any]:
    """Agreement over all models pooled (``all``) and per model."""
    def one(idx: list[int]) -> dict[str, Any]:
        return judge_agreement({k: [v[i] for i in idx] for k, v in preds.items()}, [items[i]["gpt"] for i in idx],
                               [items[i]["gemini"] for i in idx], ATTRIBUTES)

    by_model: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_model.setdefault(it["model"], []).append(i)
    return {"all": one(list(range(len(items)))), "models": {m: one(idx) for m, idx in by_model.items()}}


def render_agreement(title: str, table: dict[str, Any]) -> str:
    n = next(iter(table.values()))["n"]
    lines = [f"== {title} (n={n})",
             f"  {'attribute':10} {'engine':7} {'F1 GPT':>7} {'k GPT':>6} {'F1 Gem':>7} {'k Gem':>6} {'F1 cons':>7} "
             f"{'k cons':>6} {'n cons':>6} | {'Gem/GPT F1':>10} {'k':>6} | {'>= Gem':>6} {'F1-Gem 95% CI':>15}"]
    for a, row in table.items():
        ref = row["gemini_vs_gpt"]
        for k, (name, d) in enumerate(row["detectors"].items()):
            ok = d["f1_ge_gemini"], d["kappa_ge_gemini"]
            verdict = "-" if None in ok else ("yes" if all(ok) else "F1" if ok[0] else "k" if ok[1] else "no")
            judges = f"{_fmt(ref['f1']):>10} {_fmt(ref['kappa']):>6}" if k == 0 else f"{'':>10} {'':>6}"
            lines.append(f"  {a if k == 0 else '':10} {name:7} {_fmt(d['vs_gpt']['f1']):>7} {_fmt(d['vs_gpt']['kappa']):>6} "
                         f"{_fmt(d['vs_gemini']['f1']):>7} {_fmt(d['vs_gemini']['kappa']):>6} "
                         f"{_fmt(d['vs_consensus']['f1']):>7} {_fmt(d['vs_consensus']['kappa']):>6} "
                         f"{row['n_consensus'] if k == 0 else '':>6} | {judges} | {verdict:>6} {_ci(d.get('f1_diff_ci')):>15}")
    return "\n".join(lines)


def _ci(ci: tuple[float, float] | list[float] | None) -> str:
    return "-" if ci is None else f"[{ci[0]:+.3f},{ci[1]:+.3f}]"


def render_prism(doc: dict[str, Any], per_model: bool) -> str:
    lines = [f"PRISM v2 implicit leakage, per-item agreement with the judges   data: {doc['data']}   "
             f"split: {doc['split']}   items: {doc['items']}",
             render_agreement("all models", doc["agreement"]["all"])]
    if per_model:
        for m, table in doc["agreement"]["models"].items():
            lines += ["", render_agreement(m, table)]
    lines.append(f"GPT = {PRISM_JUDGES['gpt']}, Gem = {PRISM_JUDGES['gemini']}; k = Cohen's kappa; cons = items where "
                 f"the two judges agree on the attribute; Gem/GPT = the judges' agreement with each other; "
                 f"'{ANY}' = any attribute. '>= Gem': the engine agrees with GPT at least as well as Gemini does "
                 f"(yes = F1 and k, F1/k = only that one, no = neither). F1-Gem 95% CI: the engine's F1 vs GPT minus "
                 f"Gemini's, paired bootstrap of the items ({BOOTSTRAP_SAMPLES} draws, seed 0): an interval that holds "
                 f"0 cannot tell the two apart.")
    return "\n".join(lines)


@click.command("eval")
@click.argument("file", type=click.Path(path_type=str), required=False)
@click.option("--engine", "engine_name", default="rules", show_default=True,
              help="Detector to evaluate: rules, model (the classifier alone) or hybrid (rules + classifier). "
                   "model and hybrid print all three side by side.")
@click.option("--model-dir", type=click.Path(path_type=str), default=None,
              help="Classifier directory (default: the shipped model).")
@click.option("--split", "split", help="Only items with this split (dev, test; all = no filter). With --prism-v2: "
                                       "the dev or test half of the PRISM images (rules were tuned on dev).")
@click.option("--group", "groups", multiple=True, help="Only these groups (repeatable or comma-separated).")
@click.option("--prism-v2", "prism_dir", type=click.Path(path_type=str), default=None, metavar="DIR",
              help="Also score agreement with the PRISM judges (GPT, Gemini, consensus) on the implicit-leakage "
                   "answers of this prism_v2 folder (e.g. ../shared/data/prism_v2).")
@click.option("--per-model", is_flag=True, help="With --prism-v2: also print the agreement per evaluated VLM.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=str),
              help="Extra rule file or directory of *.yaml rules (repeatable).")
@click.option("--select", multiple=True, help="Evaluate only these rules (codes, prefixes, attributes).")
@click.option("--ignore", multiple=True, help="Leave out these rules.")
@click.option("--show-errors", type=int, default=0, metavar="N",
              help="Also list up to N misclassified items per group (false positives/negatives).")
@click.option("--model-scope", type=click.Choice(MODEL_SCOPES), default="person", show_default=True,
              help="Hybrid: where the classifier may add findings no rule made (as in check).")
@click.option("--model-find", multiple=True, metavar="ATTR=P", help="Hybrid: as in check (repeatable).")
@click.option("--model-confirm", multiple=True, metavar="ATTR=P", help="Hybrid: as in check (repeatable).")
@click.option("--model-ask-find", multiple=True, metavar="ATTR=P", help="Hybrid: as in check (repeatable).")
@click.option("--human-task", type=click.Choice(["ask", "any"]), default="ask", show_default=True,
              help="What the labels of human turns without a 'task' describe: the attributes asked for (ask), or "
                   "those asked for or stated ('What is the woman holding?' -> gender) (any).")
def eval_cmd(file: str | None, engine_name: str, model_dir: str | None, split: str | None, groups: tuple[str, ...],
             prism_dir: str | None, per_model: bool, output_format: str, rule_dirs: tuple[str, ...],
             select: tuple[str, ...], ignore: tuple[str, ...], show_errors: int, model_scope: str = "person",
             model_find: tuple[str, ...] = (), model_confirm: tuple[str, ...] = (), model_ask_find: tuple[str, ...] = (),
             human_task: str = "ask") -> None:
    """Score the detector on a labelled JSONL set (per-attribute P/R/F1, macro-F1, look-alike FP rate) and/or
    its agreement with the PRISM v2 judges (--prism-v2 DIR).

    Exit status: 0 scored, 2 usage or input error.
    """
    if engine_name not in ENGINES:
        fail(f"unknown engine {engine_name!r} (choose from {', '.join(ENGINES)})")
    if file is None and prism_dir is None:
        fail("give a labelled JSONL file, --prism-v2 DIR, or both")
    if split == "all":
        split = None
    if prism_dir is not None and split not in (None, "dev", "test"):
        fail(f"--split {split!r}: with --prism-v2 choose dev, test or all")
    items: list[dict[str, Any]] = []
    if file is not None:
        items = read_items(file)
        if split:
            items = [it for it in items if it.get("split") == split]
        wanted = split_csv(groups)
        if wanted:
            items = [it for it in items if it.get("group") in wanted]
        if not items:
            fail("no labelled items left after --split/--group filtering")
    pitems = prism_items(prism_dir, split or "all") if prism_dir is not None else []
    if prism_dir is not None and not pitems:
        fail(f"{prism_dir}: no implicit-leakage answers in split {split or 'all'}")
    from safelint.api import build_engine

    try:
        engine = build_engine(rule_dirs, select=split_csv(select), ignore=split_csv(ignore))
    except RuleFileError as exc:
        fail(f"invalid rule file: {exc}")
    clf = None
    if engine_name != "rules":
        from safelint.model import ModelError, load_model

        try:
            clf = load_model(model_dir)
        except ModelError as exc:
            fail(str(exc))
    hybrid_kw = {"scope": model_scope, "find_at": parse_probabilities(model_find, "--model-find"),
                 "confirm_at": parse_probabilities(model_confirm, "--model-confirm"),
                 "ask_find_at": parse_probabilities(model_ask_find, "--model-ask-find")}
    header = f"engine: {engine_name}" + (f" (providers: {', '.join(clf.providers)})" if clf is not None else "")
    texts: list[str] = []
    doc: dict[str, Any] = {"engine": engine_name, "file": file, "split": split}

    if file is not None:
        preds = predict(engine, items, human_task)
        by_group = score_by_group(items, preds, ATTRIBUTES)
        if len(by_group) > 1:
            by_group["all"] = score(items, preds, ATTRIBUTES, "all")
        runs: dict[str, dict[str, GroupScore]] = {"rules": by_group}
        if clf is not None:
            alone, hyb = predict_model(clf, engine, items, human_task=human_task, **hybrid_kw)
            for name, pr in (("model", alone), ("hybrid", hyb)):
                runs[name] = score_by_group(items, pr, ATTRIBUTES)
                if len(runs[name]) > 1:
                    runs[name]["all"] = score(items, pr, ATTRIBUTES, "all")
            preds = hyb if engine_name == "hybrid" else alone
            by_group = runs[engine_name]
        errs = errors(items, preds) if show_errors else []
        doc.update({"items": len(items), "groups": {g: s.as_dict() for g, s in by_group.items()}})
        if show_errors:
            doc["errors"] = errs[: show_errors * max(1, len(by_group))]
        texts.append(f"{header}   file: {file}   split: {split or 'all'}   items: {len(items)}")
        texts.append(render_side_by_side(runs) if clf is not None else render_text(by_group))
        if show_errors:  # the errors of the engine asked for (rules, model or hybrid)
            per: dict[str, int] = {}
            for e in errs:
                g = str(e["group"])
                if per.get(g, 0) >= show_errors:
                    continue
                per[g] = per.get(g, 0) + 1
                texts.append(f"[{g}] FP={','.join(e['false_positive']) or '-'} "
                             f"FN={','.join(e['false_negative']) or '-'}  {e['text'][:300]!r}")

    if prism_dir is not None:
        as_items = [{"text": it["text"], "role": "gpt"} for it in pitems]
        ppreds: dict[str, list[set[str]]] = {"rules": predict(engine, as_items)}
        if clf is not None:
            ppreds["model"], ppreds["hybrid"] = predict_model(clf, engine, as_items, **hybrid_kw)
        pdoc = {"data": prism_dir, "split": split or "all", "items": len(pitems), "judges": PRISM_JUDGES,
                "engines": list(ppreds), "agreement": prism_agreement(pitems, ppreds)}
        doc["prism_v2"] = pdoc
        if file is None:
            texts.append(header)
        else:
            texts.append("")
        texts.append(render_prism(pdoc, per_model))

    if output_format == "json":
        click.echo(json.dumps(doc, indent=2))
    else:
        click.echo("\n".join(texts))
    sys.exit(0)
