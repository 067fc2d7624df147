"""The engine runs its case-blind rule regexes on a lower-cased copy of an ASCII string (faster, same spans)."""

from __future__ import annotations

import re

import pytest

from safelint.engine import Engine
from safelint.regexcase import lowered_twin
from safelint.rules import load_rules

ENGINE = Engine(load_rules())


@pytest.mark.parametrize("pattern", [r"\b[A-Z]{2}\b", r"(?-i:Mr)\.? \w+", r"\bAlter\b", r"(?i:x)y"])
def test_a_pattern_that_reads_case_is_kept_case_blind(pattern: str) -> None:
    assert lowered_twin(re.compile(pattern, re.IGNORECASE)) is None


@pytest.mark.parametrize("pattern", [r"\bage[ds]?\b", r"(?P<field>\bweight)\s*:", r"\d+\s*(?:lbs?|kg)\b(?=\W)"])
def test_a_lower_case_pattern_drops_the_flag(pattern: str) -> None:
    fast = lowered_twin(re.compile(pattern, re.IGNORECASE))
    assert fast is not None and not fast.flags & re.IGNORECASE
    assert fast.pattern == pattern


def _texts(rule):  # type: ignore[no-untyped-def]
    for ex in rule.fire + rule.quiet:
        if ex.text.isascii():
            yield from (ex.text, ex.text.upper(), ex.text.title(), ex.text.swapcase())


@pytest.mark.parametrize("idx", sorted({r.rule for r in ENGINE._regex if r.low is not None}),
                         ids=lambda idx: ENGINE.rules[idx].code)
def test_every_rule_regex_finds_the_same_spans_in_the_lowered_text(idx: int) -> None:
    """Generated from each rule's own examples, in four casings: the regex used on the lowered string finds exactly
    the spans the case-blind regex finds in the string as written."""
    rule = ENGINE.rules[idx]
    for r in (r for r in ENGINE._regex if r.rule == idx and r.low is not None):
        for text in _texts(rule):
            assert [m.span() for m in r.low.finditer(text.lower())] == [m.span() for m in r.blind.finditer(text)], text


def test_scan_reads_case_where_a_rule_does() -> None:
    text = "THE 25-YEAR-OLD WOMAN WEIGHS ABOUT 60 KG."
    assert {m.rule for m in ENGINE.scan(text, "gpt")} == {m.rule for m in ENGINE.scan(text.lower(), "gpt")}
    assert {m.attribute for m in ENGINE.scan(text, "gpt")} >= {"age", "weight"}
    # German nouns are capitalised: a case-reading regex still reads "Junge" (boy) as written, not "junge" (young)
    assert "GEN221" in {m.rule for m in ENGINE.scan("Der Junge spielt mit einem Ball.", "gpt")}
