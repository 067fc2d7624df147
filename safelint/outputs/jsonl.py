"""``--output-format jsonl``: one finding per line, the same keys as the json output."""

from __future__ import annotations

import json

from safelint.findings import Finding
from safelint.outputs.base import BaseReporter


class JsonlReporter(BaseReporter):
    def finding(self, finding: Finding) -> None:
        self.stream.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")
