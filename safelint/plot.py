"""The bar chart of ``safelint stats --png``: records leaking each attribute, by where it leaks.

matplotlib is an optional dependency (``pip install safelint[plot]``); it is imported only
when a chart is drawn, and only through the object-oriented Agg API, so no GUI backend,
display or pyplot global state is involved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MISSING_MATPLOTLIB = "drawing a chart needs matplotlib: pip install safelint[plot]"

# (key in a stats row, legend label, colour)
SERIES: tuple[tuple[str, str, str], ...] = (
    ("question", "in questions (human turns)", "#4C72B0"),
    ("answer", "in answers (gpt turns)", "#DD8452"),
    ("caption", "in captions", "#55A868"),
    ("any", "any (leaks anywhere)", "#C44E52"),
    ("asking", "asked for (human turns)", "#8172B3"),
)

LABELS = {"age": "age", "gender": "gender", "race": "race", "eye_color": "eye colour", "weight": "weight"}


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> None:
    """Raise :class:`PlotUnavailable` early (before a long lint) if matplotlib cannot be imported."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    except ImportError as exc:
        raise PlotUnavailable(MISSING_MATPLOTLIB) from exc


def compact(n: int) -> str:
    """7600 -> '7.6k', 27300 -> '27.3k', 400 -> '400'."""
    if n < 10_000:
        return f"{n:,}"
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.2f}M"


def percent(p: float) -> str:
    """Enough decimals that a small non-zero share does not read as 0.0%."""
    if p == 0 or p >= 0.1:
        return f"{p:.1f}%"
    return f"{p:.2f}%" if p >= 0.01 else f"{p:.3f}%"


def bar_chart(stats: Mapping[str, Any], path: str | Path, *, title: str | None = None) -> None:
    """Write a grouped bar chart of a ``safelint stats`` JSON document to ``path`` (PNG).

    One group per attribute, one bar per series in :data:`SERIES`, each labelled with its
    count; the "any" bar also carries the percent of records.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter, MaxNLocator
    except ImportError as exc:
        raise PlotUnavailable(MISSING_MATPLOTLIB) from exc

    attrs: Sequence[str] = list(stats["attributes"])
    rows = stats["attributes"]
    records = int(stats["records"])
    # Series that are zero everywhere are left out (a caption file has no questions or answers), but
    # "any" always stays so that a clean dataset still draws a (flat, labelled) chart.
    present = [s for s in SERIES if s[0] == "any" or any(_value(rows[a], s[0]) for a in attrs)]

    fig = Figure(figsize=(max(8.0, 1.9 * len(attrs) + 2), 5.4), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = len(present)
    width = 0.8 / n
    peak = max([_value(rows[a], key) for a in attrs for key, _, _ in present] + [1])
    for i, (key, label, colour) in enumerate(present):
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(attrs))]
        values = [_value(rows[a], key) for a in attrs]
        bars = ax.bar(xs, values, width * 0.92, label=label, color=colour,
                      hatch="///" if key == "asking" else None, edgecolor="white", linewidth=0.5)
        texts = []
        for a, v in zip(attrs, values):
            t = compact(v)
            if key == "any" and records:
                t += f"\n{percent(rows[a]['percent_leaking'])}" if v else ""
            texts.append(t)
        ax.bar_label(bars, labels=texts, padding=2, fontsize=7.5, color="#222222")
    ax.set_xticks(range(len(attrs)), [LABELS.get(a, a) for a in attrs], fontsize=11)
    ax.set_ylabel("records", fontsize=11)
    ax.set_xlabel("attribute", fontsize=11)
    ax.set_ylim(0, peak * 1.22)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.yaxis.grid(True, color="#dddddd", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    any_total = stats.get("total", {})
    default_title = (f"Biometric leakage: {records:,} records, {stats.get('files', 0):,} "
                     f"file{'s' if stats.get('files', 0) != 1 else ''}")
    fig.suptitle(title or default_title, fontsize=13, fontweight="bold")
    if any_total:
        ax.set_title(f"{compact(int(any_total['records_leaking']))} records "
                     f"({any_total['percent_leaking']:.2f}%) leak at least one attribute; "
                     "a record counts once per bar", fontsize=9, color="#555555")
    ax.legend(fontsize=8.5, frameon=False, loc="upper right")
    fig.savefig(str(path), format="png")


def _value(row: Mapping[str, Any], key: str) -> int:
    if key == "asking":
        return int(row["records_asking"])
    return int(row["records_leaking"].get(key, 0))
