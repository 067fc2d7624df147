"""The strings a regex cannot match without (safelint.regexlits), and the engine's use of them to skip a search."""

from __future__ import annotations

import re

import pytest

from safelint.engine import Engine
from safelint.regexlits import MIN_LENGTH, required_literals
from safelint.rules import load_rules

ENGINE = Engine(load_rules())


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bhow old\b", {"how old"}),
    (r"\bhow (?:old|young)\b", {"how old", "how young"}),
    (r"\byears? old\b", {"year old", "years old"}),  # an optional letter multiplies the literal
    (r"\b(?:age|ages)\s*:", {"age"}),  # "ages" holds "age": one test is enough
    (r"\bcarr(?:y|ies|ied|ying)\s+[a-z]+\s+pounds\b", {"pounds"}),  # the longest run of literals wins
    (r"(?<=\bla )mari[ée]\b", {"marie", "marié"}),  # a small character class is a choice of letters
    (r"\d+\s*(?:kg|kgs|kilos)\b", None),  # "kg" is shorter than MIN_LENGTH
    (r"[a-z]+ed\b", None),  # nothing but short or unknown pieces
    (r"(?:foo)?bar", {"bar"}),  # an optional piece gives nothing, the rest still does
    (r"(?:alpha|b)\w+", None),  # one branch too short
    (r"(?:x|y)*", None),
])
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (None if got is None else set(got)) == expected
    if got is not None:
        assert min(map(len, got)) >= MIN_LENGTH


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?i)how old", None), (r"(?i:how old)", None), (r"(?-i:Frau|Mann)", None),
    (r"(?i:how) old", {" old"}),  # a case-blind group gives no literal; the rest still does
])
def test_a_group_that_changes_case_gives_no_literal(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (None if got is None else set(got)) == expected


def test_an_ignorecase_flag_gets_no_test() -> None:
    assert required_literals("how old", re.IGNORECASE) is None


def _examples() -> list[str]:
    return [ex.text.lower() for r in ENGINE.rules for ex in r.fire + r.quiet if ex.text.isascii()]


def test_every_match_holds_one_of_the_strings() -> None:
    """Generated from all rules' examples: wherever a rule regex (as run on the lowered string) matches, one of the
    strings the engine tests first is in the string, so skipping the search never loses a match."""
    texts = _examples()
    tested = 0
    for r in ENGINE._regex:
        if r.low is None or not r.needs:
            continue
        tested += 1
        for text in texts:
            if r.low.search(text):
                assert any(n in text for n in r.needs), (ENGINE.rules[r.rule].code, r.low.pattern[:80], text)
    assert tested > 100  # most rule regexes get a test


def test_scan_is_the_same_without_the_test() -> None:
    plain = Engine(load_rules())
    plain._regex[:] = [r._replace(needs=()) for r in plain._regex]
    for rule in ENGINE.rules:
        for ex in rule.fire + rule.quiet:
            for role in ("gpt", "human", "caption"):
                assert ENGINE.scan(ex.text, role) == plain.scan(ex.text, role), (rule.code, ex.text, role)
