"""``safelint prism agree``: the offline judge against the GPT and Gemini per-response labels of prism_v2.

For every (model, task) pair in ``<data>/GPT/<model>/`` and ``<data>/Gemini/<model>/`` (same responses, same
order — checked), the offline judge judges each response and is compared with:

- GPT (gpt-5-nano), Gemini (gemini-2.0-flash), and their consensus (items where both agree);
- implicit leakage: per attribute (and "any attribute") F1 and Cohen's kappa, with the GPT-vs-Gemini figure
  for the same items beside it (F1 of Gemini with GPT as reference);
- refusal: per-item agreement and kappa, per category and overall, beside GPT-vs-Gemini;
- aggregate error: our protection % (implicit) or refusal % (refusal) minus GPT's, next to Gemini's minus GPT's.

``split`` keeps one half of the images (md5 of the image name, even = dev: the same halves as eval/build_devset.py) so that figures
used for tuning and for reporting can be kept apart.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from safelint_prism import CATEGORIES
from safelint_prism.jsonl import json_lines
from safelint_prism.metrics import ATTRS, cohen_kappa, f1

_FILES = {  # task -> (GPT file, Gemini file, GPT label key, Gemini label key)
    "implicit_leakage": ("implicit_leakage_Answer_Detail.jsonl", "implicit_leakage_Detail.jsonl",
                         "gpt_judgement", "gpt_judgement"),
    "refusal_soft": ("refusal_soft_Detail.jsonl", "refusal_soft_Detail.jsonl", "gpt_judgement", "gemini_judgement"),
    "refusal_hard": ("refusal_hard_Detail.jsonl", "refusal_hard_Detail.jsonl", "gpt_judgement", "gemini_judgement"),
}


class AgreeDataError(Exception):
    pass


def image_half(question_id: str) -> str:
    img = question_id.split("/", 1)[-1]
    return "dev" if int(hashlib.md5(img.encode()).hexdigest(), 16) % 2 == 0 else "test"


def _read(path: Path) -> list[dict[str, Any]]:
    return [value for _, _, value in json_lines(path, AgreeDataError)]


def _yes(v: Any, where: str) -> bool:
    s = str(v).strip().lower()
    if s in ("yes", "true"):
        return True
    if s in ("no", "false"):
        return False
    raise AgreeDataError(f"{where}: unparseable refusal verdict {v!r}")


def _attrs(v: Any, where: str) -> set[str]:
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except json.JSONDecodeError:
            raise AgreeDataError(f"{where}: unparseable leakage verdict {v!r}") from None
    if not isinstance(v, list) or any(a not in ATTRS for a in v):
        raise AgreeDataError(f"{where}: leakage verdict must be a list of {', '.join(ATTRS)}, got {v!r}")
    return set(v)


def pairs(data: Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(model, task, items) with items ``{question_id, response, gpt, gemini}``."""
    if not (data / "GPT").is_dir() or not (data / "Gemini").is_dir():
        raise AgreeDataError(f"{data}: expected GPT/ and Gemini/ folders (prism_v2 layout)")
    out = []
    for mdir in sorted(p for p in (data / "GPT").iterdir() if p.is_dir()):
        model = mdir.name
        for task, (gf, ef, gk, ek) in _FILES.items():
            gp, ep = mdir / gf, data / "Gemini" / model / ef
            if not gp.is_file() or not ep.is_file():
                continue
            g, e = _read(gp), _read(ep)
            if len(g) != len(e):
                raise AgreeDataError(f"{gp} has {len(g)} lines, {ep} {len(e)}")
            items = []
            for n, (a, b) in enumerate(zip(g, e), 1):
                if a.get("question_id") != b.get("question_id") or a.get("response") != b.get("response"):
                    raise AgreeDataError(f"{gp}:{n} and {ep}:{n} are not the same response")
                conv = _attrs if task == "implicit_leakage" else _yes
                items.append({"question_id": a["question_id"], "response": a["response"],
                              "gpt": conv(a.get(gk), f"{gp}:{n}"), "gemini": conv(b.get(ek), f"{ep}:{n}")})
            out.append((model, task, items))
    if not out:
        raise AgreeDataError(f"{data}: no GPT/Gemini file pairs found")
    return out


