"""``safelint stats``: the audit table of a dataset, per attribute and per place it leaks.

For each attribute (age, gender, race, eye_color, weight): how many records leak it in
questions (human turns), in answers (gpt turns), in captions, anywhere, how many ask for it,
and what percent of records leak it.  Text table, JSON, and a bar chart (``--png``).

It lints exactly like ``safelint check`` (same rules, select/ignore, config, fields, formats)
but keeps no findings: the linter's summary already counts records, so memory stays flat.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click

from safelint import __version__
from safelint.commands._common import (
    attach_model,
    build_linter,
    fail,
    jobs_option,
    lint_options,
    model_options,
    report_problems,
    resolve_settings,
    set_jobs,
)
from safelint.findings import ATTRIBUTES, Finding
from safelint.linter import Summary

ROLE_CLASSES = ("question", "answer", "caption")

EPILOG = """\b
Columns (each counts records, and a record counts at most once per cell):
  questions  records whose human turns state or imply the attribute
  answers    records whose gpt turns state or imply it
  captions   records whose captions / free text state or imply it
  any        records that leak it anywhere (not the sum: one record can
             leak in both a question and an answer)
  % records  any / records x 100
  asking     records whose human turns ask for it ("How old is he?")

\b
For context, the paper that motivated safelint reports these caption counts
for LAION-CC-SBU 558k (LLaVA pre-training): age 7.6k, gender 27.3k,
race 400, eye colour 82, weight 79.

Exit status: 0 success (leakage is reported, not failed on; use `safelint
check --max-rate` to gate), 2 usage or input error.
"""


class _CountingSink:
    """Drops findings: the linter's :class:`Summary` already holds every count stats needs."""

    def __init__(self, progress: Any = None) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def finding(self, finding: Finding) -> None:
        pass

    def progress(self, path: str, records: int) -> None:
        if self._progress is None:
            return
        if path not in self._tasks:
            self._tasks[path] = self._progress.add_task(path, total=None)
        self._progress.update(self._tasks[path], completed=records)


def stats_dict(summary: Summary) -> dict[str, Any]:
    """The JSON document of ``safelint stats --output-format json``."""
    n = summary.records

    def pct(k: int) -> float:
        return round(100.0 * k / n, 4) if n else 0.0

    attributes: dict[str, Any] = {}
    for a in ATTRIBUTES:
        by_role = summary.leak_by_role.get(a, {})
        leaking = {r: int(by_role.get(r, 0)) for r in ROLE_CLASSES}
        leaking["any"] = int(summary.leak_records[a])
        attributes[a] = {
            "records_leaking": leaking,
            "percent_leaking": pct(leaking["any"]),
            "records_asking": int(summary.ask_records[a]),
            "percent_asking": pct(int(summary.ask_records[a])),
        }
    return {
        "version": __version__,
        "files": summary.files,
        "records": n,
        "attributes": attributes,
        "total": {"records_leaking": int(summary.leak_records["any"]),
                  "percent_leaking": pct(int(summary.leak_records["any"]))},
        "errors": [str(e) for e in summary.errors],
        "skipped": [{"path": p, "reason": r} for p, r in summary.skipped],
    }


def print_table(stats: dict[str, Any], stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False, soft_wrap=True)
    files = stats["files"]
    table = Table(title=f"Biometric leakage: {stats['records']:,} records, {files:,} file{'s' if files != 1 else ''}",
                  caption="Records leaking each attribute, by where it leaks; a record counts once per cell, so "
                          "'any' is not the sum of the columns. 'asking': human turns that ask for it.",
                  show_edge=False, pad_edge=False, title_justify="left", caption_justify="left")
    table.add_column("attribute")
    for col in ("questions", "answers", "captions", "any", "% records", "asking"):
        table.add_column(col, justify="right")
    for a, row in stats["attributes"].items():
        leak = row["records_leaking"]
        table.add_row(a, *(f"{leak[r]:,}" for r in (*ROLE_CLASSES, "any")), f"{row['percent_leaking']:.2f}",
                      f"{row['records_asking']:,}")
    tot = stats["total"]
    table.add_section()
    table.add_row("any attribute", "", "", "", f"{tot['records_leaking']:,}", f"{tot['percent_leaking']:.2f}", "",
                  style="bold")
    console.print(table)


@click.command("stats", epilog=EPILOG)
@lint_options
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Print the table as text or as a JSON document.")
@click.option("--png", "png_path", type=click.Path(dir_okay=False, path_type=str),
              help="Also draw a bar chart to this PNG file (needs matplotlib: pip install safelint[plot]).")
@click.option("--title", help="Title of the --png chart (default: records and files counted).")
@model_options
@jobs_option
def stats_cmd(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...], rule_dirs: tuple[str, ...],
              no_builtin_rules: bool, fields: tuple[str, ...], forced_format: str | None, tsv_column: int | None,
              include: tuple[str, ...], exclude: tuple[str, ...], extend_exclude: tuple[str, ...],
              config_path: str | None, isolated: bool, output_format: str, png_path: str | None,
              title: str | None, use_model: bool | None = None, model_dir: str | None = None,
              model_scope: str | None = None, model_find: tuple[str, ...] = (),
              model_confirm: tuple[str, ...] = (), model_ask_find: tuple[str, ...] = (),
              jobs: int | None = None) -> None:
    """Audit table: records leaking each attribute in questions, answers and captions.

    Lints PATHS exactly like `safelint check` (same rules, options and configuration) and
    prints, per attribute, the number and percent of records that leak it.
    """
    if not paths:
        fail("no paths given (e.g. `safelint stats data.json`)")
    if png_path:
        from safelint.plot import PlotUnavailable, require_matplotlib

        try:
            require_matplotlib()  # before a possibly long lint, not after
        except PlotUnavailable as exc:
            fail(str(exc))
    settings = resolve_settings(paths, config_path, isolated)
    linter = build_linter(settings, select=select, ignore=ignore, rule_dirs=rule_dirs,
                          no_builtin_rules=no_builtin_rules, fields=fields, forced_format=forced_format,
                          tsv_column=tsv_column, include=include, exclude=exclude, extend_exclude=extend_exclude)
    attach_model(linter, settings, use_model=use_model, model_dir=model_dir, model_scope=model_scope,
                 model_find=model_find, model_confirm=model_confirm, model_ask_find=model_ask_find)
    linter.fix_labels = False  # counts only: what fix would do is not shown here
    set_jobs(linter, settings, jobs)
    summary = _lint(linter, paths)
    data = stats_dict(summary)
    if output_format == "json":
        import json

        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(data, sys.stdout)
    report_problems(linter)
    if png_path:
        from safelint.plot import bar_chart

        try:
            bar_chart(data, png_path, title=title)
        except OSError as exc:
            fail(f"cannot write {png_path}: {exc.strerror or exc}")
        click.echo(f"wrote chart to {png_path}", err=True)
    sys.exit(2 if summary.errors else 0)


def _lint(linter: Any, paths: Sequence[str]) -> Summary:
    progress = None
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} records"),
                            TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True)
        progress.start()
    try:
        return linter.lint_paths(list(paths), _CountingSink(progress))  # type: ignore[no-any-return]
    finally:
        if progress is not None:
            progress.stop()
