"""JSON Lines: one record per line (LLaVA JSONL, caption JSONL, PRISM answer files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from safelint.formats.base import InputError, ReadOptions, Record, extract


class JsonlReader:
    name = "jsonl"
    extensions = (".jsonl", ".ndjson")

    def read(self, path: Path, opts: ReadOptions) -> Iterator[Record]:
        p = str(path)
        index = 0
        with open(path, "rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(p, f"not valid UTF-8 at column {exc.start + 1} ({exc.reason})",
                                     line=lineno, record=index) from None
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(p, f"malformed JSON: {exc.msg} (each line must be one JSON value)",
                                     line=lineno, column=exc.colno, record=index) from None
                except RecursionError:
                    raise InputError(p, "JSON nested too deeply to read", line=lineno, record=index) from None
                rec = extract(obj, "", opts, path=p, index=index)
                rec.line = lineno
                yield rec
                index += 1
