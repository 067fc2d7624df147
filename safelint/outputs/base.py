"""The output protocol: findings stream in, one report comes out.

Each output module implements :class:`Reporter`.  ``begin`` is called once, ``finding`` for
each finding as soon as it is found, ``progress`` now and then, and ``end`` once with the
summary and the run's verdict.  Reporters write to the stream they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from safelint.findings import Finding
from safelint.linter import Summary


@dataclass
class GateResult:
    attribute: str
    limit: float  # percent of records
    rate: float
    records: int

    @property
    def passed(self) -> bool:
        return self.rate <= self.limit


@dataclass
class RunResult:
    summary: Summary
    exit_code: int
    gates: list[GateResult] = field(default_factory=list)
    show_statistics: bool = False
    rules_meta: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {name, attribute, ...}
    # {"kind": "rules"|"hybrid", "model", "providers", "graph", "scope", "find", "confirm"}
    detector: dict[str, Any] = field(default_factory=dict)


class Reporter(Protocol):
    def begin(self) -> None: ...
    def finding(self, finding: Finding) -> None: ...
    def progress(self, path: str, records: int) -> None: ...
    def end(self, result: RunResult) -> None: ...


class BaseReporter:
    """Defaults for reporters that only care about some of the calls."""

    def __init__(self, stream: TextIO, *, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet

    def begin(self) -> None:
        pass

    def finding(self, finding: Finding) -> None:
        pass

    def progress(self, path: str, records: int) -> None:
        pass

    def end(self, result: RunResult) -> None:
        pass
