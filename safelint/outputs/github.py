"""``--output-format github``: GitHub Actions workflow commands (annotations on the PR).

GitHub shows at most 10 annotations of each level per step and 50 per job, so findings
beyond that are summarised per file and rule in one notice instead of being dropped
silently; every finding is still counted in the closing summary line.
"""

from __future__ import annotations

from collections import Counter

from safelint.findings import Finding
from safelint.outputs.base import BaseReporter, RunResult

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
MAX_ANNOTATIONS = 50


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(BaseReporter):
    def begin(self) -> None:
        self.shown = 0
        self.overflow: Counter[tuple[str, str]] = Counter()

    def finding(self, f: Finding) -> None:
        if self.shown >= MAX_ANNOTATIONS:
            self.overflow[(f.path, f.rule)] += 1
            return
        self.shown += 1
        props = [f"file={_escape_prop(f.path)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={_escape_prop(f'{f.rule} ({f.attribute})')}")
        msg = f"{f.message} at {f.pointer}[{f.start}:{f.end}]"
        self.stream.write(f"::{LEVEL[f.severity]} {','.join(props)}::{_escape_data(msg)}\n")

    def end(self, result: RunResult) -> None:
        for (path, rule), n in sorted(self.overflow.items()):
            self.stream.write(f"::notice file={_escape_prop(path)},title={_escape_prop(rule)}::"
                              f"{n} more {rule} finding(s) in this file (not annotated)\n")
        s = result.summary
        self.stream.write(f"safelint: {s.findings} finding(s) in {s.records} records, {s.files} file(s)\n")
