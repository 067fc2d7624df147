"""The Python API: ``safelint.check(...)`` on paths or in-memory records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from safelint.engine import Engine
from safelint.findings import Finding, Match, Role
from safelint.formats import InputError, ReadOptions
from safelint.formats.base import extract
from safelint.linter import Linter, ListSink
from safelint.rules import load_rules, select_rules

_DEFAULT: Engine | None = None


def build_engine(rules: Sequence[str | Path] = (), *, select: Sequence[str] = (), ignore: Sequence[str] = (),
                 builtin: bool = True) -> Engine:
    """Compile the built-in rules (plus extra rule files/directories), filtered by select/ignore."""
    ruleset = load_rules(rules, builtin=builtin)
    return Engine(ruleset, select_rules(ruleset.rules, select, ignore))


def _default_engine() -> Engine:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = build_engine()
    return _DEFAULT


def scan_text(text: str, role: Role = None, *, engine: Engine | None = None) -> list[Match]:
    """Matches in one string ("human", "gpt" or None for a caption)."""
    return (engine or _default_engine()).scan(text, role)


def check(
    source: str | Path | Sequence[str | Path] | Iterable[Mapping[str, Any]],
    *,
    rules: Sequence[str | Path] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fields: Sequence[str] = (),
    engine: Engine | None = None,
) -> list[Finding]:
    """Lint dataset files (a path or list of paths) or in-memory records (dicts).

    Raises :class:`~safelint.formats.InputError` for unreadable or malformed input.
    """
    eng = engine or (build_engine(rules, select=select, ignore=ignore) if (rules or select or ignore)
                     else _default_engine())
    opts = ReadOptions(fields=tuple(fields))
    linter = Linter(eng, opts)
    sink = ListSink()
    if isinstance(source, (str, Path)):
        source = [source]
    items = list(source) if not isinstance(source, list) else source
    if all(isinstance(s, (str, Path)) for s in items):
        summary = linter.lint_paths(items, sink)  # type: ignore[arg-type]
        if summary.errors:
            raise summary.errors[0]
        return sink.findings
    records = (extract(obj, f"/{i}", opts, path="<memory>", index=i) for i, obj in enumerate(items))
    linter.lint_records("<memory>", records, sink)
    return sink.findings


__all__ = ["InputError", "build_engine", "check", "scan_text"]
