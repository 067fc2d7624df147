"""Readers, one module per format, behind the :class:`~safelint.formats.base.Reader` protocol."""

from __future__ import annotations

from pathlib import Path

from safelint.formats.base import InputError, Reader, ReadOptions, Record
from safelint.formats.json_array import JsonReader
from safelint.formats.jsonl import JsonlReader
from safelint.formats.tsv import TsvReader

READERS: dict[str, Reader] = {r.name: r for r in (JsonReader(), JsonlReader(), TsvReader())}


def reader_for(path: Path, forced: str | None = None) -> Reader | None:
    """The reader for a file, by --format or by extension; None if no reader claims it."""
    if forced:
        return READERS[forced]
    suffix = path.suffix.lower()
    for r in READERS.values():
        if suffix in r.extensions:
            return r
    return None


__all__ = ["READERS", "InputError", "ReadOptions", "Reader", "Record", "reader_for"]