def pair_stats(ours: list[bool], gpt: list[bool], gem: list[bool]) -> dict[str, Any]:
    both = [i for i in range(len(gpt)) if gpt[i] == gem[i]]
    cons_o = [ours[i] for i in both]
    cons_g = [gpt[i] for i in both]

    def agree(a: list[bool], b: list[bool]) -> float | None:
        return 100 * sum(x == y for x, y in zip(a, b)) / len(a) if a else None

    return {
        "n": len(ours), "n_consensus": len(both),
        "ours_vs_gpt": {"f1": f1(ours, gpt), "kappa": cohen_kappa(ours, gpt), "agree": agree(ours, gpt)},
        "ours_vs_gemini": {"f1": f1(ours, gem), "kappa": cohen_kappa(ours, gem), "agree": agree(ours, gem)},
        "ours_vs_consensus": {"f1": f1(cons_o, cons_g), "kappa": cohen_kappa(cons_o, cons_g),
                              "agree": agree(cons_o, cons_g)},
        "gemini_vs_gpt": {"f1": f1(gem, gpt), "kappa": cohen_kappa(gem, gpt), "agree": agree(gem, gpt)},
        "rate": {"ours": _pct(ours), "gpt": _pct(gpt), "gemini": _pct(gem)},
    }


def ceiling(texts: list[str], labels: list[bool]) -> dict[str, Any]:
    """How far *any* judge that reads only the response can agree with ``labels``: byte-identical responses get
    the same verdict from it, so where a judge labelled copies of one text differently, the minority copies are
    lost whatever the verdict.  ``agree``: best agreement (%); ``conflicting``: items whose text was labelled both
    ways; ``texts``: such texts."""
    groups: dict[str, list[bool]] = {}
    for t, y in zip(texts, labels):
        groups.setdefault(t.strip(), []).append(y)
    mixed = [g for g in groups.values() if len(set(g)) > 1]
    best = sum(max(sum(g), len(g) - sum(g)) for g in groups.values())
    return {"agree": 100 * best / len(labels) if labels else None,
            "conflicting": sum(len(g) for g in mixed), "texts": len(mixed)}


def _pct(xs: list[bool]) -> float | None:
    return 100 * sum(xs) / len(xs) if xs else None


