"""``--output-format text`` (default): one line per finding, then a per-attribute summary.

Colour and a progress bar only when writing to a terminal; plain text when piped.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from safelint.findings import ATTRIBUTES, Finding
from safelint.outputs.base import BaseReporter, RunResult

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def location(f: Finding) -> str:
    """``path:line:col:pointer[start:end]``, leaving out what the reader could not tell."""
    if f.line is not None and f.column is not None:
        return f"{f.path}:{f.line}:{f.column}:{f.pointer}[{f.start}:{f.end}]"
    if f.line is not None:
        return f"{f.path}:{f.line}:{f.pointer}[{f.start}:{f.end}]"
    return f"{f.path}:{f.pointer}[{f.start}:{f.end}]"


class TextReporter(BaseReporter):
    def __init__(self, stream: TextIO, *, quiet: bool = False, statistics: bool = False,
                 progress_stream: TextIO | None = None):
        super().__init__(stream, quiet=quiet)
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.statistics = statistics
        err = progress_stream if progress_stream is not None else sys.stderr
        self._progress: Progress | None = None
        if not quiet and err.isatty():
            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TextColumn("{task.completed} records"), TimeElapsedColumn(),
                                      console=Console(file=err), transient=True)
        self._task: dict[str, int] = {}

    def begin(self) -> None:
        if self._progress:
            self._progress.start()

    def progress(self, path: str, records: int) -> None:
        if not self._progress:
            return
        if path not in self._task:
            self._task[path] = self._progress.add_task(path, total=None)
        self._progress.update(self._task[path], completed=records)

    def finding(self, f: Finding) -> None:
        if self.statistics:
            return
        role = f", {f.role}" if f.role else ""
        self.console.print(
            f"[bold]{escape(location(f))}[/]: [{_SEV_STYLE[f.severity]}]{f.rule}[/] {escape(f.message)} "
            f"[dim]({f.attribute}/{f.kind}{escape(role)}{', ' + f.source if f.source != 'rule' else ''})[/]"
        )

    def end(self, result: RunResult) -> None:
        if self._progress:
            self._progress.stop()
        s = result.summary
        if self.statistics:
            for code, n in sorted(s.rule_counts.items(), key=lambda kv: (-kv[1], kv[0])):
                meta = result.rules_meta.get(code, {})
                fix = " [*]" if meta.get("fix") == "safe" else ""
                self.console.print(f"{n:>7}  {code}  {escape(meta.get('name', ''))}{fix}")
        if not self.quiet and s.findings:
            table = Table(title=None, show_edge=False, pad_edge=False)
            for col in ("attribute", "findings", "records leaking", "% of records", "records asking"):
                table.add_column(col, justify="right" if col != "attribute" else "left")
            per_attr: dict[str, int] = {a: 0 for a in ATTRIBUTES}
            for code, n in s.rule_counts.items():
                a = result.rules_meta.get(code, {}).get("attribute")
                if a in per_attr:
                    per_attr[a] += n
            for a in ATTRIBUTES:
                table.add_row(a, str(per_attr[a]), str(s.leak_records[a]), f"{s.rate(a):.2f}",
                              str(s.ask_records[a]))
            self.console.print()
            self.console.print(table)
        for g in result.gates:
            mark = "[green]pass[/]" if g.passed else "[bold red]FAIL[/]"
            self.console.print(f"rate gate {g.attribute}: {g.rate:.3f}% of {g.records} records "
                               f"(limit {g.limit}%) {mark}")
        if s.stale_baseline:
            self.console.print(f"[yellow]{len(s.stale_baseline)} baseline entr"
                               f"{'y is' if len(s.stale_baseline) == 1 else 'ies are'} stale[/] "
                               "(no longer found; run with --write-baseline to refresh)")
        if not self.quiet:
            hidden = [f"{s.baselined} hidden by baseline"] if s.baselined else []
            if s.resolved:
                hidden.append(f"{s.resolved} resolved by a refusal")
            base = f" ({'; '.join(hidden)})" if hidden else ""
            if s.findings:
                self.console.print(f"Found {s.findings} finding{'s' if s.findings != 1 else ''} in "
                                   f"{s.records} records, {s.files} file{'s' if s.files != 1 else ''}{base}.")
            elif not s.errors:
                self.console.print(f"All checks passed: {s.records} records, {s.files} "
                                   f"file{'s' if s.files != 1 else ''}{base}.")
