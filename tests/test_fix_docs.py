"""The before/after examples of docs/fix.md are what the fixer does (built-in rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safelint.api import _default_engine
from safelint.findings import TextItem
from safelint.fixer import Fixer

DOC = Path(__file__).resolve().parent.parent / "docs" / "fix.md"


def _rows() -> list[tuple[str, str, str, str]]:
    text = DOC.read_text(encoding="utf-8")
    sec = text[text.index("## Examples on LLaVA-Instruct"):]
    out = []
    for line in sec.splitlines():
        if line.startswith("| 0"):
            rid, before, safe, unsafe = (c.strip() for c in line.strip().strip("|").split(" | "))
            out.append((rid, before, safe, unsafe))
    return out


ROWS = _rows()


def test_the_doc_has_its_examples() -> None:
    assert len(ROWS) >= 20


@pytest.mark.parametrize("rid,before,safe,unsafe", ROWS, ids=[f"{r[0]}-{k}" for k, r in enumerate(ROWS)])
def test_doc_example(rid: str, before: str, safe: str, unsafe: str) -> None:
    eng = _default_engine()
    if " / " in before:  # a question and its answer
        q, a = before.split(" / ", 1)
        items = [TextItem("/0", q, "human"), TextItem("/1", a, "gpt")]
        got_safe = " / ".join(f.text for f in Fixer(eng).fix_items(items))
        got_unsafe = " / ".join(f.text for f in Fixer(eng, unsafe=True).fix_items(items))
    else:  # one gpt sentence, alone in its turn
        got_safe = Fixer(eng).fix_text(before, "gpt").text
        got_unsafe = Fixer(eng, unsafe=True).fix_items([TextItem("/0", before, "gpt")])[0].text
    assert got_safe == safe
    assert got_unsafe == (safe if unsafe == "*(same)*" else unsafe)
