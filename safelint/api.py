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
_DEFAULT_HYBRID: Any = None


def build_engine(rules: Sequence[str | Path] = (), *, select: Sequence[str] = (), ignore: Sequence[str] = (),
                 builtin: bool = True) -> Engine:
    """Compile the built-in rules (plus extra rule files/directories), filtered by select/ignore."""
    ruleset = load_rules(rules, builtin=builtin)
    return Engine(ruleset, select_rules(ruleset.rules, select, ignore), selectors=(select, ignore))


def _default_engine() -> Engine:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = build_engine()
    return _DEFAULT


def with_model(engine: Engine, *, model_dir: str | Path | None = None, scope: str = "person",
               find: Mapping[str, float] | None = None, confirm: Mapping[str, float] | None = None,
               ask_find: Mapping[str, float] | None = None) -> Any:
    """``engine`` with the leakage classifier behind it (hybrid detection, as ``safelint check``
    runs by default): a drop-in :class:`~safelint.model.hybrid.HybridEngine`.  Raises
    :class:`~safelint.model.ModelError` when the model or onnxruntime is missing."""
    from safelint.model import load_model
    from safelint.model.hybrid import HybridEngine

    return HybridEngine(engine, load_model(model_dir), scope=scope, find_at=find, confirm_at=confirm,  # type: ignore[arg-type]
                        ask_find_at=ask_find)


def _default_detector(model: bool) -> Any:
    """The built-in rules, with the shipped classifier behind them when ``model`` (cached)."""
    global _DEFAULT_HYBRID
    if not model:
        return _default_engine()
    if _DEFAULT_HYBRID is None:
        _DEFAULT_HYBRID = with_model(_default_engine())
    return _DEFAULT_HYBRID


def detector(rules: Sequence[str | Path] = (), *, select: Sequence[str] = (), ignore: Sequence[str] = (),
             model: bool = True) -> Any:
    """What ``check``, ``fix`` and the PRISM judge run by default: the rules (built-in plus
    ``rules``, filtered by select/ignore) with the shipped classifier behind them (``model=False``:
    the rules alone).  The default set is built once and cached."""
    if not (rules or select or ignore):
        return _default_detector(model)
    eng = build_engine(rules, select=select, ignore=ignore)
    return with_model(eng) if model else eng


def scan_text(text: str, role: Role = None, *, engine: Engine | None = None, model: bool = True) -> list[Match]:
    """Matches in one string ("human", "gpt" or None for a caption).  ``model=False``: rules only."""
    return (engine or _default_detector(model)).scan(text, role)


def paths_or_records(source: Any) -> tuple[list[Any], bool]:
    """The API's ``source``: one path, a list of paths, or in-memory records, as a list and
    whether it holds paths."""
    items = [source] if isinstance(source, (str, Path)) else list(source)
    return items, all(isinstance(s, (str, Path)) for s in items)


def check(
    source: str | Path | Sequence[str | Path] | Iterable[Mapping[str, Any]],
    *,
    rules: Sequence[str | Path] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fields: Sequence[str] = (),
    engine: Engine | None = None,
    model: bool = True,
) -> list[Finding]:
    """Lint dataset files (a path or list of paths) or in-memory records (dicts), with hybrid
    detection like ``safelint check`` (``model=False``: the rules alone).

    Raises :class:`~safelint.formats.InputError` for unreadable or malformed input and
    :class:`~safelint.model.ModelError` when ``model`` is on but the classifier cannot load.
    """
    eng = engine or detector(rules, select=select, ignore=ignore, model=model)
    opts = ReadOptions(fields=tuple(fields))
    linter = Linter(eng, opts)
    sink = ListSink()
    items, are_paths = paths_or_records(source)
    if are_paths:
        summary = linter.lint_paths(items, sink)  # type: ignore[arg-type]
        if summary.errors:
            raise summary.errors[0]
        return sink.findings
    records = (extract(obj, f"/{i}", opts, path="<memory>", index=i) for i, obj in enumerate(items))
    linter.lint_records("<memory>", records, sink)
    return sink.findings


__all__ = ["InputError", "build_engine", "check", "detector", "scan_text", "with_model"]
