"""Reading PRISM JSON Lines files (questions, judge details, prism_v2 labels) with located errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def json_lines(path: str | Path, error: type[Exception]) -> Iterator[tuple[int, str, Any]]:
    """``(line number, where, value)`` for every non-blank line of ``path`` (``where`` = ``"path:line"``),
    streamed.

    Raises ``error`` with ``path:line:column: invalid JSON: …`` for a line that is not JSON, and
    ``path: not UTF-8 text …`` for undecodable bytes.  The caller checks the shape of each value."""
    try:
        with Path(path).open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{n}"
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise error(f"{where}:{exc.colno}: invalid JSON: {exc.msg}") from None
                yield n, where, value
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
