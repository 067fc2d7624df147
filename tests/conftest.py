from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED


class CountingEngine:
    """A detector wrapping ``engine`` that records the size of each batch call (``calls``) and counts the one-text
    calls (``single``): to check that scans reach the detector in batches."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[int] = []
        self.single = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)  # (the fixer and the fix labels read the rules and lexicon)

    def scan(self, text: str, role: Any = None) -> Any:
        self.single += 1
        return self.engine.scan(text, role)

    def scan_many(self, texts: Any, roles: Any) -> list[Any]:
        self.calls.append(len(texts))
        return [self.engine.scan(t, r) for t, r in zip(texts, roles, strict=True)]


def llava(*turns: tuple[str, str], id: str = "1") -> dict[str, Any]:
    return {"id": id, "image": f"{id}.jpg", "conversations": [{"from": f, "value": v} for f, v in turns]}


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    def _write(name: str, data: Any, *, indent: int | None = 2) -> Path:
        p = tmp_path / name
        if name.endswith(".jsonl"):
            p.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
        else:
            p.write_text(json.dumps(data, indent=indent), encoding="utf-8")
        return p

    return _write


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    from safelint.cli import main

    def _run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return _run
