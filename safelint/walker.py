"""Turn the user's paths into the dataset files to lint.

Explicit files are always linted (like ruff).  Directories are walked recursively; a file
is linted when it matches an ``include`` glob and no ``exclude`` glob, and every other
file is reported as skipped with a reason: never silently.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safelint.formats import reader_for

DEFAULT_INCLUDE = ("*.json", "*.jsonl", "*.ndjson", "*.tsv")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache",
                   ".pytest_cache", ".tox", ".ruff_cache", "*.egg-info")


@dataclass
class Walk:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    missing: list[str] = field(default_factory=list)


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(rel, g) for g in globs)


def walk(paths: Sequence[str | Path], include: Sequence[str] = DEFAULT_INCLUDE,
         exclude: Sequence[str] = DEFAULT_EXCLUDE, forced_format: str | None = None) -> Walk:
    out = Walk()
    seen: set[Path] = set()

    def add(p: Path) -> None:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            out.files.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_file():
            if reader_for(p, forced_format) is None:
                out.skipped.append((str(p), f"no reader for '{p.suffix or p.name}' files (use --format)"))
            else:
                add(p)
        elif p.is_dir():
            for root, dirs, files in os.walk(p):
                rroot = Path(root)
                dirs[:] = sorted(d for d in dirs if not _matches(str(rroot / d), d, exclude))
                for name in sorted(files):
                    fp = rroot / name
                    rel = str(fp)
                    if _matches(rel, name, exclude):
                        out.skipped.append((rel, "excluded"))
                    elif not _matches(rel, name, include):
                        out.skipped.append((rel, "not matched by include globs"))
                    elif reader_for(fp, forced_format) is None:
                        out.skipped.append((rel, f"no reader for '{fp.suffix}' files"))
                    else:
                        add(fp)
        else:
            out.missing.append(str(p))
    return out
