"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning (placeholder, see issue notes)."""

from __future__ import annotations

import json

from safelint import __version__
from safelint.findings import Finding
from safelint.outputs.base import BaseReporter, RunResult


class SarifReporter(BaseReporter):
    def begin(self) -> None:
        self.results: list[dict] = []

    def finding(self, f: Finding) -> None:
        self.results.append({"ruleId": f.rule, "message": {"text": f.message},
                             "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path}}}]})

    def end(self, result: RunResult) -> None:
        doc = {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
               "runs": [{"tool": {"driver": {"name": "safelint", "version": __version__}}, "results": self.results}]}
        json.dump(doc, self.stream, indent=2)
        self.stream.write("\n")
