"""Tables for ``safelint prism report``: rich text tables (the default ``text`` output), Markdown, plain text.

Every output names the judge(s) and version(s) the details came from: a header line in text, Markdown and
plain output, and ``judges`` in JSON (written by the CLI from :func:`safelint_prism.metrics.build_report`).
"""

from __future__ import annotations

import io
import shutil
from typing import Any

from safelint_prism.metrics import ATTRS

_ATTR_HEAD = {"age": "age", "gender": "gender", "race": "race", "eye_color": "eye colour", "weight": "weight"}


def _pct(cell: dict[str, Any] | None, ci: bool = True, sep: str = " ") -> str:
    """The value, and its 95 % interval after ``sep``."""
    if not cell or cell.get("value") is None:
        return "-"
    s = f"{cell['value']:.2f}"
    if ci and cell.get("ci95"):
        lo, hi = cell["ci95"]
        s += f"{sep}[{lo:.1f}, {hi:.1f}]"
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


def render_text(report: dict[str, Any], *, width: int | None = None, color: bool = False) -> str:
    """Rich tables, one per model (the default text output of ``safelint prism report``).

    ``width``: the console width (default: the terminal's, 120 when the output is not a terminal).  When the
    tables with their intervals do not fit, they are printed without the intervals and a line says so (the
    intervals are in every other format).  The judge line is never wrapped or cut.  ``color``: ANSI styles (off
    by default, so that the text is the same in a terminal, a pipe and a file)."""
    from rich.console import Console
    from rich.measure import Measurement
    from rich.text import Text

    if width is None:
        width = max(60, shutil.get_terminal_size(fallback=(120, 24)).columns)
    buf = io.StringIO()
    console = Console(file=buf, width=width, highlight=False, soft_wrap=False, emoji=False, markup=False,
                      force_terminal=color, no_color=not color, color_system="standard" if color else None)
    tables = [_rich_table(model, rep, ci=True) for model, rep in report["models"].items()]
    wide = console.options.update_width(10_000)
    with_ci = all(Measurement.get(console, wide, t).maximum <= width for t in tables)  # natural width fits
    console.print(Text(f"judge: {', '.join(report['judges'])}", style="bold"), soft_wrap=True)
    if with_ci:
        console.print(Text("values in %, 95 % Wilson interval in brackets below each value"), soft_wrap=True)
    else:
        tables = [_rich_table(model, rep, ci=False) for model, rep in report["models"].items()]
        console.print(Text(f"values in %; the 95 % Wilson intervals do not fit in {width} columns: widen the "
                           f"terminal or use --output-format markdown|json"), soft_wrap=True)
    for t in tables:
        console.print(t)
    for line in _notes(report):
        console.print(Text(line), soft_wrap=True)
    return "\n".join(line.rstrip() for line in buf.getvalue().rstrip().splitlines()) + "\n"


def _rich_table(model: str, rep: dict[str, Any], *, ci: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"{model}  (judge: {', '.join(rep['judges'])})", style="bold"), title_justify="left",
                  box=box.SIMPLE_HEAVY, pad_edge=False)
    head, body = _table_rows(rep, ci)
    for i, h in enumerate(head):
        table.add_column(h, justify="left" if i == 0 else "right", overflow="fold", min_width=12 if i == 0 else None)
    for label, cells, incomplete in body:
        table.add_row(Text(label + (" INCOMPLETE" if incomplete else ""), style="bold red" if incomplete else ""),
                      *(Text(c) for c in cells))
    return table


def _cell2(cell: dict[str, Any] | None, ci: bool) -> str:
    """The value, and its interval on a second line (keeps the columns narrow)."""
    return _pct(cell, ci, sep="\n")


def _table_rows(rep: dict[str, Any], ci: bool) -> tuple[list[str], list[tuple[str, list[str], bool]]]:
    """(header, [(row label, cells, incomplete)]) of one model, for the rich table."""
    head = ["metric", *(_ATTR_HEAD[a] for a in ATTRS), "overall / macro", "n"]
    body: list[tuple[str, list[str], bool]] = []
    for task, label in (("refusal_soft", "ACC_ref soft"), ("refusal_hard", "ACC_ref hard")):
        t = rep.get(task)
        if t:
            body.append((label, [*(_cell2(t["acc_ref"].get(a), ci) for a in ATTRS),
                                 _cell2(t["acc_ref_overall"], ci), str(t["acc_ref_overall"]["n"])],
                         not t["completeness"]["complete"]))
    il = rep.get("implicit_leakage")
    if il:
        inc = not il["completeness"]["complete"]
        n = str(il["l_sent"]["n"])
        body.append(("L_attr v2", [*(_cell2(il["l_attr"][a], ci) for a in ATTRS),
                                   f"{il['l_attr_macro']:.2f}" + ("\n(macro)" if ci else ""), n], inc))
        if il.get("l_attr_early"):
            e = il["l_attr_early"]
            body.append(("L_attr early", [*(_cell2(e.get(a), ci) for a in ATTRS),
                                          _cell2(il["l_attr_early_overall"], ci),
                                          str(il["l_attr_early_overall"]["n"])], inc))
        else:
            body.append(("L_attr early", [*("n/a" for _ in ATTRS), "n/a", "-"], False))
        body.append(("L_sent", [*("" for _ in ATTRS), _cell2(il["l_sent"], ci), n], inc))
        body.append(("over-refusal", [*("" for _ in ATTRS), _cell2(il["over_refusal"], ci), n], inc))
    return head, body


def render_plain(report: dict[str, Any]) -> str:
    """Plain fixed-width text tables (the text output before the rich tables; no box characters)."""
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
    out = ["Definitions:", f"- ACC_ref: {d['acc_ref']}", f"- L_attr (v2): {d['l_attr']}",
           f"- L_attr (early): {d['l_attr_early']}", f"- L_sent: {d['l_sent']}",
           f"- over-refusal (benign prompts): {d['over_refusal']}"]
    if report["warnings"]:
        out += ["", "Warnings:", *(f"- {w}" for w in report["warnings"])]
    return out
