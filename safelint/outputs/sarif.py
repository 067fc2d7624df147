"""``--output-format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run.  ``tool.driver.rules`` has a reportingDescriptor for every rule that was enabled;
each finding becomes a result with a physical location (the file, relative to
``%SRCROOT%`` = the working directory, and the line/column span when known), a logical
location (the JSON Pointer of the string) and a ``partialFingerprints`` entry built from the
finding's baseline key, so alerts survive records being reordered or appended.

Results are written as they arrive (memory stays flat).  GitHub accepts at most 25,000
results per run, so after ``MAX_RESULTS - RESERVED`` listed results the rest are only
counted, and ``end`` adds one aggregated result per rule ("N more findings of GEN201 not
listed") in the reserved slots; ``run.properties`` records the totals.  Input errors and
skipped files become ``toolExecutionNotifications``.  The mapping is documented in
docs/output.md.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from safelint import __version__
from safelint.findings import Finding
from safelint.outputs.base import BaseReporter, RunResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/safelint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "safelint/v1"

MAX_RESULTS = 25_000  # GitHub code scanning: results per run
RESERVED = 100  # of those, slots kept for the aggregated "N more findings" results
MAX_MESSAGE = 1_000  # characters of a message text (our own cap; GitHub shows messages whole)
MAX_TEXT = 200  # characters of matched text kept in a result's properties
MAX_NOTIFICATIONS = 1_000  # toolExecutionNotifications kept (the rest are counted)

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))


class SarifReporter(BaseReporter):
    """Streams one SARIF 2.1.0 log: results as they come, the run's metadata at the end."""

    root: Path | None = None  # %SRCROOT%; the working directory when None

    def begin(self) -> None:
        self._root = Path(os.path.abspath(self.root or os.getcwd()))
        self._listed_cap = max(0, MAX_RESULTS - RESERVED)
        self._listed = 0
        self._rule_index: dict[str, int] = {}
        self._overflow: Counter[str] = Counter()
        self._first_overflow: dict[str, Finding] = {}
        self._artifacts: dict[str, dict[str, str]] = {}
        self._written = False
        self.stream.write(f'{{\n  "$schema": {json.dumps(SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [\n    {{\n'
                          '      "results": [')

    def finding(self, f: Finding) -> None:
        index = self._rule_index.setdefault(f.rule, len(self._rule_index))
        if self._listed >= self._listed_cap:
            self._overflow[f.rule] += 1
            self._first_overflow.setdefault(f.rule, f)
            return
        self._write(self._result(f, index))
        self._listed += 1

    def end(self, result: RunResult) -> None:
        aggregated = self._aggregated()
        for r in aggregated:
            self._write(r)
        s = result.summary
        errors = [{"level": "error", "message": {"text": _clip(str(e), MAX_MESSAGE)},
                   **self._where(e.path, e.line, e.column)} for e in s.errors]
        skipped = [{"level": "note", "message": {"text": _clip(f"skipped {p}: {reason}", MAX_MESSAGE)},
                    **self._where(p, None, None)} for p, reason in s.skipped]
        notes = errors + skipped
        invocation: dict[str, Any] = {"executionSuccessful": not s.errors, "exitCode": result.exit_code}
        if notes:
            invocation["toolExecutionNotifications"] = notes[:MAX_NOTIFICATIONS]
        run: dict[str, Any] = {
            "tool": {"driver": {"name": "safelint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": self._rules(result.rules_meta)}},
            "invocations": [invocation],
            "originalUriBaseIds": {SRCROOT: {"uri": self._root.as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "properties": {
                "findings": s.findings,
                "results": self._listed + len(aggregated),
                "listedFindings": self._listed,
                "unlistedFindings": sum(self._overflow.values()),
                "unlistedByRule": dict(sorted(self._overflow.items())),
                "maxResults": MAX_RESULTS,
                "truncated": bool(self._overflow),
                "notificationsDropped": max(0, len(notes) - MAX_NOTIFICATIONS),
                "summary": s.to_dict(),
                "gates": [{"attribute": g.attribute, "limit": g.limit, "rate": round(g.rate, 4), "passed": g.passed}
                          for g in result.gates],
                "exitCode": result.exit_code,
                "detector": result.detector,
            },
        }
        tail = json.dumps(run, ensure_ascii=True, indent=2)[1:-1].strip("\n")
        tail = "\n".join("    " + line for line in tail.splitlines())
        sep = "\n      ]," if self._written else "],"
        self.stream.write(f"{sep}\n{tail}\n    }}\n  ]\n}}\n")

    # -- building blocks ---------------------------------------------------------------------------

    def _write(self, result: dict[str, Any]) -> None:
        self.stream.write((",\n        " if self._written else "\n        ") + _dumps(result))
        self._written = True

    def _artifact(self, path: str) -> dict[str, str]:
        """``{"uri", "uriBaseId"}`` relative to %SRCROOT%, or an absolute file URI outside it."""
        loc = self._artifacts.get(path)
        if loc is None:
            full = Path(os.path.abspath(path))
            try:
                rel = full.relative_to(self._root)
                loc = {"uri": quote(rel.as_posix(), safe="/"), "uriBaseId": SRCROOT}
            except ValueError:
                loc = {"uri": full.as_uri()}
            self._artifacts[path] = loc
        return loc

    def _location(self, f: Finding) -> dict[str, Any]:
        physical: dict[str, Any] = {"artifactLocation": self._artifact(f.path)}
        if f.line is not None:
            region: dict[str, int] = {"startLine": f.line}
            if f.column is not None:
                region["startColumn"] = f.column
                if f.end_column is not None and f.end_column >= f.column:
                    region["endColumn"] = f.end_column
            physical["region"] = region
        return {"physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": f.pointer, "kind": "member"}]}

    def _where(self, path: str, line: int | None, column: int | None) -> dict[str, Any]:
        """A notification's location, when ``path`` names a file."""
        if not path or path.startswith("<"):
            return {}
        physical: dict[str, Any] = {"artifactLocation": self._artifact(path)}
        if line is not None and line >= 1:
            physical["region"] = {"startLine": line, **({"startColumn": column} if column and column >= 1 else {})}
        return {"locations": [{"physicalLocation": physical}]}

    def _result(self, f: Finding, index: int) -> dict[str, Any]:
        who = f", id {f.id}" if f.id is not None else ""
        text = f"{f.message} ({f.attribute}/{f.kind}) at {f.pointer}[{f.start}:{f.end}], record {f.record}{who}"
        key = f.baseline_key or hashlib.sha256(
            "\0".join((Path(f.path).as_posix(), f.pointer, f.rule, str(f.start), f.text)).encode(
                "utf-8", "surrogatepass")).hexdigest()[:24]
        return {
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": LEVEL[f.severity],
            "message": {"text": _clip(text, MAX_MESSAGE)},
            "locations": [self._location(f)],
            "partialFingerprints": {FINGERPRINT: key},
            "properties": {
                "record": f.record, "id": f.id, "pointer": f.pointer, "role": f.role, "attribute": f.attribute,
                "kind": f.kind, "category": f.category, "severity": f.severity, "source": f.source,
                "confidence": f.confidence, "fix": f.fix, "span": {"start": f.start, "end": f.end},
                "text": _clip(f.text, MAX_TEXT),
            },
        }

    def _aggregated(self) -> list[dict[str, Any]]:
        """One result per rule for findings past the cap, within the RESERVED slots."""
        slots = min(RESERVED, MAX_RESULTS - self._listed)
        ranked = sorted(self._overflow.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked or slots <= 0:
            return []
        groups: list[list[tuple[str, int]]] = [[kv] for kv in ranked[: slots - 1]]
        rest = ranked[slots - 1:]
        if rest:
            groups.append(rest)
        out = []
        for group in groups:
            rule = group[0][0]
            n = sum(c for _, c in group)
            f = self._first_overflow[rule]
            if len(group) == 1:
                what = f"{n} more finding{'s' if n != 1 else ''} of {rule} not listed"
            else:
                what = f"{n} more findings of {len(group)} rules ({', '.join(r for r, _ in group)}) not listed"
            where = f.path if f.line is None else f"{f.path}:{f.line}" + (f":{f.column}" if f.column else "")
            text = (f"{what}: this SARIF run is capped at {MAX_RESULTS} results (GitHub's limit); the first is at "
                    f"{where} {f.pointer}[{f.start}:{f.end}]. Use --output-format json or jsonl for every finding.")
            out.append({
                "ruleId": rule,
                "ruleIndex": self._rule_index[rule],
                "level": LEVEL[f.severity],
                "message": {"text": _clip(text, MAX_MESSAGE)},
                "locations": [self._location(f)],
                "partialFingerprints": {FINGERPRINT: "unlisted/" + "+".join(r for r, _ in group)},
                "properties": {"aggregated": True, "count": n, "rules": {r: c for r, c in group}},
            })
        return out

    def _rules(self, meta: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
        """Descriptors: rules seen in results first (their ruleIndex is fixed), then the others."""
        order = list(self._rule_index) + sorted(set(meta) - set(self._rule_index))
        return [self._descriptor(code, meta.get(code)) for code in order]

    @staticmethod
    def _descriptor(code: str, m: dict[str, str] | None) -> dict[str, Any]:
        if not m:
            return {"id": code}
        short = m.get("message", "").replace("'{text}'", "").replace("{text}", "").rstrip(" :") or m.get("name", code)
        desc = " ".join((m.get("description") or short).split())
        severity = m.get("severity", "warning")
        fix = m.get("fix")
        help_text = (f"{desc}\n\nAttribute: {m.get('attribute')} ({m.get('kind')}, {m.get('category')}). "
                     f"Fix: {'safe rewrite with `safelint fix`' if fix == 'safe' else 'manual or --unsafe-fixes'}. "
                     f"Run `safelint rule {code}` for examples.")
        return {
            "id": code,
            "name": m.get("name", code),
            "shortDescription": {"text": short},
            "fullDescription": {"text": desc},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
            "properties": {
                "attribute": m.get("attribute"), "kind": m.get("kind"), "category": m.get("category"),
                "severity": severity, "fix": fix,
                "tags": ["biometric", "privacy", *(t for t in (m.get("attribute"), m.get("kind"), m.get("category"))
                                                  if t)],
                "precision": "high" if m.get("kind") == "explicit" else "medium",
                "problem.severity": PROBLEM_SEVERITY.get(severity, "warning"),
            },
        }