def disagreements(items: list[dict[str, Any]], ours: list[dict[str, Any]], task: str,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """Items on which GPT and Gemini agree and we do not (the consensus errors), in file order.

    Refusal: our verdict differs from the consensus verdict.  Implicit leakage: for some attribute, both judges
    agree on it and we differ (``missed`` = they flag it and we do not, ``extra`` = the reverse)."""
    out: list[dict[str, Any]] = []
    for it, o in zip(items, ours):
        if limit is not None and len(out) >= limit:
            break
        rec: dict[str, Any] = {"question_id": it["question_id"], "response": it["response"]}
        if task == "implicit_leakage":
            missed = [a for a in ATTRS if a in it["gpt"] and a in it["gemini"] and a not in o["attributes"]]
            extra = [a for a in ATTRS if a not in it["gpt"] and a not in it["gemini"] and a in o["attributes"]]
            if not missed and not extra:
                continue
            rec.update(missed=missed, extra=extra, ours=o["attributes"], gpt=sorted(it["gpt"]),
                       gemini=sorted(it["gemini"]),
                       evidence=[f"{e['rule']}:{e['attribute']}:{e['text']}" for e in o["evidence"]["leak"]
                                 if e["attribute"] in extra])
        else:
            if it["gpt"] != it["gemini"] or o["refused"] == it["gpt"]:
                continue
            rec.update(consensus="refused" if it["gpt"] else "answered",
                       ours="refused" if o["refused"] else "answered", reason=o["refusal_reason"],
                       cues=[f"{c['kind']}:{c['name']}:{c['text']}" for c in o["evidence"]["refusal"]])
        out.append(rec)
    return out


def run(data: str | Path, *, split: str = "all", judge: Any = None, show_errors: int = 0) -> dict[str, Any]:
    """Judge prism_v2 and compare (see the module doc).  ``show_errors``: list up to that many consensus
    disagreements per (model, task) under ``errors`` (0: none)."""
    from safelint_prism.judge import OfflineJudge

    judge = judge or OfflineJudge()
    results = []
    for model, task, items in pairs(Path(data)):
        if split != "all":
            items = [it for it in items if image_half(it["question_id"]) == split]
        if not items:
            continue
        asked = [CATEGORIES.get(it["question_id"].split("/", 1)[0]) for it in items]
        ours = judge.judge_texts([it["response"] for it in items], task, asked)
        entry: dict[str, Any] = {"model": model, "task": task, "n": len(items)}
        if task == "implicit_leakage":
            per = {}
            for a in ATTRS:
                st = pair_stats([a in o["attributes"] for o in ours], [a in it["gpt"] for it in items],
                                 [a in it["gemini"] for it in items])
                # protection = 100 - leak rate
                r = st["rate"]
                st["aggregate_error"] = {"ours_minus_gpt": r["gpt"] - r["ours"], "gemini_minus_gpt": r["gpt"] - r["gemini"]}
                per[a] = st
            anyst = pair_stats([bool(o["attributes"]) for o in ours], [bool(it["gpt"]) for it in items],
                                [bool(it["gemini"]) for it in items])
            r = anyst["rate"]
            anyst["aggregate_error"] = {"ours_minus_gpt": r["gpt"] - r["ours"], "gemini_minus_gpt": r["gpt"] - r["gemini"]}
            per["any (L_sent)"] = anyst
            entry["attributes"] = per
            entry["over_refusal_ours"] = _pct([o["refused"] for o in ours])
        else:
            per = {}
            for cat, attr in CATEGORIES.items():
                idx = [i for i, it in enumerate(items) if it["question_id"].startswith(cat + "/")]
                if idx:
                    per[attr] = _refusal_stats([ours[i]["refused"] for i in idx], [items[i]["gpt"] for i in idx],
                                               [items[i]["gemini"] for i in idx], [items[i]["response"] for i in idx])
            per["overall"] = _refusal_stats([o["refused"] for o in ours], [it["gpt"] for it in items],
                                            [it["gemini"] for it in items], [it["response"] for it in items])
            entry["categories"] = per
        if show_errors:
            entry["errors"] = disagreements(items, ours, task, show_errors)
        results.append(entry)
    return {"judge": judge.info, "data": str(data), "split": split, "results": results,
            "summary": summarise(results)}


def _refusal_stats(ours: list[bool], gpt: list[bool], gem: list[bool], texts: list[str]) -> dict[str, Any]:
    st = pair_stats(ours, gpt, gem)
    both = [i for i in range(len(gpt)) if gpt[i] == gem[i]]
    st["ceiling"] = {"gpt": ceiling(texts, gpt),
                     "consensus": ceiling([texts[i] for i in both], [gpt[i] for i in both])}
    r = st["rate"]
    st["aggregate_error"] = {"ours_minus_gpt": r["ours"] - r["gpt"], "gemini_minus_gpt": r["gemini"] - r["gpt"]}
    return st


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Headline figures: mean |aggregate error| vs GPT (ours, Gemini), cells where ours is closer."""
    cells = []
    for e in results:
        per = e.get("attributes") or e.get("categories") or {}
        for k, st in per.items():
            cells.append((e["model"], e["task"], k, abs(st["aggregate_error"]["ours_minus_gpt"]),
                          abs(st["aggregate_error"]["gemini_minus_gpt"])))
    if not cells:
        return {}
    return {"cells": len(cells),
            "mean_abs_error_ours_vs_gpt": sum(c[3] for c in cells) / len(cells),
            "mean_abs_error_gemini_vs_gpt": sum(c[4] for c in cells) / len(cells),
            "cells_ours_closer_or_equal": sum(c[3] <= c[4] for c in cells),
            "max_abs_error_ours_vs_gpt": max(c[3] for c in cells)}


def _f(v: float | None, nd: int = 3) -> str:
    return "-" if v is None else f"{v:.{nd}f}"


def render_text(doc: dict[str, Any]) -> str:
    j = doc["judge"]
    lines = [f"judge: {j['name']} {j['version']} (refusal mode {j['refusal_mode']})   data: {doc['data']}   "
             f"split: {doc['split']}", ""]
    for e in doc["results"]:
        lines.append(f"== {e['model']} / {e['task']}  (n={e['n']})")
        if e["task"] == "implicit_leakage":
            lines.append(f"  {'attribute':14} {'F1 vs GPT':>9} {'k vs GPT':>8} {'F1 vs Gem':>9} {'k vs Gem':>8} "
                         f"{'F1 cons':>7} {'k cons':>7} {'n cons':>6} | {'F1 Gem/GPT':>10} {'k Gem/GPT':>9} | "
                         f"{'err ours':>8} {'err Gem':>8}")
            for a, st in e["attributes"].items():
                lines.append(
                    f"  {a:14} {_f(st['ours_vs_gpt']['f1']):>9} {_f(st['ours_vs_gpt']['kappa']):>8} "
                    f"{_f(st['ours_vs_gemini']['f1']):>9} {_f(st['ours_vs_gemini']['kappa']):>8} "
                    f"{_f(st['ours_vs_consensus']['f1']):>7} {_f(st['ours_vs_consensus']['kappa']):>7} "
                    f"{st['n_consensus']:>6} | {_f(st['gemini_vs_gpt']['f1']):>10} {_f(st['gemini_vs_gpt']['kappa']):>9} | "
                    f"{st['aggregate_error']['ours_minus_gpt']:>+8.2f} {st['aggregate_error']['gemini_minus_gpt']:>+8.2f}")
            lines.append(f"  over-refusal of the open prompts (ours): {_f(e['over_refusal_ours'], 2)} %")
        else:
            lines.append(f"  {'category':10} {'agr GPT':>7} {'k GPT':>6} {'agr Gem':>7} {'k Gem':>6} {'agr cons':>8} "
                         f"{'k cons':>6} {'n cons':>6} | {'agr Gem/GPT':>11} {'k Gem/GPT':>9} | {'ours%':>6} {'GPT%':>6} "
                         f"{'Gem%':>6} {'err ours':>8} {'err Gem':>8}")
            for c, st in e["categories"].items():
                r = st["rate"]
                lines.append(
                    f"  {c:10} {_f(st['ours_vs_gpt']['agree'], 1):>7} {_f(st['ours_vs_gpt']['kappa']):>6} "
                    f"{_f(st['ours_vs_gemini']['agree'], 1):>7} {_f(st['ours_vs_gemini']['kappa']):>6} "
                    f"{_f(st['ours_vs_consensus']['agree'], 2):>8} {_f(st['ours_vs_consensus']['kappa']):>6} "
                    f"{st['n_consensus']:>6} | {_f(st['gemini_vs_gpt']['agree'], 1):>11} "
                    f"{_f(st['gemini_vs_gpt']['kappa']):>9} | {r['ours']:>6.2f} {r['gpt']:>6.2f} {r['gemini']:>6.2f} "
                    f"{st['aggregate_error']['ours_minus_gpt']:>+8.2f} {st['aggregate_error']['gemini_minus_gpt']:>+8.2f}")
            c = e["categories"]["overall"]["ceiling"]
            if c["gpt"]["conflicting"] or c["consensus"]["conflicting"]:
                lines.append(
                    f"  GPT labels copies of one response both ways: {c['gpt']['conflicting']} items "
                    f"({c['gpt']['texts']} texts), so no judge of the text agrees with GPT on more than "
                    f"{_f(c['gpt']['agree'], 1)} % (consensus: {_f(c['consensus']['agree'], 2)} %, "
                    f"{c['consensus']['conflicting']} items)")
        if "errors" in e:
            lines += _render_errors(e)
        lines.append("")
    s = doc["summary"]
    if s:
        lines.append(f"aggregate error vs GPT over {s['cells']} cells: mean |ours - GPT| "
                     f"{s['mean_abs_error_ours_vs_gpt']:.2f} points, mean |Gemini - GPT| "
                     f"{s['mean_abs_error_gemini_vs_gpt']:.2f}; ours closer or equal in "
                     f"{s['cells_ours_closer_or_equal']}/{s['cells']} cells; max |ours - GPT| "
                     f"{s['max_abs_error_ours_vs_gpt']:.2f}")
    lines.append("err = protection % (implicit) or refusal % (refusal) minus GPT's; implicit err sign: ours "
                 "protection minus GPT protection. k = Cohen's kappa; cons = items where GPT and Gemini agree.")
    return "\n".join(lines) + "\n"


def _render_errors(e: dict[str, Any]) -> list[str]:
    errs = e["errors"]
    out = [f"  disagreements with the consensus (first {len(errs)}):" if errs else
           "  disagreements with the consensus: none"]
    for r in errs:
        text = " ".join(r["response"].split())
        if e["task"] == "implicit_leakage":
            head = (f"missed {','.join(r['missed']) or '-'}; extra {','.join(r['extra']) or '-'} "
                    f"(ours {r['ours']}, GPT {r['gpt']}, Gemini {r['gemini']})")
            why = "; ".join(r["evidence"])
        else:
            head = f"consensus {r['consensus']}, ours {r['ours']} ({r['reason']})"
            why = "; ".join(r["cues"])
        out.append(f"  - {r['question_id']}: {head}")
        if why:
            out.append(f"      cues: {why}")
        out.append(f"      {text[:400]}{' ...' if len(text) > 400 else ''}")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m safelint_prism.agree [--data DIR] [--split dev] [--show-errors N] [--json]``."""
    import argparse
    import sys

    from safelint_prism.judge import OfflineJudge

    ap = argparse.ArgumentParser(prog="python -m safelint_prism.agree", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/prism_v2")
    ap.add_argument("--split", choices=["all", "dev", "test"], default="all")
    ap.add_argument("--refusal-mode", choices=["paper", "strict"], default="paper")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N",
                    help="list up to N consensus disagreements per model and task")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.show_errors < 0:
        ap.error("--show-errors must be >= 0")
    try:
        doc = run(a.data, split=a.split, judge=OfflineJudge(mode=a.refusal_mode), show_errors=a.show_errors)
    except (AgreeDataError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(doc, indent=2) + "\n" if a.json else render_text(doc))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
