"""Baselines: accept today's findings, fail only on new ones.

Entries are keyed by record content (file, the string's pointer inside its record, the
string itself, rule, matched text, occurrence), not by position: reordering records or
appending new ones leaves the baseline valid.  Entries no longer found are reported as
stale.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from safelint.findings import Finding


class BaselineError(Exception):
    pass


class Baseline:
    def __init__(self, entries: dict[str, dict[str, Any]]):
        self.entries = entries
        self.remaining: Counter[str] = Counter({k: int(e.get("count", 1)) for k, e in entries.items()})

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{p}: baseline file not found (create it with --write-baseline)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"{p}: not a safelint baseline: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise BaselineError(f"{p}: not a safelint baseline: expected an object with an 'entries' list")
        entries: dict[str, dict[str, Any]] = {}
        for i, e in enumerate(data["entries"]):
            if not isinstance(e, dict) or not isinstance(e.get("key"), str):
                raise BaselineError(f"{p}: entries[{i}] must be an object with a string 'key'")
            entries[e["key"]] = e
        return cls(entries)

    def suppress(self, finding: Finding) -> bool:
        if self.remaining[finding.baseline_key] > 0:
            self.remaining[finding.baseline_key] -= 1
            return True
        return False

    def stale(self, linted_paths: set[str]) -> list[dict[str, Any]]:
        out = []
        for key, left in self.remaining.items():
            e = self.entries[key]
            if left > 0 and Path(str(e.get("path", ""))).as_posix() in linted_paths:
                out.append({k: e[k] for k in ("path", "rule", "text", "id") if k in e} | {"missing": left})
        return out


class BaselineWriter:
    """Collects finding keys (small) while the run streams, then writes atomically."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, f: Finding) -> None:
        e = self.entries.get(f.baseline_key)
        if e is None:
            self.entries[f.baseline_key] = {"key": f.baseline_key, "count": 1, "path": Path(f.path).as_posix(),
                                            "rule": f.rule, "text": f.text, "id": f.id}
        else:
            e["count"] += 1

    def write(self, path: str | Path) -> None:
        p = Path(path)
        data = {"version": 1, "tool": "safelint",
                "entries": sorted(self.entries.values(), key=lambda e: (e["path"], e["rule"], e["key"]))}
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent if str(p.parent) else ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
