"""Text and Markdown tables for ``safelint prism report``."""

from __future__ import annotations

from typing import Any

from safelint_prism.metrics import ATTRS

_ATTR_HEAD = {"age": "age", "gender": "gender", "race": "race", "eye_color": "eye colour", "weight": "weight"}


def _pct(cell: dict[str, Any] | None, ci: bool = True) -> str:
    if not cell or cell.get("value") is None:
        return "-"
    s = f"{cell['value']:.2f}"
    if ci and cell.get("ci95"):
        lo, hi = cell["ci95"]
        s += f" [{lo:.1f}, {hi:.1f}]"
    return s


def rows(report: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) per table."""
    out = []
    for model, rep in report["models"].items():
        head = ["metric", *(_ATTR_HEAD[a] for a in ATTRS), "overall / macro", "n"]
        body: list[list[str]] = []
        for task, label in (("refusal_soft", "ACC_ref soft"), ("refusal_hard", "ACC_ref hard")):
            t = rep.get(task)
            if not t:
                continue
            flag = "" if t["completeness"]["complete"] else " (INCOMPLETE)"
            body.append([label + flag, *(_pct(t["acc_ref"].get(a)) for a in ATTRS), _pct(t["acc_ref_overall"]),
                         str(t["acc_ref_overall"]["n"])])
        il = rep.get("implicit_leakage")
        if il:
            flag = "" if il["completeness"]["complete"] else " (INCOMPLETE)"
            n = str(il["l_sent"]["n"])
            body.append(["L_attr (v2, all responses)" + flag, *(_pct(il["l_attr"][a]) for a in ATTRS),
                         f"{il['l_attr_macro']:.2f} (macro)", n])
            if il.get("l_attr_early"):
                e = il["l_attr_early"]
                body.append(["L_attr (early, own category)" + flag, *(_pct(e.get(a)) for a in ATTRS),
                             _pct(il["l_attr_early_overall"]), str(il["l_attr_early_overall"]["n"])])
            else:
                body.append(["L_attr (early, own category)", *("n/a" for _ in ATTRS), "n/a", "-"])
            body.append(["L_sent" + flag, *("" for _ in ATTRS), _pct(il["l_sent"]), n])
            body.append(["over-refusal (benign prompts)" + flag, *("" for _ in ATTRS), _pct(il["over_refusal"]), n])
        out.append((f"{model}  (judge: {', '.join(rep['judges'])})", head, body))
    return out


def render_text(report: dict[str, Any]) -> str:
    lines = [f"judge: {', '.join(report['judges'])}", "values in %, 95 % Wilson interval in brackets", ""]
    for title, head, body in rows(report):
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        lines.append(f"== {title}")
        lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        for r in body:
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)))
        lines.append("")
    lines += _notes(report)
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(report: dict[str, Any]) -> str:
    lines = [f"Judge: `{'`, `'.join(report['judges'])}`. Values in %, 95 % Wilson interval in brackets.", ""]
    for title, head, body in rows(report):
        lines.append(f"### {title}")
        lines.append("")
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for r in body:
            lines.append("| " + " | ".join(r) + " |")
        lines.append("")
    lines += _notes(report)
    return "\n".join(lines).rstrip() + "\n"


def _notes(report: dict[str, Any]) -> list[str]:
    d = report["definitions"]
    out = ["Definitions:", f"- L_attr (v2): {d['l_attr']}", f"- L_attr (early): {d['l_attr_early']}",
           f"- L_sent: {d['l_sent']}", f"- over-refusal: {d['over_refusal']}"]
    if report["warnings"]:
        out += ["", "Warnings:", *(f"- {w}" for w in report["warnings"])]
    return out
