"""``--output-format github``: GitHub Actions workflow commands (annotations on the PR).

Each finding becomes ``::error|warning|notice file=F,line=L,col=C,endColumn=E,title=T::MESSAGE``
(``line``/``col``/``endColumn`` when the reader or :mod:`safelint.locate` found them;
``endColumn`` is exclusive, like the SARIF output).  GitHub keeps at most 10 annotations of each
level per step and 50 per job, and drops the rest silently, so this output writes at most
``MAX_PER_LEVEL`` annotations of each level (one notice slot is kept for the overflow) and
``MAX_ANNOTATIONS`` in all.  Findings past that are counted per file and rule: one notice says
how many were not annotated and plain log lines list them.  Every finding is counted in the
closing summary line.
"""

from __future__ import annotations

from collections import Counter

from safelint.findings import Finding
from safelint.outputs.base import BaseReporter, RunResult

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
MAX_PER_LEVEL = 10  # GitHub: annotations of one level per step
MAX_ANNOTATIONS = 50  # GitHub: annotations per job
MAX_TITLE = 255  # GitHub: characters of an annotation title
MAX_MESSAGE = 4_000  # characters of a message (GitHub allows 64 KB; long ones are unreadable)


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _clip(s: str, limit: int) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"


class GithubReporter(BaseReporter):
    def begin(self) -> None:
        self.shown = 0
        self.per_level: Counter[str] = Counter()
        self.overflow: Counter[tuple[str, str]] = Counter()

    def _room(self, level: str) -> bool:
        cap = MAX_PER_LEVEL - 1 if level == "notice" else MAX_PER_LEVEL  # a notice is kept for the overflow
        return self.shown < MAX_ANNOTATIONS - 1 and self.per_level[level] < cap

    def finding(self, f: Finding) -> None:
        level = LEVEL[f.severity]
        if not self._room(level):
            self.overflow[(f.path, f.rule)] += 1
            return
        self.shown += 1
        self.per_level[level] += 1
        props = [f"file={_escape_prop(f.path)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
                if f.end_column is not None and f.end_column > f.column:
                    props.append(f"endColumn={f.end_column}")
        props.append(f"title={_escape_prop(_clip(f'{f.rule} ({f.attribute})', MAX_TITLE))}")
        msg = _clip(f"{f.message} at {f.pointer}[{f.start}:{f.end}]", MAX_MESSAGE)
        self.stream.write(f"::{level} {','.join(props)}::{_escape_data(msg)}\n")

    def end(self, result: RunResult) -> None:
        if self.overflow:
            total = sum(self.overflow.values())
            self.stream.write(f"::notice title=safelint::{total} more finding(s) not annotated (GitHub shows at most "
                              f"{MAX_PER_LEVEL} annotations of each level per step); see the log below\n")
            for (path, rule), n in sorted(self.overflow.items()):
                self.stream.write(f"safelint: {n} more {rule} finding(s) in {path} (not annotated)\n")
        s = result.summary
        self.stream.write(f"safelint: {s.findings} finding(s) in {s.records} records, {s.files} file(s)\n")
