"""The Python API: ``safelint.fix(...)`` on paths (rewritten in place) or on in-memory records."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safelint.engine import Engine
from safelint.findings import Finding
from safelint.fixer.core import REFUSAL, Fixer
from safelint.fixer.files import Change, FileResult, fix_file, record_fixes
from safelint.formats import InputError, ReadOptions
from safelint.formats.base import extract
from safelint.walker import walk


@dataclass
class FixResult:
    records: list[Any] | None = None  # the fixed records (in-memory input only)
    changes: list[Change] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)


def _unescape(tok: str) -> str:
    return tok.replace("~1", "/").replace("~0", "~")


def set_pointer(obj: Any, pointer: str, value: str) -> Any:
    """Set the string at ``pointer`` inside ``obj`` (returns the new root for the empty pointer)."""
    parts = [_unescape(t) for t in pointer.split("/")[1:]] if pointer not in ("", "/") else []
    if not parts:
        return value
    cur = obj
    for t in parts[:-1]:
        cur = cur[int(t)] if isinstance(cur, list) else cur[t]
    last = parts[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value
    return obj


def fix(
    source: str | Path | Sequence[str | Path] | Iterable[Mapping[str, Any]],
    *,
    unsafe: bool = False,
    refusal: str = REFUSAL,
    rules: Sequence[str | Path] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fields: Sequence[str] = (),
    engine: Engine | None = None,
    write: bool = True,
    backup: bool = False,
    model: bool = True,
) -> FixResult:
    """Fix dataset files in place (a path or list of paths; ``write=False`` for a dry run) or
    in-memory records (dicts; the input is not modified, fixed copies are returned), with the
    detector of ``safelint check`` (hybrid; ``model=False``: the rules alone).

    Raises :class:`~safelint.formats.InputError` for unreadable, malformed or unwritable input.
    """
    from safelint.api import detector, paths_or_records

    eng = engine or detector(rules, select=select, ignore=ignore, model=model)
    fixer = Fixer(eng, unsafe=unsafe, refusal=refusal)
    opts = ReadOptions(fields=tuple(fields))
    res = FixResult()
    items, are_paths = paths_or_records(source)
    if are_paths:
        w = walk(items)  # type: ignore[arg-type]
        if w.missing:
            raise InputError(str(w.missing[0]), "no such file or directory")
        for path in w.files:
            fr = fix_file(path, fixer, opts, write=write, backup=backup, on_change=res.changes.append)
            res.files.append(fr)
            res.remaining += fr.remaining
        return res
    out = []
    agg = FileResult("<memory>")
    for i, obj in enumerate(items):
        rec = extract(obj, f"/{i}", opts, path="<memory>", index=i)
        changes = record_fixes(fixer, "<memory>", rec, agg, res.changes.append)
        new = copy.deepcopy(obj)
        base = f"/{i}"
        for ptr, text in changes.items():
            new = set_pointer(new, ptr[len(base):], text)
        out.append(new)
    res.records = out
    res.remaining = agg.remaining
    res.files = []
    return res


__all__ = ["FixResult", "fix", "set_pointer"]
