"""``--output-format json``: one JSON object, streamed.

Schema (stable, documented in docs/output.md)::

    {"version": 1, "tool": "safelint", "findings": [FINDING...], "summary": {...}, "gates": [...],
     "exit_code": N}

FINDING has: path, record, id, pointer, role, start, end, text, rule, attribute, kind,
category, severity, source, message, confidence, fix, line, column, end_column.
"""

from __future__ import annotations

import json

from safelint import __version__
from safelint.findings import Finding
from safelint.outputs.base import BaseReporter, RunResult


class JsonReporter(BaseReporter):
    def begin(self) -> None:
        self.stream.write('{"version": 1, "tool": "safelint", "tool_version": %s, "findings": [' %
                          json.dumps(__version__))
        self._first = True

    def finding(self, finding: Finding) -> None:
        self.stream.write(("\n  " if self._first else ",\n  ") + json.dumps(finding.to_dict(), ensure_ascii=False))
        self._first = False

    def end(self, result: RunResult) -> None:
        tail = {
            "summary": result.summary.to_dict(),
            "gates": [{"attribute": g.attribute, "limit": g.limit, "rate": round(g.rate, 4), "passed": g.passed}
                      for g in result.gates],
            "exit_code": result.exit_code,
            "detector": result.detector,
        }
        body = json.dumps(tail, ensure_ascii=False, indent=2)[1:-1]
        self.stream.write(("\n]," if not self._first else "],") + body + "}\n")
